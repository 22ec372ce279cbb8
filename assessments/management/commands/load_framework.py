"""Load a framework's data files (by default every folder under framework_data/)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.catalogue import CatalogueError
from assessments.services.frameworks import load_framework


class Command(BaseCommand):
    help = (
        "Validate and load framework data: a framework folder or its framework.yaml. "
        "With no path, loads every framework under framework_data/. Safe to re-run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", type=Path)

    def handle(
        self, *args: object, path: Path | None = None, **options: object
    ) -> None:
        paths = (
            [path]
            if path
            else sorted(settings.FRAMEWORK_DATA_DIR.glob("*/framework.yaml"))
        )
        if not paths:
            raise CommandError(
                f"{settings.FRAMEWORK_DATA_DIR}: no framework.yaml found"
            )
        for each in paths:
            try:
                result = load_framework(each)
            except CatalogueError as error:
                raise CommandError(str(error), returncode=2) from None
            self.stdout.write(
                f"{result.framework.code}: {result.outcome} ({result.clauses} clauses)"
            )
