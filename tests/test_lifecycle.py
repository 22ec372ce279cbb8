"""The states of an assessment and who may move it on: plain Python, no database."""

import pytest

from assessments.lifecycle import (
    Action,
    LifecycleError,
    State,
    allowed_actions,
    next_state,
)

ROLES = ["admin", "assessor", "auditor", "executive"]
# Written out from the workflow, not read from TRANSITIONS: (action, from) → (to, who).
ALLOWED = {
    (Action.SUBMIT, State.DRAFT): (State.SUBMITTED, {"admin", "assessor"}),
    (Action.SUBMIT, State.RETURNED): (State.SUBMITTED, {"admin", "assessor"}),
    (Action.START_REVIEW, State.SUBMITTED): (State.IN_REVIEW, {"auditor"}),
    (Action.RETURN, State.IN_REVIEW): (State.RETURNED, {"auditor"}),
    (Action.APPROVE, State.IN_REVIEW): (State.APPROVED, {"auditor"}),
    (Action.FINALIZE, State.APPROVED): (State.FINAL, {"admin"}),
}
# The roles each action is for, whatever the state.
ACTION_ROLES = {action: roles for (action, _state), (_to, roles) in ALLOWED.items()}


def allowed(state: State, action: Action, role: str) -> bool:
    target = ALLOWED.get((action, state))
    return target is not None and role in target[1]


EVERY_CASE = [
    (state, action, role) for state in State for action in Action for role in ROLES
]
ALLOWED_CASES = [case for case in EVERY_CASE if allowed(*case)]
REFUSED_CASES = [case for case in EVERY_CASE if not allowed(*case)]


@pytest.mark.parametrize("state, action, role", ALLOWED_CASES)
def test_allowed_action_moves_the_assessment_on(state, action, role):
    result = next_state(state, action, role, reason="证据不足")

    assert result is ALLOWED[(action, state)][0]


@pytest.mark.parametrize("state, action, role", REFUSED_CASES)
def test_any_other_action_is_refused_saying_why(state, action, role):
    why = "role" if role not in ACTION_ROLES[action] else "cannot"

    with pytest.raises(LifecycleError, match=why):
        next_state(state, action, role, reason="证据不足")


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_return_without_a_reason_is_refused(reason):
    with pytest.raises(LifecycleError, match="needs a reason"):
        next_state(State.IN_REVIEW, Action.RETURN, "auditor", reason)


def test_return_with_a_reason_goes_back_to_the_assessors():
    result = next_state(State.IN_REVIEW, Action.RETURN, "auditor", "缺少会议纪要")

    assert result is State.RETURNED


@pytest.mark.parametrize(
    "action", [Action.SUBMIT, Action.START_REVIEW, Action.APPROVE, Action.FINALIZE]
)
def test_actions_other_than_return_need_no_reason(action):
    state, (target, roles) = next(
        (state, value) for (a, state), value in ALLOWED.items() if a is action
    )

    result = next_state(state, action, sorted(roles)[0])

    assert result is target


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", list(State))
def test_allowed_actions_lists_exactly_the_allowed_ones(state, role):
    expected = [action for action in Action if allowed(state, action, role)]

    result = allowed_actions(state, role)

    assert result == expected


@pytest.mark.parametrize("role", ROLES)
def test_nothing_moves_a_final_assessment(role):
    result = allowed_actions(State.FINAL, role)

    assert result == []
