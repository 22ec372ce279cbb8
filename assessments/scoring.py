"""The cumulative scoring rule of T/ISC 0028—2023, in plain Python.

An organization holds level N in an area only when every clause of levels 1 to N is
satisfied. Everything that shows a level (pages, reports, commands) asks this module;
nothing else computes one. It takes the catalogue and the answers as plain data and
returns plain data, so it is tested without a database.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from statistics import fmean

from assessments.catalogue import LEVELS, Area, Catalogue, Clause


class Status(StrEnum):
    MET = "met"
    PARTIAL = "partial"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class Answer:
    status: Status | None = None
    justification: str = ""

    @property
    def answered(self) -> bool:
        return self.status is not None

    @property
    def satisfied(self) -> bool:
        # Not applicable counts only with a written reason, or any clause could be
        # waved away.
        if self.status is Status.NOT_APPLICABLE:
            return bool(self.justification.strip())
        return self.status is Status.MET


NO_ANSWER = Answer()


@dataclass(frozen=True)
class AreaResult:
    code: str
    level: int
    # Unsatisfied clauses up to level + 1: what blocks the next level.
    gaps: tuple[str, ...]
    # Unsatisfied clauses up to the target level, when one is set.
    target_gaps: tuple[str, ...] | None
    # Per level, the share of clauses in place (met = 1, partial = 0.5). An
    # indicator for charts, never a level.
    coverage: Mapping[int, float]
    answered: int
    askable: int

    @property
    def completion(self) -> float:
        return self.answered / self.askable if self.askable else 1.0


@dataclass(frozen=True)
class Result:
    overall_level: int
    # Mean of the in-scope areas' levels: an indicator only, never a level.
    mean_level: float
    completion: float
    areas: Mapping[str, AreaResult]
    # Domains scored through their stages (5.2.3): the lowest stage level in scope.
    domains: Mapping[str, int]
    target_level: int | None = None


def is_satisfied(clause: Clause, answer: Answer) -> bool:
    return clause.baseline or answer.satisfied


def score_area(
    area: Area, answers: Mapping[str, Answer], target_level: int | None = None
) -> AreaResult:
    open_by_level: dict[int, list[str]] = {level: [] for level in LEVELS}
    credit = dict.fromkeys(LEVELS, 0.0)
    count = dict.fromkeys(LEVELS, 0)
    answered = askable = 0
    for clause in area.clauses:
        count[clause.level] += 1
        if clause.baseline:
            credit[clause.level] += 1.0
            continue
        answer = answers.get(clause.code, NO_ANSWER)
        askable += 1
        if answer.status is not None:
            answered += 1
        if answer.satisfied:
            credit[clause.level] += 1.0
        else:
            open_by_level[clause.level].append(clause.code)
            if answer.status is Status.PARTIAL:
                credit[clause.level] += 0.5

    level = 0
    while level < len(LEVELS) and not open_by_level[level + 1]:
        level += 1

    def open_up_to(top: int) -> tuple[str, ...]:
        return tuple(code for n in LEVELS if n <= top for code in open_by_level[n])

    return AreaResult(
        code=area.code,
        level=level,
        gaps=open_up_to(level + 1),
        target_gaps=open_up_to(target_level) if target_level else None,
        coverage={n: credit[n] / count[n] if count[n] else 1.0 for n in LEVELS},
        answered=answered,
        askable=askable,
    )


def areas_in_scope(catalogue: Catalogue, scope: Iterable[str] | None) -> list[Area]:
    """The assessable areas a scope names; a domain's code stands for its stages."""
    assessable = catalogue.assessable_areas()
    if scope is None:
        return list(assessable)
    named = set(scope)
    return [area for area in assessable if area.code in named or area.parent in named]


def score(
    catalogue: Catalogue,
    answers: Mapping[str, Answer],
    scope: Iterable[str] | None = None,
    target_level: int | None = None,
) -> Result:
    areas = areas_in_scope(catalogue, scope)
    if not areas:
        raise ValueError("an assessment's scope must hold at least one area")
    results = {area.code: score_area(area, answers, target_level) for area in areas}

    domains: dict[str, int] = {}
    for area in areas:
        if area.parent is not None:
            level = results[area.code].level
            domains[area.parent] = min(domains.get(area.parent, level), level)

    levels = [result.level for result in results.values()]
    askable = sum(result.askable for result in results.values())
    answered = sum(result.answered for result in results.values())
    return Result(
        overall_level=min(levels),
        mean_level=round(fmean(levels), 1),
        completion=answered / askable if askable else 1.0,
        areas=results,
        domains=domains,
        target_level=target_level,
    )


def what_if(
    catalogue: Catalogue,
    answers: Mapping[str, Answer],
    assume_met: Iterable[str],
    scope: Iterable[str] | None = None,
    target_level: int | None = None,
) -> Result:
    """Score as if the named open clauses were met, without changing any answer."""
    assumed = dict(answers)
    for code in assume_met:
        assumed[code] = Answer(Status.MET)
    return score(catalogue, assumed, scope, target_level)


def result_as_json(framework_code: str, result: Result) -> dict[str, object]:
    """The result in the shape `manage.py score` prints."""
    areas: dict[str, object] = {}
    for code, area in result.areas.items():
        entry: dict[str, object] = {"level": area.level, "gaps": list(area.gaps)}
        if area.target_gaps is not None:
            entry["target_gaps"] = list(area.target_gaps)
        entry["coverage"] = {
            str(n): round(share, 4) for n, share in area.coverage.items()
        }
        entry["completion"] = round(area.completion, 4)
        areas[code] = entry
    for code, level in result.domains.items():
        areas[code] = {"level": level}
    document: dict[str, object] = {
        "framework": framework_code,
        "overall_level": result.overall_level,
        "mean_level": result.mean_level,
        "completion": round(result.completion, 4),
    }
    if result.target_level is not None:
        document["target_level"] = result.target_level
    document["areas"] = areas
    return document
