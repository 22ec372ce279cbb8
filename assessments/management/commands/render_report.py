"""Render an assessment's PDF maturity report to a file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.models import Assessment
from assessments.reports.pdf import LANGUAGES, render_report


class Command(BaseCommand):
    help = "Render the PDF maturity report of an assessment (Chinese by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("id", type=int, help="the assessment's id")
        parser.add_argument("--out", type=Path, required=True, help="the PDF to write")
        parser.add_argument("--lang", choices=sorted(LANGUAGES), default="zh")

    def handle(self, *args: object, **options: object) -> None:
        assessment = Assessment.objects.filter(pk=options["id"]).first()
        if assessment is None:
            raise CommandError(f"no assessment with id {options['id']}", returncode=2)
        pdf = render_report(assessment, str(options["lang"]))
        out = options["out"]
        try:
            out.write_bytes(pdf)
        except OSError as error:
            raise CommandError(f"{out}: {error.strerror}") from None
        self.stdout.write(f"wrote {out} ({len(pdf) // 1024} KiB)")
