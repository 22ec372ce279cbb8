"""Check every organization's audit trail: each record's hash and each link."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.models import Organization
from assessments.services.audit import first_broken_link_of


class Command(BaseCommand):
    help = (
        "Recompute the hash chain of each organization's audit trail; report the "
        "first broken link (exit status 1) or say that the chain is whole."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", help="only this organization (slug)")

    def handle(self, *args: object, **options: object) -> None:
        organizations = Organization.objects.order_by("slug")
        if options["organization"]:
            organizations = organizations.filter(slug=options["organization"])
            if not organizations.exists():
                raise CommandError(
                    f"no organization {options['organization']!r}", returncode=2
                )
        broken = []
        for organization in organizations:
            link = first_broken_link_of(organization)
            if link is None:
                records = organization.audit_records.count()
                self.stdout.write(f"{organization.slug}: whole ({records} records)")
            else:
                broken.append(f"{organization.slug}: {link}")
        if broken:
            raise CommandError("; ".join(broken), returncode=1)
