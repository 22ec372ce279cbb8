"""Import a cmmrm-assessment/1 document as a new assessment of an organization."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.exchange import ExchangeError
from assessments.management.commands.score import BAD_INPUT, read_input
from assessments.models import Organization
from assessments.services.exchange import import_document, read_document


class Command(BaseCommand):
    help = (
        "Import a cmmrm-assessment/1 document (a file, or - for standard input) as a "
        "new assessment. The whole document is validated first: on error nothing"
        " is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--organization", required=True, help="organization slug")

    def handle(self, *args: object, **options: object) -> None:
        name = str(options["file"])
        slug = options["organization"]
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(
                f"--organization: no organization {slug!r}", returncode=BAD_INPUT
            )
        try:
            document, _ = read_document(read_input(name))
        except ExchangeError as error:
            raise CommandError(f"{name}: {error}", returncode=BAD_INPUT) from None
        assessment = import_document(document, organization)
        self.stdout.write(
            f"imported assessment {assessment.pk} with {len(document.answers)} answers"
        )
