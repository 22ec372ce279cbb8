from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from assessments.models import Membership, Role


def log_in(username: str, password: str):
    # Login throttling needs the request an attempt comes with.
    request = RequestFactory().post("/accounts/login/")
    return authenticate(request, username=username, password=password)


@pytest.mark.django_db
def test_demo_has_one_user_per_role_and_prints_credentials():
    out = StringIO()

    call_command("setup_demo", "--password", "pw-one-2023", stdout=out)

    roles = sorted(Membership.objects.values_list("role", flat=True))
    assert roles == sorted(role.value for role in Role)
    assert "demo-assessor / pw-one-2023" in out.getvalue()
    assert log_in("demo-auditor", "pw-one-2023")


@pytest.mark.django_db
def test_rerunning_demo_setup_keeps_one_membership_each():
    call_command("setup_demo", stdout=StringIO())
    call_command("setup_demo", "--password", "pw-two-2023", stdout=StringIO())

    assert Membership.objects.count() == len(Role)
    assert log_in("demo-executive", "pw-two-2023")
