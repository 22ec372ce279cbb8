"""The states an assessment goes through, and who may move it on. Plain Python.

draft → submitted → in review → returned (back to the assessors) or approved → final.
Answers change only in draft or returned; reviews happen only in review; a final
assessment is read-only for everyone.
"""

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    RETURNED = "returned"
    APPROVED = "approved"
    FINAL = "final"


class Action(StrEnum):
    SUBMIT = "submit"
    START_REVIEW = "start_review"
    RETURN = "return"
    APPROVE = "approve"
    FINALIZE = "finalize"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[State]
    target: State
    roles: frozenset[str]
    needs_reason: bool = False


TRANSITIONS = {
    Action.SUBMIT: Transition(
        frozenset({State.DRAFT, State.RETURNED}),
        State.SUBMITTED,
        frozenset({"admin", "assessor"}),
    ),
    Action.START_REVIEW: Transition(
        frozenset({State.SUBMITTED}), State.IN_REVIEW, frozenset({"auditor"})
    ),
    Action.RETURN: Transition(
        frozenset({State.IN_REVIEW}),
        State.RETURNED,
        frozenset({"auditor"}),
        needs_reason=True,
    ),
    Action.APPROVE: Transition(
        frozenset({State.IN_REVIEW}), State.APPROVED, frozenset({"auditor"})
    ),
    Action.FINALIZE: Transition(
        frozenset({State.APPROVED}), State.FINAL, frozenset({"admin"})
    ),
}

EDITABLE = frozenset({State.DRAFT, State.RETURNED})
REVIEWABLE = frozenset({State.IN_REVIEW})
# An approved assessment has been verified by an auditor; its report says so.
VERIFIED = frozenset({State.APPROVED, State.FINAL})


def gettext_noop(message: str) -> str:
    """Marks a message for translation; the views translate it when they show it."""
    return message


class LifecycleError(Exception):
    """A refused step. message is an English template with %(name)s placeholders,
    so that the interface can show it translated."""

    def __init__(self, message: str, **params: str) -> None:
        self.message = message
        self.params = params
        super().__init__(message % params if params else message)


def next_state(state: State, action: Action, role: str, reason: str = "") -> State:
    """The state after action, or LifecycleError saying why it is not allowed."""
    transition = TRANSITIONS[action]
    if role not in transition.roles:
        raise LifecycleError(
            gettext_noop("A member with the role %(role)s may not %(action)s."),
            role=role,
            action=action.value,
        )
    if state not in transition.sources:
        raise LifecycleError(
            gettext_noop("An assessment that is %(state)s cannot %(action)s."),
            state=state.value,
            action=action.value,
        )
    if transition.needs_reason and not reason.strip():
        raise LifecycleError(gettext_noop("Returning needs a reason."))
    return transition.target


def allowed_actions(state: State, role: str) -> list[Action]:
    return [
        action
        for action, transition in TRANSITIONS.items()
        if state in transition.sources and role in transition.roles
    ]
