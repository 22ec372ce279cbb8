"""Shapes the scoring result and the catalogue into what the pages show.

Clause and area texts come from the cached catalogue, so a page costs no query per
clause; only answers and evidence are read from the database.
"""

from dataclasses import dataclass

from django.urls import reverse

from assessments.catalogue import Area, Catalogue, LevelDefinition
from assessments.models import Assessment
from assessments.models.catalogue import in_language
from assessments.scoring import AreaResult, Result


def level_label(level: LevelDefinition | None) -> str:
    if level is None:
        return in_language("未达到第一级", "Below level 1")
    return in_language(
        f"{level.ordinal_zh}（{level.name_zh}）",
        f"{level.ordinal_en} ({level.name_en})",
    )


def level_definition(catalogue: Catalogue, level: int) -> LevelDefinition | None:
    return catalogue.levels[level - 1] if level else None


def domain_label(catalogue: Catalogue, result: Result, code: str) -> str:
    """The level of a domain scored through its stages, or "" when none is in scope."""
    if code not in result.domains:
        return ""
    return level_label(level_definition(catalogue, result.domains[code]))


def area_name(area: Area) -> str:
    return in_language(area.name_zh, area.name_en)


def percent(share: float) -> int:
    return round(share * 100)


@dataclass(frozen=True)
class AreaSummary:
    code: str
    name: str
    level: int
    level_label: str
    completion: int
    url: str
    parent: str | None

    def as_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "level": self.level,
            "level_label": self.level_label,
            "completion": self.completion,
        }


def area_summary(
    assessment: Assessment, catalogue: Catalogue, area: Area, result: AreaResult
) -> AreaSummary:
    return AreaSummary(
        code=area.code,
        name=area_name(area),
        level=result.level,
        level_label=level_label(level_definition(catalogue, result.level)),
        completion=percent(result.completion),
        url=reverse("assessments:area", args=[assessment.pk, area.code]),
        parent=area.parent,
    )


def area_summaries(
    assessment: Assessment, catalogue: Catalogue, result: Result
) -> list[AreaSummary]:
    return [
        area_summary(assessment, catalogue, area, result.areas[area.code])
        for area in catalogue.assessable_areas()
        if area.code in result.areas
    ]


def overall_summary(catalogue: Catalogue, result: Result) -> dict[str, object]:
    definition = level_definition(catalogue, result.overall_level)
    return {
        "level": result.overall_level,
        "level_label": level_label(definition),
        "characteristic": in_language(
            definition.characteristic_zh, definition.characteristic_en
        )
        if definition
        else "",
        "completion": percent(result.completion),
        "mean_level": result.mean_level,
    }
