"""Fixtures and helpers shared by the tests of reviews, the trail, history and reports.

tests/conftest.py loads these fixtures for every test module; a module switches the
fast password hasher on with pytestmark = pytest.mark.usefixtures("fast_passwords").
"""

import pytest

from assessments.lifecycle import State
from assessments.models import Answer, Assessment, Clause, Membership, Organization
from assessments.permissions import Access
from assessments.scoring import Status
from assessments.services.answers import AnswerInput, save_answer
from tests.conftest import make_member
from tests.views_support import ROLES

# The clauses of level 1 in both areas of the small framework.
LEVEL_ONE = ["5.2.1.1.a", "5.2.1.1.b", "5.2.3.1.1.a", "5.2.3.1.1.b"]


@pytest.fixture
def fast_passwords(settings):
    # Tests make several members; the default hasher costs most of a second each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def team(organization) -> dict:
    """One member of each role, each with an email address, keyed by role."""
    team = {}
    for role in ROLES:
        user = make_member(organization, f"{role}-a", role)
        user.email = f"{role}@a.example"
        user.save()
        team[role] = user
    return team


def access_of(user, organization: Organization) -> Access:
    return Access(Membership.objects.get(user=user, organization=organization))


def set_state(assessment: Assessment, state: State) -> Assessment:
    """Put the assessment in a state directly, as if the workflow had got it there."""
    Assessment.objects.filter(pk=assessment.pk).update(state=state.value)
    assessment.refresh_from_db()
    return assessment


def answer(
    assessment: Assessment,
    code: str,
    user,
    status: Status | None = Status.MET,
    **fields: object,
) -> Answer:
    """Save an answer through the service, from whatever version is stored."""
    clause = Clause.objects.get(framework=assessment.framework, code=code)
    stored = Answer.objects.filter(assessment=assessment, clause=clause).first()
    data = AnswerInput(status, **fields)
    outcome = save_answer(
        assessment, clause, data, stored.version if stored else 0, user
    )
    assert not outcome.conflict
    return outcome.answer
