"""Restore an organization written by export_all into this database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils.translation import gettext as _

from assessments.services.archive import ArchiveError, import_organization

BAD_INPUT = 2


class Command(BaseCommand):
    help = (
        "Restore an organization from a cmmrm-organization/1 ZIP archive written by "
        "export_all. The organization's short name must be free here, and its "
        "frameworks loaded (load_framework). Accounts are matched by username: one "
        "that does not exist here is created with its archived password hash, so its "
        "owner logs in as before (staff and superuser rights are never restored); "
        "one that exists with the same password hash is the same person, moved with "
        "an earlier organization, and is kept as it is; one that exists with another "
        "password stops the import. Assessments keep their ids, which the audit trail "
        "names, so they must be free too. The whole archive is checked first, and "
        "everything is written in one transaction: on any error nothing is kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="the ZIP file to read")

    def handle(self, *args: object, **options: object) -> None:
        path = options["archive"]
        try:
            summary = import_organization(path)
        except ArchiveError as error:
            raise CommandError(f"{path}: {error}", returncode=BAD_INPUT) from None
        except DatabaseError as error:
            raise CommandError(
                _("%(path)s: the import failed and nothing was kept: %(error)s")
                % {"path": path, "error": error}
            ) from None
        self.stdout.write(
            _(
                "imported organization %(slug)s: %(accounts)d accounts (%(reused)d "
                "already here), %(assessments)d assessments, %(files)d files"
            )
            % {
                "slug": summary.slug,
                "accounts": summary.accounts,
                "reused": summary.reused_accounts,
                "assessments": summary.assessments,
                "files": summary.files,
            }
        )
