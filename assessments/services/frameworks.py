"""Loading framework data into the database, and reading it back as plain data."""

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from assessments import catalogue as cat
from assessments.models import Area, Clause, Framework, LevelDefinition


@dataclass(frozen=True)
class LoadResult:
    framework: Framework
    outcome: str  # "created", "unchanged" or "updated"
    clauses: int


def catalogue_digest(catalogue: cat.Catalogue) -> str:
    canonical = json.dumps(
        dataclasses.asdict(catalogue), ensure_ascii=False, sort_keys=True, default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _structure(catalogue: cat.Catalogue) -> list[tuple]:
    return [
        (area.code, area.parent, [(c.code, c.baseline) for c in area.clauses])
        for area in catalogue.areas
    ]


def load_framework(path: Path) -> LoadResult:
    """Validate the data at path and load it in one transaction.

    Reloading unchanged data does nothing. Changed wording under the same code updates
    the texts in place, since answers cite clauses by code; changed clauses under the
    same code are refused, because assessments already made against the old clauses
    would silently change meaning. A new edition of the standard gets a new code.
    """
    catalogue = cat.read_catalogue(path)
    digest = catalogue_digest(catalogue)
    with transaction.atomic():
        existing = (
            Framework.objects.select_for_update().filter(code=catalogue.code).first()
        )
        if existing is None:
            framework = _create(catalogue, digest)
            return LoadResult(framework, "created", _count(catalogue))
        if existing.digest == digest:
            return LoadResult(existing, "unchanged", _count(catalogue))
        if _structure(catalogue_for(existing)) != _structure(catalogue):
            raise cat.CatalogueError(
                cat.framework_file(path),
                "code",
                f"framework {catalogue.code} is already loaded with different areas or "
                "clauses; a changed catalogue needs a new code",
            )
        _update_texts(existing, catalogue, digest)
        return LoadResult(existing, "updated", _count(catalogue))


def _count(catalogue: cat.Catalogue) -> int:
    return sum(1 for _ in catalogue.clauses())


def _framework_fields(catalogue: cat.Catalogue, digest: str) -> dict:
    return {
        "title_zh": catalogue.title_zh,
        "title_en": catalogue.title_en,
        "publisher_zh": catalogue.publisher_zh,
        "publisher_en": catalogue.publisher_en,
        "published": catalogue.published,
        "implemented": catalogue.implemented,
        "objectives": list(catalogue.objectives),
        "modules": list(catalogue.modules),
        "errata": catalogue.errata,
        "digest": digest,
    }


def _level_fields(level: cat.LevelDefinition) -> dict:
    fields = dataclasses.asdict(level)
    fields["details"] = list(level.details)
    return fields


def _clause_fields(clause: cat.Clause) -> dict:
    return {
        "text_zh": clause.text_zh,
        "text_en": clause.text_en,
        "question_zh": clause.question_zh,
        "question_en": clause.question_en,
    }


def _create(catalogue: cat.Catalogue, digest: str) -> Framework:
    framework = Framework.objects.create(
        code=catalogue.code, **_framework_fields(catalogue, digest)
    )
    LevelDefinition.objects.bulk_create(
        LevelDefinition(framework=framework, **_level_fields(level))
        for level in catalogue.levels
    )
    rows: dict[str, Area] = {}
    clauses = []
    for position, area in enumerate(catalogue.areas):
        rows[area.code] = Area.objects.create(
            framework=framework,
            code=area.code,
            parent=rows.get(area.parent) if area.parent else None,
            name_zh=area.name_zh,
            name_en=area.name_en,
            position=position,
            assessable=area.is_assessable,
        )
        clauses += [
            Clause(
                framework=framework,
                area=rows[area.code],
                code=clause.code,
                level=clause.level,
                letter=clause.letter,
                position=len(clauses) + offset,
                baseline=clause.baseline,
                **_clause_fields(clause),
            )
            for offset, clause in enumerate(area.clauses)
        ]
    Clause.objects.bulk_create(clauses)
    return framework


def _update_texts(framework: Framework, catalogue: cat.Catalogue, digest: str) -> None:
    Framework.objects.filter(pk=framework.pk).update(
        **_framework_fields(catalogue, digest)
    )
    for level in catalogue.levels:
        LevelDefinition.objects.filter(framework=framework, level=level.level).update(
            **_level_fields(level)
        )
    for area in catalogue.areas:
        Area.objects.filter(framework=framework, code=area.code).update(
            name_zh=area.name_zh, name_en=area.name_en
        )
        for clause in area.clauses:
            Clause.objects.filter(framework=framework, code=clause.code).update(
                **_clause_fields(clause)
            )
    framework.refresh_from_db()
    _CATALOGUES.pop(framework.pk, None)


_CATALOGUES: dict[int, tuple[str, cat.Catalogue]] = {}


def catalogue_for(framework: Framework) -> cat.Catalogue:
    """The loaded framework as plain data, for the scoring engine and exports.

    Cached per process by the framework's digest: catalogue rows only change through
    load_framework, which changes the digest.
    """
    cached = _CATALOGUES.get(framework.pk)
    if cached and cached[0] == framework.digest:
        return cached[1]
    catalogue = _read_rows(framework)
    _CATALOGUES[framework.pk] = (framework.digest, catalogue)
    return catalogue


def _read_rows(framework: Framework) -> cat.Catalogue:
    clauses_by_area: dict[int, list[cat.Clause]] = {}
    for row in framework.clauses.select_related("area").order_by("position"):
        clauses_by_area.setdefault(row.area_id, []).append(
            cat.Clause(
                code=row.code,
                area=row.area.code,
                level=row.level,
                letter=row.letter,
                baseline=row.baseline,
                **_clause_fields(row),
            )
        )
    areas = tuple(
        cat.Area(
            code=row.code,
            name_zh=row.name_zh,
            name_en=row.name_en,
            parent=row.parent.code if row.parent else None,
            clauses=tuple(clauses_by_area.get(row.pk, ())),
        )
        for row in framework.areas.select_related("parent").order_by("position")
    )
    levels = tuple(
        cat.LevelDefinition(
            **{
                f.name: getattr(row, f.name)
                for f in dataclasses.fields(cat.LevelDefinition)
            }
        )
        for row in framework.levels.order_by("level")
    )
    return cat.Catalogue(
        code=framework.code,
        title_zh=framework.title_zh,
        title_en=framework.title_en,
        publisher_zh=framework.publisher_zh,
        publisher_en=framework.publisher_en,
        published=framework.published,
        implemented=framework.implemented,
        levels=levels,
        objectives=tuple(framework.objectives),
        modules=tuple(framework.modules),
        areas=areas,
        errata=framework.errata,
    )
