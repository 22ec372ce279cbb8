"""Scoring an assessment held in the database, through the plain-Python engine."""

from assessments import scoring
from assessments.catalogue import Catalogue
from assessments.models import Assessment, Review
from assessments.services.frameworks import catalogue_for


def answers_for_scoring(assessment: Assessment) -> dict[str, scoring.Answer]:
    rows = assessment.answers.values_list("clause__code", "status", "justification")
    return {
        code: scoring.Answer(scoring.Status(status) if status else None, justification)
        for code, status, justification in rows
    }


def score_assessment(assessment: Assessment) -> tuple[Catalogue, scoring.Result]:
    catalogue = catalogue_for(assessment.framework)
    result = scoring.score(
        catalogue,
        answers_for_scoring(assessment),
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


def score_verified(assessment: Assessment) -> tuple[Catalogue, scoring.Result]:
    """The verified level: only answers an auditor accepted count as satisfied."""
    catalogue = catalogue_for(assessment.framework)
    accepted = accepted_clause_codes(assessment)
    answers = {
        code: answer
        for code, answer in answers_for_scoring(assessment).items()
        if code in accepted
    }
    result = scoring.score(
        catalogue, answers, assessment.scope, assessment.target_level
    )
    return catalogue, result
