"""An organization's page and the management of its members."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages

from assessments.models import Assessment, Membership, Role
from tests.conftest import make_member
from tests.views_support import (
    ROLES,
    assert_sent_to_log_in,
    count_queries,
    log_in,
    url,
)

NOT_ADMINS = [Role.ASSESSOR, Role.AUDITOR, Role.EXECUTIVE]


def organization_page(organization):
    return "get", url("organization", organization.slug), {}


def member_add(organization):
    data = {"username": "new-member", "role": Role.AUDITOR, "password": "Pw-2024-x!"}
    return "post", url("member-add", organization.slug), data


def member_change(organization):
    target = make_member(organization, "target", Role.EXECUTIVE)
    membership = Membership.objects.get(user=target)
    address = url("member-change", organization.slug, membership.pk)
    return "post", address, {"role": Role.AUDITOR}


# Each page, how to reach it, and the role its owner needs.
PAGES = {
    "organization": (organization_page, Role.EXECUTIVE, 200),
    "member-add": (member_add, Role.ADMIN, 302),
    "member-change": (member_change, Role.ADMIN, 302),
}


def request(client, organization, page: str):
    method, address, data = PAGES[page][0](organization)
    return getattr(client, method)(address, data)


@pytest.mark.parametrize("page", PAGES)
def test_owner_reaches_the_page(client, organization, page):
    _build, role, expected = PAGES[page]
    log_in(client, organization, role)

    response = request(client, organization, page)

    assert response.status_code == expected
    if expected == 302:
        assert response["Location"] == url("organization", organization.slug)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_member_of_another_organization_gets_404(
    client, organization, other_organization, page, role
):
    log_in(client, other_organization, role)

    response = request(client, organization, page)

    assert response.status_code == 404
    assert not get_user_model().objects.filter(username="new-member").exists()
    assert not organization.memberships.filter(role=Role.AUDITOR).exists()


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_user_is_sent_to_log_in(client, organization, page):
    response = request(client, organization, page)

    assert_sent_to_log_in(response)


@pytest.mark.parametrize("role", ROLES)
def test_every_member_sees_the_organization_page(client, organization, role):
    log_in(client, organization, role)

    response = client.get(url("organization", organization.slug))

    assert response.status_code == 200
    assert "甲机构" in response.text


def test_admin_sees_member_forms_and_the_new_assessment_link(client, organization):
    log_in(client, organization, Role.ADMIN)

    response = client.get(url("organization", organization.slug))

    assert url("member-add", organization.slug) in response.text
    assert url("assessment-new", organization.slug) in response.text


@pytest.mark.parametrize("role", NOT_ADMINS)
def test_other_roles_see_no_member_forms_nor_new_assessment_link(
    client, organization, role
):
    log_in(client, organization, role)

    response = client.get(url("organization", organization.slug))

    assert url("member-add", organization.slug) not in response.text
    assert url("assessment-new", organization.slug) not in response.text


def test_admin_adds_a_new_account_with_its_role(client, organization):
    log_in(client, organization, Role.ADMIN)

    client.post(
        url("member-add", organization.slug),
        {"username": "new-member", "role": Role.AUDITOR, "password": "Pw-2024-x!"},
    )

    user = get_user_model().objects.get(username="new-member")
    assert user.check_password("Pw-2024-x!")
    membership = Membership.objects.get(user=user)
    assert (membership.organization, membership.role) == (organization, Role.AUDITOR)


def test_admin_adds_an_existing_account_of_another_organization(
    client, organization, other_organization
):
    log_in(client, organization, Role.ADMIN)
    existing = make_member(other_organization, "shared", Role.ADMIN)

    client.post(
        url("member-add", organization.slug),
        {"username": "shared", "role": Role.ASSESSOR},
    )

    assert Membership.objects.get(user=existing, organization=organization).role == (
        Role.ASSESSOR
    )
    assert Membership.objects.get(user=existing, organization=other_organization)


def test_new_account_without_a_password_is_refused(client, organization):
    log_in(client, organization, Role.ADMIN)

    response = client.post(
        url("member-add", organization.slug),
        {"username": "new-member", "role": Role.AUDITOR},
        follow=True,
    )

    assert not get_user_model().objects.filter(username="new-member").exists()
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["a new account needs an initial password"]


@pytest.mark.parametrize("role", NOT_ADMINS)
def test_only_the_admin_adds_members(client, organization, role):
    log_in(client, organization, role)

    response = client.post(
        url("member-add", organization.slug),
        {"username": "new-member", "role": Role.ADMIN, "password": "Pw-2024-x!"},
    )

    assert response.status_code == 403
    assert not get_user_model().objects.filter(username="new-member").exists()


@pytest.mark.parametrize("role", NOT_ADMINS)
@pytest.mark.parametrize(
    "data",
    [{"role": Role.EXECUTIVE}, {"role": Role.EXECUTIVE, "remove": "1"}],
    ids=["change", "remove"],
)
def test_only_the_admin_changes_or_removes_members(client, organization, role, data):
    log_in(client, organization, role)
    make_member(organization, "boss", Role.ADMIN)
    target = Membership.objects.get(user__username="boss")

    response = client.post(url("member-change", organization.slug, target.pk), data)

    assert response.status_code == 403
    target.refresh_from_db()
    assert target.role == Role.ADMIN


def test_admin_changes_a_members_role(client, organization, assessor):
    log_in(client, organization, Role.ADMIN)
    membership = Membership.objects.get(user=assessor)

    response = client.post(
        url("member-change", organization.slug, membership.pk),
        {"role": Role.AUDITOR},
    )

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.AUDITOR


def test_admin_removes_a_member(client, organization, assessor):
    log_in(client, organization, Role.ADMIN)
    membership = Membership.objects.get(user=assessor)

    client.post(
        url("member-change", organization.slug, membership.pk),
        {"role": Role.ASSESSOR, "remove": "1"},
    )

    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert get_user_model().objects.filter(pk=assessor.pk).exists()


def test_admin_may_step_down_while_another_admin_remains(client, organization):
    admin = log_in(client, organization, Role.ADMIN)
    make_member(organization, "second-admin", Role.ADMIN)
    own = Membership.objects.get(user=admin)

    client.post(url("member-change", organization.slug, own.pk), {"role": "auditor"})

    own.refresh_from_db()
    assert own.role == Role.AUDITOR


@pytest.mark.parametrize(
    "data",
    [{"role": Role.ASSESSOR}, {"role": Role.ADMIN, "remove": "1"}],
    ids=["demote", "remove"],
)
def test_the_last_admin_stays_and_an_error_is_shown(client, organization, data):
    admin = log_in(client, organization, Role.ADMIN)
    own = Membership.objects.get(user=admin)

    response = client.post(
        url("member-change", organization.slug, own.pk), data, follow=True
    )

    own.refresh_from_db()
    assert own.role == Role.ADMIN
    messages = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
    assert messages == [("error", "an organization keeps at least one admin")]
    assert response.status_code == 200


def test_member_of_another_organization_cannot_be_changed_through_ours(
    client, organization, other_organization
):
    log_in(client, organization, Role.ADMIN)
    foreign = make_member(other_organization, "foreigner", Role.ADMIN)
    membership = Membership.objects.get(user=foreign)

    response = client.post(
        url("member-change", organization.slug, membership.pk),
        {"role": Role.EXECUTIVE, "remove": "1"},
    )

    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


@pytest.mark.parametrize("page", ["member-add", "member-change"])
def test_member_management_takes_only_posts(client, organization, page):
    admin = log_in(client, organization, Role.ADMIN)
    args = [Membership.objects.get(user=admin).pk] if page == "member-change" else []

    response = client.get(url(page, organization.slug, *args))

    assert response.status_code == 405


def test_unknown_organization_answers_404(client, organization):
    log_in(client, organization, Role.ADMIN)

    assert client.get(url("organization", "no-such-org")).status_code == 404


def test_organization_page_queries_do_not_grow_with_assessments_and_members(
    client, organization, small_framework
):
    log_in(client, organization, Role.ADMIN)

    def add_assessment(n: int) -> None:
        Assessment.objects.create(
            organization=organization, framework=small_framework, title=f"评估 {n}"
        )

    add_assessment(0)
    address = url("organization", organization.slug)
    client.get(address)
    few = count_queries(client, address)
    for n in range(1, 6):
        add_assessment(n)
        make_member(organization, f"member-{n}", ROLES[n % 4])
    many = count_queries(client, address)

    assert many == few
