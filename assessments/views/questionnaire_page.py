"""What an area page of the questionnaire shows, in a constant number of queries."""

from dataclasses import dataclass

from django.http import Http404

from assessments.catalogue import LEVELS, Clause
from assessments.forms import AnswerForm
from assessments.models import Answer, Assessment, Review
from assessments.models.catalogue import in_language
from assessments.permissions import Access
from assessments.presenters import (
    area_name,
    area_summaries,
    level_label,
    overall_summary,
)
from assessments.services.scores import score_assessment


@dataclass
class ClauseRow:
    clause: Clause
    answer: Answer | None
    form: AnswerForm | None
    satisfied: bool
    # Set when the assessor's save was refused because someone else saved first;
    # conflict is their answer (None if it has since gone).
    in_conflict: bool = False
    conflict: Answer | None = None
    # The newest review decision on this clause's answer, and whether it is about
    # the answer as it stands now.
    review: Review | None = None
    may_review: bool = False

    @property
    def review_is_current(self) -> bool:
        return bool(
            self.review
            and self.answer
            and self.review.answer_version == self.answer.version
        )

    @property
    def selected_evidence(self) -> set[int]:
        # Bound data holds strings, initial data holds ids: compare as ids.
        values = self.form["evidence"].value() if self.form else None
        return {int(v) for v in values or () if str(v).isdigit()}

    @property
    def text(self) -> str:
        return in_language(self.clause.text_zh, self.clause.text_en)

    @property
    def question(self) -> str:
        return in_language(self.clause.question_zh, self.clause.question_en)


def _reviewable_by(answer: Answer | None, access: Access) -> bool:
    # An auditor never reviews an answer they wrote themselves.
    return (
        answer is not None
        and bool(answer.status)
        and answer.updated_by_id != access.membership.user_id
    )


def library_choices(assessment: Assessment) -> list[tuple[int, str]]:
    return list(
        assessment.organization.evidence.order_by("title").values_list("pk", "title")
    )


def answer_form(
    clause: Clause, answer: Answer | None, library: list[tuple[int, str]]
) -> AnswerForm:
    initial = {"version": answer.version if answer else 0}
    if answer:
        initial |= {
            "status": answer.status,
            "note": answer.note,
            "justification": answer.justification,
            "evidence": [citation.evidence_id for citation in answer.citations.all()],
        }
    return AnswerForm(initial=initial, library=library, prefix=clause.code)


def area_page_context(
    assessment: Assessment,
    access: Access,
    area_code: str,
    bound: AnswerForm | None = None,
    conflicted: bool = False,
    conflict: Answer | None = None,
) -> dict[str, object]:
    catalogue, result = score_assessment(assessment)
    if area_code not in result.areas:
        raise Http404("no such area in this assessment")
    area = catalogue.area(area_code)
    answers = {
        answer.clause.code: answer
        for answer in assessment.answers.filter(clause__area__code=area_code)
        .select_related("clause", "updated_by")
        .prefetch_related(
            "citations__evidence", "reviews__reviewer", "reviews__responded_by"
        )
    }
    library = library_choices(assessment)
    may_answer = access.may_answer(assessment, area_code)
    may_review = access.may_review(assessment)
    rows_by_level: dict[int, list[ClauseRow]] = {level: [] for level in LEVELS}
    for clause in area.clauses:
        answer = answers.get(clause.code)
        form = None
        own = bound is not None and bound.prefix == clause.code
        if may_answer and not clause.baseline:
            form = bound if own else answer_form(clause, answer, library)
        rows_by_level[clause.level].append(
            ClauseRow(
                clause=clause,
                answer=answer,
                form=form,
                satisfied=clause.baseline
                or bool(answer and answer.for_scoring().satisfied),
                in_conflict=own and conflicted,
                conflict=conflict if own else None,
                review=next(iter(answer.reviews.all()), None) if answer else None,
                may_review=may_review and _reviewable_by(answer, access),
            )
        )
    summaries = area_summaries(assessment, catalogue, result)
    return {
        "assessment": assessment,
        "access": access,
        "area": next(s for s in summaries if s.code == area_code),
        "area_title": area_name(area),
        "summaries": summaries,
        "overall": overall_summary(catalogue, result),
        "may_answer": may_answer,
        "may_review": may_review,
        "decisions": Review.Decision.choices,
        "statuses": Answer.StatusChoice.choices,
        "levels": [
            (level_label(catalogue.levels[level - 1]), level, rows_by_level[level])
            for level in LEVELS
        ],
    }
