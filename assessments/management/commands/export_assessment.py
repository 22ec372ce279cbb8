"""Write an assessment as a cmmrm-assessment/1 document."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.exchange import document_as_json
from assessments.models import Assessment
from assessments.services.exchange import audit_trail_of, export_document


class Command(BaseCommand):
    help = (
        "Export an assessment as cmmrm-assessment/1 JSON, to --out or standard output."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("id", type=int, help="the assessment's id")
        parser.add_argument("--out", type=Path, help="file to write (default: stdout)")
        parser.add_argument(
            "--with-trail",
            action="store_true",
            help="include the assessment's audit trail (ignored when imported)",
        )

    def handle(self, *args: object, **options: object) -> None:
        assessment = Assessment.objects.filter(pk=options["id"]).first()
        if assessment is None:
            raise CommandError(f"no assessment with id {options['id']}", returncode=2)
        trail = audit_trail_of(assessment) if options["with_trail"] else None
        text = document_as_json(*export_document(assessment), audit_trail=trail)
        out = options["out"]
        if out is None:
            self.stdout.write(text, ending="")
            return
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"{out}: {error.strerror}") from None
