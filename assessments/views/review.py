"""Auditors' decisions per clause, assessors' responses, and state changes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.lifecycle import Action, LifecycleError
from assessments.models import Review
from assessments.permissions import assessment_for
from assessments.services.lifecycle import (
    change_state,
    respond_to_review,
    review_answer,
    start_from,
)


def refusal(error: LifecycleError) -> str:
    return _(error.message) % error.params if error.params else _(error.message)


@login_required
@require_POST
def review_clause(
    request: HttpRequest, assessment_id: int, clause_code: str
) -> HttpResponse:
    assessment, access = assessment_for(request.user, assessment_id)
    answer = (
        assessment.answers.select_related("clause", "assessment")
        .filter(clause__code=clause_code)
        .first()
    )
    if answer is None:
        raise Http404("no answer to review")
    try:
        review_answer(
            answer,
            request.POST.get("decision", ""),
            request.POST.get("reason", ""),
            request.user,
            access,
        )
    except LifecycleError as error:
        messages.error(request, refusal(error))
    url = reverse("assessments:area", args=[assessment.pk, answer.clause.area.code])
    return redirect(f"{url}#clause-{clause_code}")


@login_required
@require_POST
def respond(request: HttpRequest, review_id: int) -> HttpResponse:
    review = (
        Review.objects.select_related("answer__clause__area")
        .filter(pk=review_id)
        .first()
    )
    if review is None:
        raise Http404("no such review")
    assessment, access = assessment_for(request.user, review.answer.assessment_id)
    area = review.answer.clause.area.code
    if not access.may_answer(assessment, area):
        messages.error(
            request,
            _("Only the area's assessors respond, and only while answers can change."),
        )
    else:
        try:
            respond_to_review(review, request.POST.get("response", ""), request.user)
        except LifecycleError as error:
            messages.error(request, refusal(error))
    url = reverse("assessments:area", args=[assessment.pk, area])
    return redirect(f"{url}#clause-{review.answer.clause.code}")


@login_required
@require_POST
def change_assessment_state(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment, access = assessment_for(request.user, assessment_id)
    try:
        action = Action(request.POST.get("action", ""))
        change_state(
            assessment, action, request.user, access, request.POST.get("reason", "")
        )
    except ValueError:
        messages.error(request, _("Unknown action."))
    except LifecycleError as error:
        messages.error(request, refusal(error))
    return redirect("assessments:assessment", assessment.pk)


@login_required
@require_POST
def start_next_assessment(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment, access = assessment_for(request.user, assessment_id)
    if not access.manages:
        messages.error(request, _("Only an organization admin starts an assessment."))
        return redirect("assessments:assessment", assessment.pk)
    title = request.POST.get("title", "").strip() or assessment.title
    try:
        new = start_from(assessment, title[:200], request.user)
    except LifecycleError as error:
        messages.error(request, refusal(error))
        return redirect("assessments:assessment", assessment.pk)
    return redirect("assessments:assessment", new.pk)


@login_required
def show_trail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment, access = assessment_for(request.user, assessment_id)
    records = assessment.organization.audit_records.filter(assessment_ref=assessment.pk)
    clause = request.GET.get("clause", "")
    if clause:
        records = records.filter(subject=clause)
    # Paged by record number rather than by offset: the link to older records names
    # the oldest one shown, so a page stays the same however many records follow.
    before, refused = _record_number(request.GET.get("before", ""))
    if before is not None:
        records = records.filter(sequence__lt=before)
    page = list(records.order_by("-sequence")[: TRAIL_PAGE + 1])
    shown = page[:TRAIL_PAGE]
    context = {
        "assessment": assessment,
        "access": access,
        "clause": clause,
        "records": shown,
        "paged": before is not None,
        "older": shown[-1].sequence if len(page) > TRAIL_PAGE else None,
        "refused": refused,
    }
    return render(request, "review/trail.html", context)


TRAIL_PAGE = 100


def _record_number(text: str) -> tuple[int | None, str]:
    """The record number asked for, or None and why it was not taken."""
    if not text:
        return None, ""
    if text.isascii() and text.isdigit() and len(text) < 10:
        return int(text), ""
    message = _("“%(value)s” is not a record number: showing the newest records.")
    return None, message % {"value": text[:40]}
