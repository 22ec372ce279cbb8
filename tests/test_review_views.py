"""The review workflow through its pages: state changes, reviews, responses, the
verified level, final assessments, starting anew, the trail and opening evidence."""

import pytest
from django.conf import settings
from django.contrib.messages import constants, get_messages
from django.utils import timezone

from assessments.lifecycle import Action, State
from assessments.models import (
    Answer,
    AreaAssignment,
    Assessment,
    AuditRecord,
    Citation,
    Evidence,
    Review,
    Role,
)
from assessments.scoring import Status
from assessments.services.lifecycle import review_answer
from assessments.services.scores import (
    accepted_clause_codes,
    score_assessment,
    score_verified,
)
from tests.conftest import make_member
from tests.review_support import LEVEL_ONE, access_of, answer, set_state
from tests.views_support import (
    PDF,
    ROLES,
    assert_sent_to_log_in,
    clause_data,
    file_evidence,
    finish,
    link_evidence,
    log_in,
    url,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")

CODE = "5.2.1.1.a"
REASON = "缺少风险委员会会议纪要"


@pytest.fixture(autouse=True)
def english(client):
    # Refusals are checked in their English wording; Chinese is the default.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def errors(response) -> list[str]:
    return [
        str(message)
        for message in get_messages(response.wsgi_request)
        if message.level == constants.ERROR
    ]


def change(client, assessment, action: str, reason: str = ""):
    data = {"action": action, "reason": reason}
    return client.post(url("assessment-state", assessment.pk), data)


def review(client, assessment, decision: str, reason: str = "", code: str = CODE):
    data = {"decision": decision, "reason": reason}
    return client.post(url("clause-review", assessment.pk, code), data)


def state_of(assessment) -> str:
    return Assessment.objects.get(pk=assessment.pk).state


def area_url(assessment, area: str = "5.2.1") -> str:
    return url("area", assessment.pk, area)


# State changes: the state each action starts from, where it leads, who may take it
# and who hears of it.
STEPS = {
    Action.SUBMIT: (State.DRAFT, State.SUBMITTED),
    Action.START_REVIEW: (State.SUBMITTED, State.IN_REVIEW),
    Action.RETURN: (State.IN_REVIEW, State.RETURNED),
    Action.APPROVE: (State.IN_REVIEW, State.APPROVED),
    Action.FINALIZE: (State.APPROVED, State.FINAL),
}
MAY = {
    Action.SUBMIT: {Role.ADMIN, Role.ASSESSOR},
    Action.START_REVIEW: {Role.AUDITOR},
    Action.RETURN: {Role.AUDITOR},
    Action.APPROVE: {Role.AUDITOR},
    Action.FINALIZE: {Role.ADMIN},
}
MAILED = {
    Action.SUBMIT: ["auditor@a.example"],
    Action.START_REVIEW: [],
    Action.RETURN: ["admin@a.example", "assessor@a.example"],
    Action.APPROVE: ["admin@a.example", "executive@a.example"],
    Action.FINALIZE: [],
}
PERMITTED = [
    (action, role) for action in Action for role in ROLES if role in MAY[action]
]
FORBIDDEN = [
    (action, role) for action in Action for role in ROLES if role not in MAY[action]
]


@pytest.mark.parametrize("action, role", PERMITTED)
def test_member_who_may_moves_the_assessment_on_and_the_right_people_hear(
    client,
    assessment,
    team,
    mailoutbox,
    django_capture_on_commit_callbacks,
    action,
    role,
):
    source, target = STEPS[action]
    set_state(assessment, source)
    client.force_login(team[role])

    with django_capture_on_commit_callbacks(execute=True):
        response = change(client, assessment, action.value, REASON)

    assert response.status_code == 302
    assert response["Location"] == url("assessment", assessment.pk)
    assert errors(response) == []
    assert state_of(assessment) == target.value
    assert [mail.to for mail in mailoutbox] == (
        [MAILED[action]] if MAILED[action] else []
    )


@pytest.mark.parametrize("action, role", FORBIDDEN)
def test_member_who_may_not_leaves_the_state_and_is_told_why(
    client,
    assessment,
    team,
    mailoutbox,
    django_capture_on_commit_callbacks,
    action,
    role,
):
    source, _target = STEPS[action]
    set_state(assessment, source)
    client.force_login(team[role])

    with django_capture_on_commit_callbacks(execute=True):
        response = change(client, assessment, action.value, REASON)

    assert response.status_code == 302
    assert state_of(assessment) == source.value
    assert len(errors(response)) == 1
    assert f"role {role}" in errors(response)[0]
    assert mailoutbox == []
    assert not assessment.organization.audit_records.exists()


def test_return_email_tells_the_assessors_the_reason(
    client, assessment, team, mailoutbox, django_capture_on_commit_callbacks
):
    set_state(assessment, State.IN_REVIEW)
    client.force_login(team[Role.AUDITOR])

    with django_capture_on_commit_callbacks(execute=True):
        change(client, assessment, "return", f"  {REASON}  ")

    (mail,) = mailoutbox
    assert assessment.title in mail.subject
    assert REASON in mail.body
    assert url("assessment", assessment.pk) in mail.body
    assert Assessment.objects.get(pk=assessment.pk).return_reason == REASON


def test_members_without_an_email_address_are_not_mailed(
    client, assessment, organization, mailoutbox, django_capture_on_commit_callbacks
):
    make_member(organization, "auditor-without-email", Role.AUDITOR)
    client.force_login(make_member(organization, "assessor-x", Role.ASSESSOR))

    with django_capture_on_commit_callbacks(execute=True):
        change(client, assessment, "submit")

    assert state_of(assessment) == "submitted"
    assert mailoutbox == []


@pytest.mark.parametrize("reason", ["", "   "])
def test_return_without_a_reason_is_refused(
    client, assessment, team, mailoutbox, django_capture_on_commit_callbacks, reason
):
    set_state(assessment, State.IN_REVIEW)
    client.force_login(team[Role.AUDITOR])

    with django_capture_on_commit_callbacks(execute=True):
        response = change(client, assessment, "return", reason)

    assert state_of(assessment) == "in_review"
    assert errors(response) == ["Returning needs a reason."]
    assert mailoutbox == []


def test_action_from_the_wrong_state_is_refused(client, assessment, team):
    set_state(assessment, State.IN_REVIEW)
    client.force_login(team[Role.ASSESSOR])

    response = change(client, assessment, "submit")

    assert state_of(assessment) == "in_review"
    assert errors(response) == ["An assessment that is in_review cannot submit."]


def test_unknown_action_is_refused(client, assessment, team):
    client.force_login(team[Role.ADMIN])

    response = change(client, assessment, "delete")

    assert state_of(assessment) == "draft"
    assert len(errors(response)) == 1


def test_overview_offers_the_auditor_exactly_return_and_approve(
    client, assessment, team
):
    set_state(assessment, State.IN_REVIEW)
    client.force_login(team[Role.AUDITOR])

    response = client.get(url("assessment", assessment.pk))

    assert [action.value for action in response.context["actions"]] == [
        "return",
        "approve",
    ]
    assert 'data-action="return"' in response.text
    assert 'data-action="approve"' in response.text
    assert 'data-action="submit"' not in response.text


def test_overview_of_a_returned_assessment_shows_the_reason(client, assessment, team):
    set_state(assessment, State.IN_REVIEW)
    client.force_login(team[Role.AUDITOR])
    change(client, assessment, "return", REASON)
    client.force_login(team[Role.ASSESSOR])

    response = client.get(url("assessment", assessment.pk))

    assert REASON in response.text
    assert 'data-action="submit"' in response.text


# Answers change only while the assessment is a draft or returned.


def save_clause(client, assessment, version: int, **fields):
    data = clause_data(CODE, version, **fields)
    return client.post(url("clause-save", assessment.pk, CODE), data)


@pytest.mark.parametrize(
    "state", [State.SUBMITTED, State.IN_REVIEW, State.APPROVED, State.FINAL]
)
@pytest.mark.parametrize("role", [Role.ADMIN, Role.ASSESSOR])
def test_answers_cannot_be_saved_outside_draft_and_returned(
    client, assessment, team, state, role
):
    answer(assessment, CODE, team[Role.ASSESSOR], Status.PARTIAL, note="试点")
    set_state(assessment, state)
    client.force_login(team[role])

    response = save_clause(client, assessment, 1, status="met", note="改了")

    assert response.status_code == 403
    stored = Answer.objects.get()
    assert (stored.status, stored.note, stored.version) == ("partial", "试点", 1)


@pytest.mark.parametrize("state", [State.DRAFT, State.RETURNED])
def test_answers_are_saved_in_draft_and_returned(client, assessment, team, state):
    answer(assessment, CODE, team[Role.ASSESSOR], Status.PARTIAL, note="试点")
    set_state(assessment, state)
    client.force_login(team[Role.ASSESSOR])

    response = save_clause(client, assessment, 1, status="met", note="改了")

    assert response.status_code == 302
    stored = Answer.objects.get()
    assert (stored.status, stored.note, stored.version) == ("met", "改了", 2)


# Reviewing answers.


@pytest.fixture
def in_review(assessment, team):
    """The assessor answered the level-one clauses; the auditor is reviewing them."""
    for code in LEVEL_ONE:
        answer(assessment, code, team[Role.ASSESSOR])
    return set_state(assessment, State.IN_REVIEW)


def test_auditor_records_a_decision_on_the_answer_as_it_stands(client, in_review, team):
    client.force_login(team[Role.AUDITOR])

    response = review(client, in_review, "accepted")

    assert response.status_code == 302
    assert response["Location"] == f"{area_url(in_review)}#clause-{CODE}"
    recorded = Review.objects.get()
    assert (recorded.answer.clause.code, recorded.decision) == (CODE, "accepted")
    assert (recorded.answer_version, recorded.reviewer) == (1, team[Role.AUDITOR])


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ASSESSOR, Role.EXECUTIVE])
def test_only_auditors_review(client, in_review, team, role):
    client.force_login(team[role])

    response = review(client, in_review, "accepted")

    assert not Review.objects.exists()
    assert errors(response) == ["Only auditors review answers."]


def test_auditor_cannot_review_an_answer_they_wrote(client, in_review, team):
    Answer.objects.filter(clause__code=CODE).update(updated_by=team[Role.AUDITOR])
    client.force_login(team[Role.AUDITOR])

    response = review(client, in_review, "accepted")

    assert not Review.objects.exists()
    assert errors(response) == ["An auditor cannot review an answer they wrote."]


@pytest.mark.parametrize("decision", ["rejected", "more_evidence"])
@pytest.mark.parametrize("reason", ["", "  "])
def test_rejection_or_request_for_evidence_needs_a_reason(
    client, in_review, team, decision, reason
):
    client.force_login(team[Role.AUDITOR])

    response = review(client, in_review, decision, reason)

    assert not Review.objects.exists()
    assert "needs a reason" in errors(response)[0]


@pytest.mark.parametrize(
    "decision, reason",
    [("accepted", ""), ("rejected", REASON), ("more_evidence", REASON)],
)
def test_decision_with_what_it_needs_is_recorded(
    client, in_review, team, decision, reason
):
    client.force_login(team[Role.AUDITOR])

    response = review(client, in_review, decision, reason)

    assert errors(response) == []
    assert list(Review.objects.values_list("decision", "reason")) == [
        (decision, reason)
    ]


def test_unknown_decision_is_refused(client, in_review, team):
    client.force_login(team[Role.AUDITOR])

    response = review(client, in_review, "maybe", REASON)

    assert not Review.objects.exists()
    assert "Unknown decision" in errors(response)[0]


@pytest.mark.parametrize(
    "state",
    [State.DRAFT, State.SUBMITTED, State.RETURNED, State.APPROVED, State.FINAL],
)
def test_answers_are_reviewed_only_in_review(client, in_review, team, state):
    set_state(in_review, state)
    client.force_login(team[Role.AUDITOR])

    response = review(client, in_review, "accepted")

    assert not Review.objects.exists()
    assert "only while the assessment is in review" in errors(response)[0]


def test_review_of_an_unanswered_clause_is_not_found(client, in_review, team):
    client.force_login(team[Role.AUDITOR])

    response = review(client, in_review, "accepted", code="5.2.1.2.b")

    assert response.status_code == 404


def test_auditor_sees_a_review_form_for_each_answer_in_review(client, in_review, team):
    client.force_login(team[Role.AUDITOR])

    response = client.get(area_url(in_review))

    assert response.text.count("data-review-form") == 2
    assert url("clause-review", in_review.pk, CODE) in response.text


def test_auditor_gets_no_review_form_for_an_answer_they_wrote(client, in_review, team):
    Answer.objects.filter(clause__code=CODE).update(updated_by=team[Role.AUDITOR])
    client.force_login(team[Role.AUDITOR])

    response = client.get(area_url(in_review))

    assert response.text.count("data-review-form") == 1
    assert url("clause-review", in_review.pk, CODE) not in response.text


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ASSESSOR, Role.EXECUTIVE])
def test_only_the_auditor_gets_review_forms(client, in_review, team, role):
    client.force_login(team[role])

    response = client.get(area_url(in_review))

    assert "data-review-form" not in response.text


# The assessor's side of a review.


@pytest.fixture
def rejected(in_review, team):
    """The auditor rejected CODE's answer and returned the assessment."""
    auditor = team[Role.AUDITOR]
    access = access_of(auditor, in_review.organization)
    decision = review_answer(
        in_review.answers.get(clause__code=CODE), "rejected", REASON, auditor, access
    )
    set_state(in_review, State.RETURNED)
    return decision


def test_assessor_sees_the_decision_and_can_respond_on_the_area_page(
    client, assessment, rejected, team
):
    client.force_login(team[Role.ASSESSOR])

    response = client.get(area_url(assessment))

    assert 'data-review="rejected"' in response.text
    assert REASON in response.text
    assert url("review-respond", rejected.pk) in response.text


def clause_row(response, code: str):
    rows = [row for _label, _level, rows in response.context["levels"] for row in rows]
    return next(row for row in rows if row.clause.code == code)


def test_decision_on_an_answer_changed_since_is_marked_as_outdated(
    client, assessment, rejected, team
):
    answer(assessment, CODE, team[Role.ASSESSOR], note="已补充会议纪要")
    client.force_login(team[Role.ASSESSOR])

    response = client.get(area_url(assessment))

    row = clause_row(response, CODE)
    assert row.review == rejected
    assert not row.review_is_current
    assert clause_row(response, "5.2.1.1.b").review is None


def respond(client, decision: Review, text: str):
    return client.post(url("review-respond", decision.pk), {"response": text})


def test_assessor_responds_to_a_decision_while_returned(
    client, assessment, rejected, team
):
    client.force_login(team[Role.ASSESSOR])

    response = respond(client, rejected, " 已附2024年会议纪要 ")

    assert response["Location"] == f"{area_url(assessment)}#clause-{CODE}"
    rejected.refresh_from_db()
    assert rejected.response == "已附2024年会议纪要"
    assert rejected.responded_by == team[Role.ASSESSOR]
    assert rejected.responded_at is not None


def test_empty_response_is_refused(client, assessment, rejected, team):
    client.force_login(team[Role.ASSESSOR])

    response = respond(client, rejected, "   ")

    rejected.refresh_from_db()
    assert rejected.response == ""
    assert errors(response) == ["A response needs some text."]


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.EXECUTIVE])
def test_only_answering_roles_respond(client, assessment, rejected, team, role):
    client.force_login(team[role])

    response = respond(client, rejected, "我来回复")

    rejected.refresh_from_db()
    assert rejected.response == ""
    assert len(errors(response)) == 1


@pytest.mark.parametrize("state", [State.IN_REVIEW, State.APPROVED, State.FINAL])
def test_no_response_while_the_answers_cannot_change(
    client, assessment, rejected, team, state
):
    set_state(assessment, state)
    client.force_login(team[Role.ASSESSOR])

    response = respond(client, rejected, "已补充")

    rejected.refresh_from_db()
    assert rejected.response == ""
    assert len(errors(response)) == 1


# The verified level.


def accept(assessment, codes, auditor) -> None:
    access = access_of(auditor, assessment.organization)
    for code in codes:
        review_answer(
            assessment.answers.get(clause__code=code), "accepted", "", auditor, access
        )


def levels(assessment) -> tuple[int, int]:
    """The self-assessed and the verified overall level."""
    _catalogue, result = score_assessment(assessment)
    _catalogue, verified = score_verified(assessment)
    return result.overall_level, verified.overall_level


def test_verified_level_counts_only_accepted_answers(in_review, team):
    accept(in_review, LEVEL_ONE[:3], team[Role.AUDITOR])

    result = levels(in_review)

    assert result == (1, 0)
    assert accepted_clause_codes(in_review) == set(LEVEL_ONE[:3])


def test_verified_level_rises_once_every_answer_it_needs_is_accepted(in_review, team):
    accept(in_review, LEVEL_ONE, team[Role.AUDITOR])

    result = levels(in_review)

    assert result == (1, 1)


def test_accepted_answer_changed_later_no_longer_counts(in_review, team):
    accept(in_review, LEVEL_ONE, team[Role.AUDITOR])
    set_state(in_review, State.RETURNED)
    answer(in_review, CODE, team[Role.ASSESSOR], Status.MET, note="补充了说明")

    result = levels(in_review)

    assert result == (1, 0)
    assert accepted_clause_codes(in_review) == set(LEVEL_ONE) - {CODE}


def test_later_rejection_replaces_an_acceptance(in_review, team):
    auditor = team[Role.AUDITOR]
    accept(in_review, LEVEL_ONE, auditor)
    review_answer(
        in_review.answers.get(clause__code=CODE),
        "rejected",
        REASON,
        auditor,
        access_of(auditor, in_review.organization),
    )

    result = levels(in_review)

    assert result == (1, 0)


def test_overview_shows_the_self_assessed_and_the_verified_level(
    client, in_review, team
):
    accept(in_review, LEVEL_ONE[:3], team[Role.AUDITOR])
    client.force_login(team[Role.EXECUTIVE])

    response = client.get(url("assessment", in_review.pk))

    assert '<p class="fs-3 mb-1" data-overall-level>Level 1 (L1)</p>' in response.text
    assert '<p class="fs-3 mb-1" data-verified-level>Below level 1</p>' in response.text


# A final assessment is read-only for everyone.


@pytest.mark.parametrize("role", ROLES)
def test_final_assessment_shows_no_form_to_anyone(client, in_review, team, role):
    set_state(in_review, State.FINAL)
    client.force_login(team[role])

    area = client.get(area_url(in_review))
    overview = client.get(url("assessment", in_review.pk))

    assert area.status_code == 200
    assert "data-clause-form" not in area.text
    assert "data-review-form" not in area.text
    assert url("assessment-state", in_review.pk) not in overview.text


@pytest.mark.parametrize("role", ROLES)
def test_final_assessment_refuses_every_change(client, in_review, team, role):
    set_state(in_review, State.FINAL)
    client.force_login(team[role])
    before = list(Answer.objects.values_list("status", "note", "version"))
    recorded = in_review.organization.audit_records.count()

    saved = save_clause(client, in_review, 1, status="not_met", note="改")
    reviewed = review(client, in_review, "rejected", REASON)
    moved = {
        action: change(client, in_review, action.value, REASON) for action in Action
    }

    assert saved.status_code == 403
    assert reviewed.status_code == 302
    assert list(Answer.objects.values_list("status", "note", "version")) == before
    assert not Review.objects.exists()
    assert state_of(in_review) == "final"
    assert all(response.status_code == 302 for response in moved.values())
    assert in_review.organization.audit_records.count() == recorded


# Starting a new assessment from a final one.


@pytest.fixture
def final(assessment, organization, team):
    """A final assessment of 5.2.1 only, with an assignment and a cited answer."""
    assessment.scope = ["5.2.1"]
    assessment.exclusion_reasons = {"5.2.3.1": "不开发模型"}
    assessment.target_level = 3
    assessment.save()
    AreaAssignment.objects.create(
        assessment=assessment, area_code="5.2.1", assessor=team[Role.ASSESSOR]
    )
    item = link_evidence(organization, "风险管理制度")
    answer(
        assessment, CODE, team[Role.ASSESSOR], note="见制度", evidence_ids=(item.pk,)
    )
    answer(
        assessment,
        "5.2.1.1.b",
        team[Role.ASSESSOR],
        Status.NOT_APPLICABLE,
        justification="不涉及",
    )
    return set_state(assessment, State.FINAL)


def start_next(client, assessment, title: str = "2025 自评估"):
    return client.post(url("assessment-next", assessment.pk), {"title": title})


def test_admin_starts_a_new_draft_from_a_final_assessment(client, final, team):
    client.force_login(team[Role.ADMIN])

    response = start_next(client, final)

    new = Assessment.objects.exclude(pk=final.pk).get()
    assert response["Location"] == url("assessment", new.pk)
    assert (new.title, new.state, new.based_on, new.created_by) == (
        "2025 自评估",
        "draft",
        final,
        team[Role.ADMIN],
    )
    assert (new.scope, new.target_level) == (["5.2.1"], 3)
    assert new.exclusion_reasons == {"5.2.3.1": "不开发模型"}
    assert list(new.assignments.values_list("area_code", "assessor")) == [
        ("5.2.1", team[Role.ASSESSOR].pk)
    ]
    copied = {
        row.clause.code: (row.status, row.note, row.justification, row.version)
        for row in new.answers.all()
    }
    assert copied == {
        CODE: ("met", "见制度", "", 1),
        "5.2.1.1.b": ("not_applicable", "", "不涉及", 1),
    }
    old_citations = Citation.objects.filter(answer__assessment=final)
    new_citations = Citation.objects.filter(answer__assessment=new)
    assert list(new_citations.values_list("answer__clause__code", "evidence")) == list(
        old_citations.values_list("answer__clause__code", "evidence")
    )
    assert final.answers.count() == 2


def test_new_assessment_without_a_title_keeps_the_old_one(client, final, team):
    client.force_login(team[Role.ADMIN])

    start_next(client, final, "  ")

    assert Assessment.objects.exclude(pk=final.pk).get().title == final.title


@pytest.mark.parametrize("role", [Role.ASSESSOR, Role.AUDITOR, Role.EXECUTIVE])
def test_only_admins_start_a_new_assessment(client, final, team, role):
    client.force_login(team[role])

    response = start_next(client, final)

    assert response["Location"] == url("assessment", final.pk)
    assert Assessment.objects.count() == 1
    assert len(errors(response)) == 1


@pytest.mark.parametrize(
    "state",
    [State.DRAFT, State.SUBMITTED, State.IN_REVIEW, State.RETURNED, State.APPROVED],
)
def test_new_assessment_starts_only_from_a_final_one(client, final, team, state):
    set_state(final, state)
    client.force_login(team[Role.ADMIN])

    response = start_next(client, final)

    assert Assessment.objects.count() == 1
    assert "Only a final assessment" in errors(response)[0]


@pytest.mark.parametrize("role", ROLES)
def test_only_the_admin_is_offered_a_new_assessment(client, final, team, role):
    client.force_login(team[role])

    response = client.get(url("assessment", final.pk))

    offered = url("assessment-next", final.pk) in response.text
    assert offered == (role == Role.ADMIN)


# The audit trail page.


def test_trail_lists_the_assessments_records_newest_first(
    client, assessment, organization, team
):
    answer(assessment, CODE, team[Role.ASSESSOR])
    answer(assessment, "5.2.1.1.b", team[Role.ADMIN], Status.PARTIAL)
    client.force_login(team[Role.ADMIN])
    change(client, assessment, "submit")
    client.force_login(team[Role.EXECUTIVE])

    response = client.get(url("trail", assessment.pk))

    listed = [(r.sequence, r.actor, r.subject) for r in response.context["records"]]
    assert listed == [
        (3, "admin-a", "assessment"),
        (2, "admin-a", "5.2.1.1.b"),
        (1, "assessor-a", CODE),
    ]
    assert "assessor-a" in response.text
    first = organization.audit_records.get(sequence=1)
    assert first.hash[:12] in response.text


def test_trail_filters_by_clause(client, assessment, team):
    answer(assessment, CODE, team[Role.ASSESSOR], Status.PARTIAL)
    answer(assessment, "5.2.1.1.b", team[Role.ASSESSOR])
    answer(assessment, CODE, team[Role.ASSESSOR])
    client.force_login(team[Role.AUDITOR])

    response = client.get(url("trail", assessment.pk), {"clause": CODE})

    listed = [(r.sequence, r.subject) for r in response.context["records"]]
    assert listed == [(3, CODE), (1, CODE)]
    assert "5.2.1.1.b</a>" not in response.text


def test_trail_leaves_out_other_assessments(
    client, assessment, organization, small_framework, team
):
    other = Assessment.objects.create(
        organization=organization, framework=small_framework, title="另一份"
    )
    answer(other, CODE, team[Role.ASSESSOR])
    client.force_login(team[Role.AUDITOR])

    response = client.get(url("trail", assessment.pk))

    assert list(response.context["records"]) == []


# Who reaches the new pages.


@pytest.fixture
def everything(assessment, organization, team, media):
    """An assessment with a reviewed answer and a file in the library."""
    saved = answer(assessment, CODE, team[Role.ASSESSOR])
    set_state(assessment, State.IN_REVIEW)
    auditor = team[Role.AUDITOR]
    decision = review_answer(
        saved, "rejected", REASON, auditor, access_of(auditor, organization)
    )
    set_state(assessment, State.RETURNED)
    item = file_evidence(organization)
    return {"assessment": assessment, "review": decision, "evidence": item}


NEW_PAGES = {
    "state": ("post", lambda e: url("assessment-state", e["assessment"].pk)),
    "next": ("post", lambda e: url("assessment-next", e["assessment"].pk)),
    "trail": ("get", lambda e: url("trail", e["assessment"].pk)),
    "clause-review": (
        "post",
        lambda e: url("clause-review", e["assessment"].pk, CODE),
    ),
    "review-respond": ("post", lambda e: url("review-respond", e["review"].pk)),
    "report-check": ("get", lambda e: url("report-check", e["assessment"].pk)),
    "dashboard": ("get", lambda e: url("dashboard", "org-a")),
    "compare": ("get", lambda e: url("compare", "org-a")),
    "evidence-open": ("get", lambda e: url("evidence-open", e["evidence"].pk)),
}
# Whatever a POST carries, it would change something if it got through.
POSTED = {"action": "submit", "title": "新", "decision": "accepted", "response": "回复"}


def reach(client, everything, page: str):
    method, address = NEW_PAGES[page]
    if method == "post":
        return client.post(address(everything), POSTED)
    response = client.get(address(everything))
    finish(response)
    return response


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", NEW_PAGES)
def test_member_of_another_organization_gets_404(
    client, everything, other_organization, page, role
):
    log_in(client, other_organization, role)

    response = reach(client, everything, page)

    assert response.status_code == 404
    assert state_of(everything["assessment"]) == "returned"
    assert Assessment.objects.count() == 1
    assert Review.objects.get().response == ""


@pytest.mark.parametrize("page", NEW_PAGES)
def test_anonymous_visitor_is_sent_to_log_in(client, everything, page):
    response = reach(client, everything, page)

    assert_sent_to_log_in(response)
    assert state_of(everything["assessment"]) == "returned"


@pytest.mark.parametrize("page", ["trail", "report-check", "dashboard", "compare"])
@pytest.mark.parametrize("role", ROLES)
def test_every_member_reads_the_new_pages(client, everything, team, page, role):
    client.force_login(team[role])

    response = reach(client, everything, page)

    assert response.status_code == 200


# Opening evidence in the browser.

INLINE = [
    ("制度.pdf", "application/pdf"),
    ("截图.png", "image/png"),
    ("照片.JPG", "image/jpeg"),
    ("照片.jpeg", "image/jpeg"),
    ("动图.gif", "image/gif"),
]


@pytest.mark.parametrize("name, content_type", INLINE)
def test_safe_kinds_open_inline_images_in_a_sandbox(
    client, organization, media, name, content_type
):
    log_in(client, organization, Role.AUDITOR)
    item = file_evidence(organization, name)

    response = client.get(url("evidence-open", item.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == "inline"
    # Chromium's PDF viewer shows nothing when sandboxed; images are sandboxed.
    if content_type == "application/pdf":
        assert "sandbox" not in response["Content-Security-Policy"]
    else:
        assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("name", ["制度.docx", "page.html", "图.svg", "表.xlsx"])
def test_other_kinds_are_only_downloaded(client, organization, media, name):
    log_in(client, organization, Role.AUDITOR)
    item = file_evidence(organization, name)

    response = client.get(url("evidence-open", item.pk))

    assert response.status_code == 302
    assert response["Location"] == url("evidence-download", item.pk)


def test_evidence_without_a_file_does_not_open(client, organization):
    log_in(client, organization, Role.AUDITOR)
    item = link_evidence(organization)

    response = client.get(url("evidence-open", item.pk))

    assert response.status_code == 404
    assert Evidence.objects.count() == 1


def many_records(organization, assessment, count: int) -> None:
    """count records of the assessment, every third about CODE; the page does not
    check hashes, so these carry placeholders."""
    AuditRecord.objects.bulk_create(
        AuditRecord(
            organization=organization,
            sequence=number,
            at=timezone.now(),
            actor="assessor-a",
            assessment_ref=assessment.pk,
            kind="answer",
            subject=CODE if number % 3 == 0 else "5.2.1.1.b",
            previous_hash="0" * 64,
            hash=f"{number:064d}",
        )
        for number in range(1, count + 1)
    )


def test_trail_pages_through_every_record_by_record_number(
    client, assessment, organization, team
):
    many_records(organization, assessment, 250)
    client.force_login(team[Role.AUDITOR])
    seen: list[int] = []
    address = url("trail", assessment.pk)
    pages = 0

    while address:
        response = client.get(address)
        pages += 1
        seen += [record.sequence for record in response.context["records"]]
        older = response.context["older"]
        address = f"{url('trail', assessment.pk)}?before={older}" if older else ""
        if older:
            assert f"before={older}" in response.text

    assert pages == 3
    assert seen == list(range(250, 0, -1))


def test_trail_pages_keep_the_clause_filter(client, assessment, organization, team):
    many_records(organization, assessment, 400)  # 133 of them about CODE
    client.force_login(team[Role.AUDITOR])

    first = client.get(url("trail", assessment.pk), {"clause": CODE})
    older = first.context["older"]
    second = client.get(url("trail", assessment.pk), {"clause": CODE, "before": older})

    assert f"clause={CODE}&amp;before={older}" in first.text
    assert len(first.context["records"]) == 100
    assert [r.sequence for r in second.context["records"]] == list(range(99, 0, -3))
    assert second.context["older"] is None
    assert {r.subject for r in second.context["records"]} == {CODE}
    assert "Newest records" in second.text
    beyond = client.get(url("trail", assessment.pk), {"before": 1})
    assert list(beyond.context["records"]) == []
    assert "No older records." in beyond.text


@pytest.mark.parametrize("before", ["abc", "-3", "١٢", "99999999999", "3.5"])
def test_trail_says_when_the_record_number_is_not_one(
    client, assessment, organization, team, before
):
    many_records(organization, assessment, 5)
    client.force_login(team[Role.AUDITOR])

    response = client.get(url("trail", assessment.pk), {"before": before})

    assert response.status_code == 200
    assert response.context["refused"]
    assert [r.sequence for r in response.context["records"]] == [5, 4, 3, 2, 1]
    assert 'role="alert"' in response.text


def test_trail_shows_before_and_after_as_json(client, assessment, organization, team):
    many_records(organization, assessment, 1)
    organization.audit_records.update(
        before=None, after={"status": "full", "note": "已落实"}
    )
    client.force_login(team[Role.AUDITOR])

    response = client.get(url("trail", assessment.pk))

    cells = response.text.split('<code class="text-break">')[1:3]
    assert cells[0].startswith("—</code>")
    assert cells[1].startswith(
        "{&quot;note&quot;: &quot;已落实&quot;, &quot;status&quot;: &quot;full&quot;}"
    )
