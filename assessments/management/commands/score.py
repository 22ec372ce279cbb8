"""Score an assessment document and print the result as JSON."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.exchange import ExchangeError
from assessments.scoring import result_as_json, score
from assessments.services.exchange import read_document

BAD_INPUT = 2


def read_input(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(name).read_bytes()
    except OSError as error:
        raise CommandError(f"{name}: {error.strerror}", returncode=BAD_INPUT) from None


class Command(BaseCommand):
    help = (
        "Score a cmmrm-assessment/1 document (a file, or - for standard input) with "
        "the cumulative rule and print the result as JSON. Writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the JSON document, or - for standard input")

    def handle(self, *args: object, **options: object) -> None:
        name = str(options["file"])
        try:
            document, catalogue = read_document(read_input(name))
        except ExchangeError as error:
            raise CommandError(f"{name}: {error}", returncode=BAD_INPUT) from None
        result = score(
            catalogue,
            document.answers_for_scoring(),
            document.scope,
            document.target_level,
        )
        output = result_as_json(catalogue.code, result)
        self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))
