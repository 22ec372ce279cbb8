"""Create the demo organization with one user per role, and print their credentials."""

from django.core.management.base import BaseCommand, CommandParser

from assessments.services.demo import DEMO_USERS, ensure_demo_organization


class Command(BaseCommand):
    help = (
        "Create (or reset) the demo organization and one demo user per role. "
        "Safe to re-run: existing demo users get the given password again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default="cmmrm-demo-2023")

    def handle(self, *args: object, **options: object) -> None:
        password = str(options["password"])
        organization = ensure_demo_organization(password)
        self.stdout.write(f"Demo organization: {organization.name}")
        for demo in DEMO_USERS:
            self.stdout.write(f"  {demo.role.label:<20} {demo.username} / {password}")
