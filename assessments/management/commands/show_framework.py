"""Print a loaded framework's catalogue, as text or as JSON."""

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.catalogue import LEVELS
from assessments.models import Framework
from assessments.services.frameworks import catalogue_for


class Command(BaseCommand):
    help = "Print a loaded framework's catalogue (the newest unless --code is given)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--code", help="framework code, e.g. 'T/ISC 0028—2023'")
        parser.add_argument("--json", action="store_true", help="print JSON on stdout")

    def handle(self, *args: object, **options: object) -> None:
        frameworks = Framework.objects.all()
        if options["code"]:
            frameworks = frameworks.filter(code=options["code"])
        framework = frameworks.order_by("-published").first()
        if framework is None:
            raise CommandError("no such framework is loaded; run load_framework first")
        catalogue = catalogue_for(framework)
        if options["json"]:
            self.stdout.write(
                json.dumps(as_json(catalogue), ensure_ascii=False, indent=2)
            )
        else:
            self.write_text(catalogue)

    def write_text(self, catalogue) -> None:
        self.stdout.write(f"{catalogue.code} {catalogue.title_zh}")
        for level in catalogue.levels:
            self.stdout.write(f"  {level.ordinal_zh}（{level.name_zh}）{level.name_en}")
        for area in catalogue.areas:
            self.stdout.write(f"\n{area.code} {area.name_zh} / {area.name_en}")
            for clause in area.clauses:
                mark = " [baseline]" if clause.baseline else ""
                self.stdout.write(
                    f"  {clause.code}{mark} {clause.text_zh.splitlines()[0]}"
                )


def as_json(catalogue) -> dict:
    return {
        "code": catalogue.code,
        "levels": [
            {"level": level.level, "name_zh": level.name_zh, "name_en": level.name_en}
            for level in catalogue.levels
        ],
        "areas": [
            {
                "code": area.code,
                "name_zh": area.name_zh,
                "name_en": area.name_en,
                "parent": area.parent,
                "levels": [
                    {
                        "level": level,
                        "clauses": [
                            {
                                "code": clause.code,
                                "text_zh": clause.text_zh,
                                "text_en": clause.text_en,
                                "baseline": clause.baseline,
                            }
                            for clause in area.clauses_at(level)
                        ],
                    }
                    for level in LEVELS
                ]
                if area.is_assessable
                else [],
            }
            for area in catalogue.areas
        ],
    }
