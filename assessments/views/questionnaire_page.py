"""What an area page of the questionnaire shows, in a constant number of queries."""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db.models import F, Prefetch
from django.forms import BoundField
from django.http import Http404
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import SafeString

from assessments.catalogue import LEVELS, Area, Clause
from assessments.forms import AnswerForm
from assessments.models import Answer, Assessment, Citation, Review
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
    # What the clause's form shows (see clause_inputs); None when it takes no answer
    # from this user.
    inputs: dict[str, Any] | None
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
    def selected_evidence(self) -> set[str]:
        # Bound data holds strings, initial data holds ids: compare as strings.
        values = self.inputs["evidence"]["value"] if self.inputs else None
        return {str(v) for v in values or ()}

    @property
    def evidence_options(self) -> SafeString:
        if self.inputs is None:
            return SafeString("")
        library: LibraryOptions = self.inputs["evidence"]["choices"]
        return library.html(self.selected_evidence)

    @property
    def status_radios(self) -> SafeString:
        # Written here rather than looped over in the template, which took a fifth
        # of the page's time for four radios per clause.
        if self.inputs is None:
            return SafeString("")
        field = self.inputs["status"]
        name, auto_id = field["html_name"], field["auto_id"]
        checked = str(field["value"] or "")
        return format_html_join(
            "",
            '<div class="form-check form-check-inline"><input class="form-check-input"'
            ' type="radio" name="{0}" value="{1}" id="{2}_{3}"{4}><label'
            ' class="form-check-label" for="{2}_{3}">{5}</label></div>',
            (
                (name, value, auto_id, number, " checked" * (value == checked), label)
                for number, (value, label) in enumerate(Answer.StatusChoice.choices)
            ),
        )

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


class LibraryOptions:
    """The evidence library as <option> elements, escaped once per page: each of an
    area's clause forms offers the whole library, so a page holds it up to 29 times."""

    def __init__(self, choices: Iterable[tuple[object, str]]) -> None:
        self.choices = [
            (str(value), conditional_escape(value), conditional_escape(label))
            for value, label in choices
        ]

    def html(self, selected: set[str]) -> SafeString:
        # Safe: every value and label was escaped in __init__.
        return SafeString(  # nosec B703
            "".join(
                f'<option value="{value_html}"'
                f"{' selected' if value in selected else ''}>{label_html}</option>"
                for value, value_html, label_html in self.choices
            )
        )


def clause_inputs(
    clause_code: str,
    answer: Answer | None,
    library: LibraryOptions,
    bound: AnswerForm | None = None,
) -> dict[str, Any]:
    """What a clause's AnswerForm shows, as plain dicts the template reads cheaply.

    Per field: html_name, auto_id, label, help_text, value and errors, as its bound
    field gives them. Only a refused save's bound form is built, to show its errors:
    an AnswerForm per clause would cost more than the rest of the page's rows (each
    copies its fields), so the others fill one form's fields in with their own
    prefix and initial values.
    """
    if bound is not None:
        inputs = {name: _bound_field(bound[name]) for name in bound.fields}
        inputs["evidence"]["choices"] = LibraryOptions(bound.fields["evidence"].choices)
        errors = {"errors": bound.errors, "non_field_errors": bound.non_field_errors()}
        return inputs | errors
    initial: dict[str, object] = {"version": answer.version if answer else 0}
    if answer:
        initial |= {
            "status": answer.status,
            "note": answer.note,
            "justification": answer.justification,
            "evidence": [citation.evidence_id for citation in answer.citations.all()],
        }
    inputs = {}
    for name, blank in _blank_inputs().items():
        field = AnswerForm.base_fields[name]
        inputs[name] = blank | {
            "html_name": blank["html_name"].replace(PREFIX, clause_code),
            "auto_id": blank["auto_id"].replace(PREFIX, clause_code),
            "value": field.prepare_value(initial.get(name, field.initial)),
        }
    inputs["evidence"]["choices"] = library
    return inputs | {"errors": {}, "non_field_errors": ()}


PREFIX = "__prefix__"


@cache
def _blank_inputs() -> dict[str, dict[str, Any]]:
    """An unbound AnswerForm's fields, under a placeholder prefix; labels are lazy
    translations, so one reading serves every language."""
    form = AnswerForm(prefix=PREFIX)
    return {name: _bound_field(form[name]) for name in form.fields}


def _bound_field(field: BoundField) -> dict[str, Any]:
    return {
        "html_name": field.html_name,
        "auto_id": field.auto_id,
        "label": field.label,
        "help_text": field.help_text,
        "value": field.value(),
        "errors": field.errors,
    }


def area_answers(
    assessment: Assessment, area: Area, with_citations: bool
) -> dict[str, Answer]:
    """The area's answers by clause code, with what the page shows of their
    newest reviews and, when asked (only forms show them), their citations."""
    # Explicit orderings: the models' own ones sort by answer, which joins the
    # answer's assessment and organization only to sort.
    citations = (
        Citation.objects.select_related("evidence")
        .only("answer", "evidence", *(f"evidence__{name}" for name in EVIDENCE_SHOWN))
        .order_by("answer_id", "position")
    )
    reviews = (
        Review.objects.select_related("reviewer")
        .only("answer", "reviewer__username", *REVIEW_SHOWN)
        .order_by("-created_at", "-pk")
    )
    prefetches = [Prefetch("reviews", queryset=reviews)]
    if with_citations:
        prefetches.append(Prefetch("citations", queryset=citations))
    rows = (
        assessment.answers.filter(clause__code__in=[c.code for c in area.clauses])
        .annotate(code=F("clause__code"))
        .order_by()
        .prefetch_related(*prefetches)
    )
    return {answer.code: answer for answer in rows}


EVIDENCE_SHOWN = ("title", "kind", "url", "file")
REVIEW_SHOWN = ("answer_version", "decision", "reason", "created_at", "response")


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
    may_answer = access.may_answer(assessment, area_code)
    may_review = access.may_review(assessment)
    answers = area_answers(assessment, area, with_citations=may_answer or may_review)
    library = LibraryOptions(library_choices(assessment) if may_answer else ())
    rows_by_level: dict[int, list[ClauseRow]] = {level: [] for level in LEVELS}
    for clause in area.clauses:
        answer = answers.get(clause.code)
        inputs = None
        own = bound is not None and bound.prefix == clause.code
        if may_answer and not clause.baseline:
            inputs = clause_inputs(clause.code, answer, library, bound if own else None)
        rows_by_level[clause.level].append(
            ClauseRow(
                clause=clause,
                answer=answer,
                inputs=inputs,
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
        "levels": [
            (level_label(catalogue.levels[level - 1]), level, rows_by_level[level])
            for level in LEVELS
        ],
    }
