"""Moving an assessment through its states, reviewing answers, and starting anew.

Each function is one transaction: the change, its audit record, and the emails it
sends (after the commit, so nobody is told of a change that was rolled back).
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from assessments.lifecycle import (
    Action,
    LifecycleError,
    State,
    gettext_noop,
    next_state,
)
from assessments.models import (
    Answer,
    AreaAssignment,
    Assessment,
    Citation,
    Review,
    Role,
)
from assessments.permissions import Access
from assessments.services.audit import actor_name, answer_snapshot, record_change
from assessments.services.notifications import notify_state_change


@transaction.atomic
def change_state(
    assessment: Assessment,
    action: Action,
    user: AbstractBaseUser,
    access: Access,
    reason: str = "",
) -> Assessment:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    before = locked.state
    locked.state = next_state(State(locked.state), action, access.role, reason).value
    if action is Action.RETURN:
        locked.return_reason = reason.strip()
    locked.save(update_fields=["state", "return_reason"])
    record_change(
        locked.organization_id,
        actor_name(user),
        "state",
        "assessment",
        {"state": before},
        {"state": locked.state, "reason": reason.strip()},
        locked.pk,
    )
    transaction.on_commit(lambda: notify_state_change(locked, action, user))
    return locked


@transaction.atomic
def review_answer(
    answer: Answer,
    decision: str,
    reason: str,
    user: AbstractBaseUser,
    access: Access,
) -> Review:
    """Record an auditor's decision on the answer as it stands now."""
    assessment = answer.assessment
    if access.role != Role.AUDITOR:
        raise LifecycleError(gettext_noop("Only auditors review answers."))
    if not assessment.reviewable:
        raise LifecycleError(
            gettext_noop("Answers are reviewed only while the assessment is in review.")
        )
    if answer.updated_by_id == user.pk:
        raise LifecycleError(
            gettext_noop("An auditor cannot review an answer they wrote.")
        )
    if decision not in Review.Decision.values:
        raise LifecycleError(
            gettext_noop("Unknown decision %(decision)s."), decision=decision
        )
    if decision != Review.Decision.ACCEPTED and not reason.strip():
        raise LifecycleError(
            gettext_noop("A rejection or a request for more evidence needs a reason.")
        )
    review = Review.objects.create(
        answer=answer,
        answer_version=answer.version,
        decision=decision,
        reason=reason.strip(),
        reviewer=user,
    )
    record_change(
        assessment.organization_id,
        actor_name(user),
        "review",
        answer.clause.code,
        None,
        {
            "decision": decision,
            "reason": review.reason,
            "answer_version": answer.version,
        },
        assessment.pk,
    )
    return review


@transaction.atomic
def respond_to_review(review: Review, text: str, user: AbstractBaseUser) -> Review:
    if not text.strip():
        raise LifecycleError(gettext_noop("A response needs some text."))
    review.response = text.strip()
    review.responded_by = user
    review.responded_at = timezone.now()
    review.save(update_fields=["response", "responded_by", "responded_at"])
    record_change(
        review.answer.assessment.organization_id,
        actor_name(user),
        "response",
        review.answer.clause.code,
        None,
        {"review": review.pk, "response": review.response},
        review.answer.assessment_id,
    )
    return review


@transaction.atomic
def start_from(baseline: Assessment, title: str, user: AbstractBaseUser) -> Assessment:
    """A new draft with the final assessment's answers and evidence as its baseline."""
    if baseline.state != State.FINAL:
        raise LifecycleError(
            gettext_noop("Only a final assessment can be the baseline of a new one.")
        )
    assessment = Assessment.objects.create(
        organization=baseline.organization,
        framework=baseline.framework,
        title=title,
        target_level=baseline.target_level,
        scope=baseline.scope,
        exclusion_reasons=baseline.exclusion_reasons,
        based_on=baseline,
        created_by=user,
    )
    AreaAssignment.objects.bulk_create(
        AreaAssignment(
            assessment=assessment, area_code=a.area_code, assessor_id=a.assessor_id
        )
        for a in baseline.assignments.all()
    )
    for old in baseline.answers.select_related("clause").prefetch_related("citations"):
        answer = Answer.objects.create(
            assessment=assessment,
            clause=old.clause,
            status=old.status,
            note=old.note,
            justification=old.justification,
            updated_by=user,
        )
        Citation.objects.bulk_create(
            Citation(answer=answer, evidence_id=c.evidence_id, position=c.position)
            for c in old.citations.all()
        )
        record_change(
            assessment.organization_id,
            actor_name(user),
            "answer",
            old.clause.code,
            None,
            answer_snapshot(answer),
            assessment.pk,
        )
    return assessment
