"""Write an assessment as a cmmrm-assessment/1 document."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.exchange import document_as_json
from assessments.models import Assessment
from assessments.services.exchange import export_document


class Command(BaseCommand):
    help = (
        "Export an assessment as cmmrm-assessment/1 JSON, to --out or standard output."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("id", type=int, help="the assessment's id")
        parser.add_argument("--out", type=Path, help="file to write (default: stdout)")

    def handle(self, *args: object, **options: object) -> None:
        assessment = Assessment.objects.filter(pk=options["id"]).first()
        if assessment is None:
            raise CommandError(f"no assessment with id {options['id']}", returncode=2)
        text = document_as_json(*export_document(assessment))
        out = options["out"]
        if out is None:
            self.stdout.write(text, ending="")
            return
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"{out}: {error.strerror}") from None
