"""Write a whole organization to one ZIP archive, to move it to another database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from assessments.models import Organization
from assessments.services.archive import ArchiveError, export_organization


class Command(BaseCommand):
    help = (
        "Export an organization to a ZIP archive (format cmmrm-organization/1): its "
        "members, assessments, answers, evidence files, reviews, issued reports and "
        "audit trail. The archive holds the members' password hashes, so they can log "
        "in on the new server as before: keep it as safe as the database itself. The "
        "framework is named by its code, not copied. Restore with import_all."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the organization's short name")
        parser.add_argument("archive", type=Path, help="the ZIP file to write")

    def handle(self, *args: object, **options: object) -> None:
        slug = options["slug"]
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(
                _("no organization %(slug)r") % {"slug": slug}, returncode=2
            )
        path = options["archive"]
        try:
            summary = export_organization(organization, path)
        except ArchiveError as error:
            raise CommandError(f"{slug}: {error}") from None
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror or error}") from None
        self.stdout.write(
            _(
                "wrote %(path)s (%(size)d KiB): %(accounts)d accounts, "
                "%(assessments)d assessments, %(files)d files"
            )
            % {
                "path": path,
                "size": path.stat().st_size // 1024,
                "accounts": summary.accounts,
                "assessments": summary.assessments,
                "files": summary.files,
            }
        )
