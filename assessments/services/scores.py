"""Scoring an assessment held in the database, through the plain-Python engine."""

from assessments import scoring
from assessments.catalogue import Catalogue
from assessments.models import Assessment, Review
from assessments.services.frameworks import catalogue_for

# A dictionary lookup: making an enum member from its value is slow, and a page
# reads several hundred answers.
STATUSES: dict[str, scoring.Status | None] = {s.value: s for s in scoring.Status}
STATUSES[""] = None

Answers = dict[str, scoring.Answer]


def scoring_answer(status: str, justification: str) -> scoring.Answer:
    """An answer row's status and justification as the scoring engine takes them."""
    return scoring.Answer(STATUSES[status], justification)


def answers_for_scoring(assessment: Assessment) -> Answers:
    # No ordering: the model's own would join the assessment and organization.
    rows = assessment.answers.order_by().values_list(
        "clause__code", "status", "justification"
    )
    return {code: scoring_answer(*values) for code, *values in rows}


def score_assessment(
    assessment: Assessment, answers: Answers | None = None
) -> tuple[Catalogue, scoring.Result]:
    """The self-assessed result; answers, when given, are the assessment's own as
    answers_for_scoring reads them, so that a page scoring twice reads them once."""
    catalogue = catalogue_for(assessment.framework)
    result = scoring.score(
        catalogue,
        answers_for_scoring(assessment) if answers is None else answers,
        assessment.scope,
        assessment.target_level,
    )
    return catalogue, result


def accepted_clause_codes(assessment: Assessment) -> set[str]:
    """Clauses whose answer, as it stands now, an auditor has accepted."""
    latest: dict[str, tuple[int, str, int]] = {}
    rows = (
        Review.objects.filter(answer__assessment=assessment)
        .order_by("created_at", "pk")
        .values_list(
            "answer__clause__code", "answer_version", "decision", "answer__version"
        )
    )
    for code, reviewed_version, decision, current_version in rows:
        latest[code] = (reviewed_version, decision, current_version)
    return {
        code
        for code, (reviewed, decision, current) in latest.items()
        if decision == Review.Decision.ACCEPTED and reviewed == current
    }


def score_verified(
    assessment: Assessment, answers: Answers | None = None
) -> tuple[Catalogue, scoring.Result]:
    """The verified level: only answers an auditor accepted count as satisfied."""
    catalogue = catalogue_for(assessment.framework)
    accepted = accepted_clause_codes(assessment)
    if answers is None:
        answers = answers_for_scoring(assessment)
    result = scoring.score(
        catalogue,
        {code: answer for code, answer in answers.items() if code in accepted},
        assessment.scope,
        assessment.target_level,
    )
    return catalogue, result
