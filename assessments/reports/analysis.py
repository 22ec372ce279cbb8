"""From a scoring result to what to do next: the roadmap and the gaps that matter most.

Plain Python, like the scoring engine it reads.
"""

from dataclasses import dataclass

from assessments.catalogue import Catalogue, Clause
from assessments.scoring import Result


@dataclass(frozen=True)
class Step:
    clause: Clause
    # True when the clause blocks the area's next level; otherwise it only stands
    # between the area and the target level.
    blocks_next_level: bool


def roadmap(catalogue: Catalogue, result: Result) -> list[Step]:
    """Every open clause that blocks a next level or the target, by level then area.

    Lower levels come first because of the cumulative rule: nothing above them counts
    until they are in place.
    """
    position = {area.code: index for index, area in enumerate(catalogue.areas)}
    steps = []
    for area in catalogue.assessable_areas():
        scored = result.areas.get(area.code)
        if scored is None:
            continue
        wanted = set(scored.gaps) | set(scored.target_gaps or ())
        blocking = set(scored.gaps)
        steps += [
            Step(clause, clause.code in blocking)
            for clause in area.clauses
            if clause.code in wanted
        ]
    return sorted(steps, key=lambda s: (s.clause.level, position[s.clause.area]))


def key_gaps(catalogue: Catalogue, result: Result, limit: int = 5) -> list[Step]:
    """The open clauses that hold the overall level down.

    The overall level is the lowest area's, so only areas at that level can raise it.
    Those closest to their next level (fewest blocking clauses) come first, and the
    picks go round the areas so that one large area does not crowd out the rest.
    """
    position = {area.code: index for index, area in enumerate(catalogue.areas)}
    lowest = [
        code
        for code, area in result.areas.items()
        if area.level == result.overall_level
    ]
    lowest.sort(key=lambda code: (len(result.areas[code].gaps), position[code]))
    blocking = [step for step in roadmap(catalogue, result) if step.blocks_next_level]
    by_area = {
        code: [step for step in blocking if step.clause.area == code] for code in lowest
    }
    picks: list[Step] = []
    for depth in range(max((len(steps) for steps in by_area.values()), default=0)):
        picks += [steps[depth] for steps in by_area.values() if depth < len(steps)]
    return picks[:limit]
