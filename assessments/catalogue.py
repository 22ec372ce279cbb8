"""Read and validate a framework's data files into plain Python objects.

A framework lives in one folder: framework.yaml (identity, the level definitions of
5.1, the objectives of 4.1, the modules of 4.2 and the list of area files), one YAML
file per area under areas/, and errata.yaml. Nothing here touches Django, so the
scoring engine, the loader and the tests share one reading of the data.
"""

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from assessments.messages import one_line, shown, unstorable
from assessments.yaml_loading import UnreadableYaml, read_yaml

YamlMapping = dict[str, Any]

LEVELS = (1, 2, 3, 4, 5)
AREA_CODE = re.compile(r"5\.2\.[0-9]+(\.[0-9]+)?")
LETTER = re.compile(r"[a-z]")
# The longest texts the database keeps (assessments/models/catalogue.py). Longer ones
# are refused here: SQLite would keep them, PostgreSQL would stop the load midway.
FRAMEWORK_LIMITS = {
    "code": 64,
    "title_zh": 200,
    "title_en": 200,
    "publisher_zh": 200,
    "publisher_en": 200,
}
LEVEL_LIMITS = {"ordinal_zh": 20, "ordinal_en": 20, "name_zh": 20, "name_en": 40}
AREA_LIMITS = {"code": 20, "name_zh": 100, "name_en": 200}


class CatalogueError(Exception):
    """Bad framework data: says which file, where in it, and what is wrong."""

    def __init__(self, path: Path | str, place: str, problem: str) -> None:
        self.path = str(path)
        self.place = place
        self.problem = problem
        where = f"{self.path}: {place}: " if place else f"{self.path}: "
        # One line whatever the data holds, as commands report it on one line.
        super().__init__(one_line(where + problem))


@dataclass(frozen=True)
class Clause:
    code: str
    area: str
    level: int
    letter: str
    text_zh: str
    text_en: str
    question_zh: str = ""
    question_en: str = ""
    # A baseline clause describes an absence (尚未…, 未建立…): it is never asked and
    # always counts as satisfied.
    baseline: bool = False


@dataclass(frozen=True)
class Area:
    code: str
    name_zh: str
    name_en: str
    parent: str | None
    clauses: tuple[Clause, ...] = ()

    @property
    def is_assessable(self) -> bool:
        return bool(self.clauses)

    def clauses_at(self, level: int) -> tuple[Clause, ...]:
        return tuple(clause for clause in self.clauses if clause.level == level)


@dataclass(frozen=True)
class LevelDefinition:
    level: int
    ordinal_zh: str
    ordinal_en: str
    name_zh: str
    name_en: str
    characteristic_zh: str
    characteristic_en: str
    summary_zh: str
    summary_en: str
    details: tuple[dict[str, str], ...]


@dataclass(frozen=True)
class Catalogue:
    code: str
    title_zh: str
    title_en: str
    publisher_zh: str
    publisher_en: str
    published: datetime.date
    implemented: datetime.date
    levels: tuple[LevelDefinition, ...]
    objectives: tuple[dict[str, str], ...]
    modules: tuple[dict[str, str], ...]
    areas: tuple[Area, ...]
    errata: dict[str, Any] = field(default_factory=dict)

    def assessable_areas(self) -> tuple[Area, ...]:
        return tuple(area for area in self.areas if area.is_assessable)

    def clauses(self) -> Iterator[Clause]:
        for area in self.areas:
            yield from area.clauses

    def area(self, code: str) -> Area:
        return next(area for area in self.areas if area.code == code)


class _Reader:
    """Checks one loaded YAML mapping, naming the file and place of every fault."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, place: str, problem: str) -> CatalogueError:
        return CatalogueError(self.path, place, problem)

    def mapping(self, value: object, place: str, allowed: set[str]) -> YamlMapping:
        if not isinstance(value, dict):
            raise self.fail(place, "expected a mapping")
        # YAML keys may be numbers or null too, which do not sort among text.
        unknown = sorted(set(value) - allowed, key=repr)
        if unknown:
            raise self.fail(place, f"unknown field {shown(unknown[0])}")
        return value

    def items(self, data: YamlMapping, key: str, place: str) -> list[Any]:
        value = data.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail(_join(place, key), "expected a non-empty list")
        return value

    def text(
        self,
        data: YamlMapping,
        key: str,
        place: str,
        required: bool = True,
        limit: int = 0,
    ) -> str:
        value = data.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise self.fail(_join(place, key), "expected text")
        value = value.strip()
        if required and not value:
            raise self.fail(_join(place, key), "is missing or empty")
        if limit and len(value) > limit:
            raise self.fail(_join(place, key), f"longer than {limit} characters")
        problem = unstorable(value)
        if problem:
            raise self.fail(_join(place, key), problem)
        return value

    def date(self, data: YamlMapping, key: str) -> datetime.date:
        value = data.get(key)
        # A datetime is a date too, but what it adds would be silently dropped.
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            raise self.fail(key, "expected a date written as YYYY-MM-DD")
        return value

    def level(self, data: YamlMapping, place: str, level: int) -> None:
        value = data.get("level")
        # true == 1 in Python, but true is not a level.
        if isinstance(value, bool) or value != level:
            raise self.fail(f"{place}.level", f"expected level {level}")


def _join(place: str, key: str) -> str:
    return f"{place}.{key}" if place else key


def _read_yaml(path: Path) -> object:
    try:
        return read_yaml(path)
    except UnreadableYaml as error:
        raise CatalogueError(path, error.place, error.problem) from None


def framework_file(path: Path) -> Path:
    """Accept either a framework's folder or its framework.yaml."""
    return path / "framework.yaml" if path.is_dir() else path


def read_catalogue(path: Path) -> Catalogue:
    path = framework_file(path)
    reader = _Reader(path)
    data = reader.mapping(
        _read_yaml(path),
        "",
        {
            "code",
            "title_zh",
            "title_en",
            "publisher_zh",
            "publisher_en",
            "published",
            "implemented",
            "levels",
            "objectives",
            "modules",
            "areas",
        },
    )
    areas = _read_areas(reader, data, path.parent)
    area_codes = {area.code for area in areas}
    texts = {
        key: reader.text(data, key, "", limit=limit)
        for key, limit in FRAMEWORK_LIMITS.items()
    }
    return Catalogue(
        **texts,
        published=reader.date(data, "published"),
        implemented=reader.date(data, "implemented"),
        levels=_read_levels(reader, data),
        objectives=_read_objectives(reader, data),
        modules=_read_modules(reader, data, area_codes),
        areas=areas,
        errata=_read_errata(path.parent / "errata.yaml"),
    )


def _read_levels(reader: _Reader, data: YamlMapping) -> tuple[LevelDefinition, ...]:
    raw_levels = reader.items(data, "levels", "")
    if len(raw_levels) != len(LEVELS):
        raise reader.fail(
            "levels", f"expected {len(LEVELS)} levels, found {len(raw_levels)}"
        )
    levels = []
    for index, raw in enumerate(raw_levels):
        place = f"levels[{index}]"
        text_fields = {
            f"{name}_{lang}"
            for name in ("ordinal", "name", "characteristic", "summary")
            for lang in ("zh", "en")
        }
        raw = reader.mapping(raw, place, {"level", "details"} | text_fields)
        reader.level(raw, place, index + 1)
        details = []
        for number, item in enumerate(reader.items(raw, "details", place)):
            item_place = f"{place}.details[{number}]"
            item = reader.mapping(item, item_place, {"zh", "en"})
            details.append(
                {lang: reader.text(item, lang, item_place) for lang in ("zh", "en")}
            )
        texts = {
            name: reader.text(raw, name, place, limit=LEVEL_LIMITS.get(name, 0))
            for name in sorted(text_fields)
        }
        levels.append(LevelDefinition(level=index + 1, details=tuple(details), **texts))
    return tuple(levels)


def _read_objectives(reader: _Reader, data: YamlMapping) -> tuple[dict[str, str], ...]:
    objectives = []
    for index, raw in enumerate(reader.items(data, "objectives", "")):
        place = f"objectives[{index}]"
        keys = {"letter", "name_zh", "name_en", "text_zh", "text_en"}
        raw = reader.mapping(raw, place, keys)
        objectives.append({key: reader.text(raw, key, place) for key in sorted(keys)})
    return tuple(objectives)


def _read_modules(
    reader: _Reader, data: YamlMapping, area_codes: set[str]
) -> tuple[dict[str, str], ...]:
    modules = []
    for index, raw in enumerate(reader.items(data, "modules", "")):
        place = f"modules[{index}]"
        keys = {"letter", "area", "name_zh", "text_zh", "text_en"}
        raw = reader.mapping(raw, place, keys)
        module = {key: reader.text(raw, key, place) for key in sorted(keys)}
        if module["area"] not in area_codes:
            raise reader.fail(f"{place}.area", f"unknown area {shown(module['area'])}")
        modules.append(module)
    return tuple(modules)


def _read_areas(reader: _Reader, data: YamlMapping, folder: Path) -> tuple[Area, ...]:
    areas: list[Area] = []
    seen_clauses: dict[str, Path] = {}
    for index, name in enumerate(reader.items(data, "areas", "")):
        if not _is_inside_folder(name):
            raise reader.fail(
                f"areas[{index}]",
                "expected the path of an area file inside the framework's folder,"
                " such as areas/5.2.1.yaml",
            )
        area = _read_area(folder / name, seen_clauses)
        if any(area.code == other.code for other in areas):
            raise reader.fail(f"areas[{index}]", f"area {area.code} is listed twice")
        areas.append(area)
    codes = {area.code for area in areas}
    for area in areas:
        if area.parent is not None and area.parent not in codes:
            raise reader.fail(
                "areas", f"area {area.code} names unknown parent {area.parent}"
            )
        children = [other for other in areas if other.parent == area.code]
        if not area.is_assessable and not children:
            raise reader.fail(
                "areas", f"area {area.code} has neither clauses nor stages"
            )
    return tuple(areas)


def _is_inside_folder(name: object) -> bool:
    if not isinstance(name, str) or not name.strip() or unstorable(name):
        return False
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and len(name) <= 255


def _read_area(path: Path, seen_clauses: dict[str, Path]) -> Area:
    reader = _Reader(path)
    data = reader.mapping(
        _read_yaml(path), "", {"code", "parent", "name_zh", "name_en", "levels"}
    )
    code = data.get("code")
    if (
        not isinstance(code, str)
        or not AREA_CODE.fullmatch(code)
        or len(code) > AREA_LIMITS["code"]
    ):
        raise reader.fail(
            "code", f"{shown(code)} is not an area code such as 5.2.1 or 5.2.3.4"
        )
    parent = data.get("parent")
    if parent is not None and (
        not isinstance(parent, str) or not code.startswith(parent + ".")
    ):
        raise reader.fail(
            "parent", f"{shown(parent)} is not the section that contains {code}"
        )
    clauses: list[Clause] = []
    if "levels" in data:
        clauses = _read_area_levels(reader, data, code, seen_clauses)
    return Area(
        code=code,
        name_zh=reader.text(data, "name_zh", "", limit=AREA_LIMITS["name_zh"]),
        name_en=reader.text(data, "name_en", "", limit=AREA_LIMITS["name_en"]),
        parent=parent,
        clauses=tuple(clauses),
    )


def _read_area_levels(
    reader: _Reader, data: YamlMapping, area: str, seen_clauses: dict[str, Path]
) -> list[Clause]:
    raw_levels = reader.items(data, "levels", "")
    if len(raw_levels) != len(LEVELS):
        raise reader.fail(
            "levels", f"expected {len(LEVELS)} levels, found {len(raw_levels)}"
        )
    clauses = []
    for index, raw in enumerate(raw_levels):
        place = f"levels[{index}]"
        raw = reader.mapping(raw, place, {"level", "clauses"})
        level = index + 1
        reader.level(raw, place, level)
        for number, item in enumerate(reader.items(raw, "clauses", place)):
            clause = _read_clause(
                reader, item, f"{place}.clauses[{number}]", area, level
            )
            if clause.code in seen_clauses:
                raise reader.fail(
                    f"{place}.clauses[{number}].code",
                    f"duplicate clause code {clause.code}"
                    f" (also in {seen_clauses[clause.code]})",
                )
            seen_clauses[clause.code] = reader.path
            clauses.append(clause)
    return clauses


def _read_clause(
    reader: _Reader, raw: object, place: str, area: str, level: int
) -> Clause:
    raw = reader.mapping(
        raw,
        place,
        {"code", "text_zh", "text_en", "question_zh", "question_en", "baseline"},
    )
    code = raw.get("code")
    section = f"{area}.{level}."
    if not isinstance(code, str) or not code.startswith(section):
        raise reader.fail(
            f"{place}.code",
            f"{shown(code)} does not belong to level section {section[:-1]}",
        )
    letter = code[len(section) :]
    if not LETTER.fullmatch(letter):
        raise reader.fail(
            f"{place}.code", f"{shown(code)} does not end in a clause letter a-z"
        )
    baseline = raw.get("baseline", False)
    if not isinstance(baseline, bool):
        raise reader.fail(f"{place}.baseline", "expected true or false")
    question_zh = reader.text(raw, "question_zh", place, required=False)
    question_en = reader.text(raw, "question_en", place, required=False)
    if bool(question_zh) != bool(question_en):
        raise reader.fail(
            place, "a question wording needs both question_zh and question_en"
        )
    if baseline and question_zh:
        raise reader.fail(
            place, "a baseline clause is never asked, so it takes no question"
        )
    return Clause(
        code=code,
        area=area,
        level=level,
        letter=letter,
        text_zh=reader.text(raw, "text_zh", place),
        text_en=reader.text(raw, "text_en", place),
        question_zh=question_zh,
        question_en=question_en,
        baseline=baseline,
    )


def _read_errata(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    reader = _Reader(path)
    data = reader.mapping(
        _read_yaml(path) or {}, "", {"corrections", "cumulative_lines", "elsewhere"}
    )
    for section, entries in data.items():
        if not isinstance(entries, list):
            raise reader.fail(section, "expected a list")
        keys = {"location", "published", "corrected", "reason_zh", "reason_en"}
        for index, entry in enumerate(entries):
            place = f"{section}[{index}]"
            entry = reader.mapping(entry, place, keys)
            for key in sorted(keys):
                reader.text(entry, key, place)
    return data
