"""An organization's assessments over time: levels side by side, and what changed."""

from collections import defaultdict
from dataclasses import dataclass

from assessments import scoring
from assessments.models import Answer, Assessment, Organization
from assessments.services.frameworks import catalogue_for
from assessments.services.scores import answers_for_scoring, scoring_answer


def score_all(organization: Organization) -> list[tuple[Assessment, scoring.Result]]:
    """Every assessment of the organization scored, oldest first, in two queries."""
    assessments = list(
        organization.assessments.select_related("framework").order_by(
            "created_at", "pk"
        )
    )
    answers: dict[int, dict[str, scoring.Answer]] = defaultdict(dict)
    # From the answers' side, unordered: a filter on the assessments' side would
    # join the answers a second time, pairing each answer with every other one.
    rows = (
        Answer.objects.filter(assessment__organization=organization)
        .order_by()
        .values_list("assessment_id", "clause__code", "status", "justification")
    )
    for pk, code, status, justification in rows:
        answers[pk][code] = scoring_answer(status, justification)
    return [
        (
            assessment,
            scoring.score(
                catalogue_for(assessment.framework),
                answers[assessment.pk],
                assessment.scope,
                assessment.target_level,
            ),
        )
        for assessment in assessments
    ]


@dataclass(frozen=True)
class Comparison:
    # area code → (level before, level after); None where out of one's scope
    levels: dict[str, tuple[int | None, int | None]]
    newly_satisfied: list[str]
    newly_open: list[str]


def compare(earlier: Assessment, later: Assessment) -> Comparison:
    catalogue = catalogue_for(later.framework)
    results = {}
    satisfied = {}
    for assessment in (earlier, later):
        answers = answers_for_scoring(assessment)
        results[assessment.pk] = scoring.score(
            catalogue, answers, assessment.scope, assessment.target_level
        )
        satisfied[assessment.pk] = {
            clause.code
            for clause in catalogue.clauses()
            if clause.area in results[assessment.pk].areas
            and scoring.is_satisfied(
                clause, answers.get(clause.code, scoring.NO_ANSWER)
            )
        }
    before, after = results[earlier.pk], results[later.pk]
    levels = {
        area.code: (
            before.areas[area.code].level if area.code in before.areas else None,
            after.areas[area.code].level if area.code in after.areas else None,
        )
        for area in catalogue.assessable_areas()
    }
    # Only clauses of areas both assessments cover can have changed.
    common = set(before.areas) & set(after.areas)
    order = [clause.code for clause in catalogue.clauses() if clause.area in common]
    return Comparison(
        levels=levels,
        newly_satisfied=[
            c for c in order if c in satisfied[later.pk] - satisfied[earlier.pk]
        ],
        newly_open=[
            c for c in order if c in satisfied[earlier.pk] - satisfied[later.pk]
        ],
    )
