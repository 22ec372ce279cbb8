"""Scoring an assessment held in the database, through the plain-Python engine."""

from assessments import scoring
from assessments.catalogue import Catalogue
from assessments.models import Assessment
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
