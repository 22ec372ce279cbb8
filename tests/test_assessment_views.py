"""Creating an assessment, and its overview."""

import datetime

import pytest

from assessments.models import Answer, AreaAssignment, Assessment, Clause, Role
from tests.conftest import make_member
from tests.views_support import (
    ROLES,
    assert_sent_to_log_in,
    count_queries,
    log_in,
    url,
)

NOT_ADMINS = [Role.ASSESSOR, Role.AUDITOR, Role.EXECUTIVE]


def new_assessment_data(framework, **changes: object) -> dict:
    data = {
        "title": "2024 年度自评估",
        "framework": framework.pk,
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
        "target_level": "3",
        "include_5.2.1": "on",
        "reason_5.2.1": "",
        "include_5.2.3.1": "on",
        "reason_5.2.3.1": "",
    }
    data |= changes
    return {name: value for name, value in data.items() if value is not None}


def assessment_new(organization, assessment):
    return "get", url("assessment-new", organization.slug)


def overview(organization, assessment):
    return "get", url("assessment", assessment.pk)


# Each page, how to reach it, and the role its owner needs.
PAGES = {
    "assessment-new": (assessment_new, Role.ADMIN),
    "assessment": (overview, Role.EXECUTIVE),
}


@pytest.mark.parametrize("page", PAGES)
def test_owner_reaches_the_page(client, organization, assessment, page):
    build, role = PAGES[page]
    log_in(client, organization, role)
    _method, address = build(organization, assessment)

    response = client.get(address)

    assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_member_of_another_organization_gets_404(
    client, organization, other_organization, assessment, page, role
):
    log_in(client, other_organization, role)
    _method, address = PAGES[page][0](organization, assessment)

    response = client.get(address)

    assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_member_of_another_organization_cannot_create_our_assessment(
    client, organization, other_organization, small_framework, role
):
    log_in(client, other_organization, role)

    response = client.post(
        url("assessment-new", organization.slug), new_assessment_data(small_framework)
    )

    assert response.status_code == 404
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_user_is_sent_to_log_in(client, organization, assessment, page):
    _method, address = PAGES[page][0](organization, assessment)

    response = client.get(address)

    assert_sent_to_log_in(response)


@pytest.mark.parametrize("role", ROLES)
def test_every_member_sees_the_overview(client, organization, assessment, role):
    log_in(client, organization, role)

    response = client.get(url("assessment", assessment.pk))

    assert response.status_code == 200
    assert "2024 自评估" in response.text
    assert url("area", assessment.pk, "5.2.3.1") in response.text


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", NOT_ADMINS)
def test_only_the_admin_creates_assessments(
    client, organization, small_framework, role, method
):
    log_in(client, organization, role)

    response = getattr(client, method)(
        url("assessment-new", organization.slug), new_assessment_data(small_framework)
    )

    assert response.status_code == 403
    assert not Assessment.objects.exists()


def test_valid_post_creates_the_assessment_with_scope_reasons_and_target(
    client, organization, small_framework
):
    admin = log_in(client, organization, Role.ADMIN)
    data = new_assessment_data(
        small_framework,
        **{"include_5.2.3.1": None, "reason_5.2.3.1": " 本期未开发模型 "},
    )

    response = client.post(url("assessment-new", organization.slug), data)

    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("assessment", assessment.pk)
    assert assessment.organization == organization
    assert assessment.framework == small_framework
    assert assessment.title == "2024 年度自评估"
    assert assessment.period_start == datetime.date(2024, 1, 1)
    assert assessment.period_end == datetime.date(2024, 12, 31)
    assert assessment.target_level == 3
    assert assessment.scope == ["5.2.1"]
    assert assessment.exclusion_reasons == {"5.2.3.1": "本期未开发模型"}
    assert assessment.created_by == admin


def test_assessment_of_every_area_has_no_scope_limit(
    client, organization, small_framework
):
    log_in(client, organization, Role.ADMIN)

    client.post(
        url("assessment-new", organization.slug),
        new_assessment_data(small_framework, target_level=""),
    )

    assessment = Assessment.objects.get()
    assert assessment.scope is None
    assert assessment.exclusion_reasons == {}
    assert assessment.target_level is None


def test_valid_post_names_the_assessors_of_each_area(
    client, organization, small_framework, assessor
):
    log_in(client, organization, Role.ADMIN)
    second = make_member(organization, "assessor-b", Role.ASSESSOR)
    data = new_assessment_data(
        small_framework, **{"assessors_5.2.1": [assessor.pk, second.pk]}
    )

    response = client.post(url("assessment-new", organization.slug), data)

    assert response.status_code == 302
    named = AreaAssignment.objects.filter(assessment=Assessment.objects.get())
    assert sorted((a.area_code, a.assessor_id) for a in named) == [
        ("5.2.1", assessor.pk),
        ("5.2.1", second.pk),
    ]


def test_new_assessment_page_offers_the_organizations_assessors(
    client, organization, small_framework, assessor
):
    log_in(client, organization, Role.ADMIN)

    response = client.get(url("assessment-new", organization.slug))

    assert response.status_code == 200
    assert f'value="{assessor.pk}"' in response.text


def test_area_left_out_without_a_reason_is_refused(
    client, organization, small_framework
):
    log_in(client, organization, Role.ADMIN)
    data = new_assessment_data(
        small_framework, **{"include_5.2.3.1": None, "reason_5.2.3.1": "  "}
    )

    response = client.post(url("assessment-new", organization.slug), data)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["reason_5.2.3.1"]
    assert "2024 年度自评估" in response.text
    assert not Assessment.objects.exists()


def test_leaving_every_area_out_is_refused(client, organization, small_framework):
    log_in(client, organization, Role.ADMIN)
    data = new_assessment_data(
        small_framework,
        **{
            "include_5.2.1": None,
            "reason_5.2.1": "无",
            "include_5.2.3.1": None,
            "reason_5.2.3.1": "无",
        },
    )

    response = client.post(url("assessment-new", organization.slug), data)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["__all__"]
    assert not Assessment.objects.exists()


def test_period_ending_before_it_starts_is_refused(
    client, organization, small_framework
):
    log_in(client, organization, Role.ADMIN)
    data = new_assessment_data(
        small_framework, period_start="2024-12-31", period_end="2024-01-01"
    )

    response = client.post(url("assessment-new", organization.slug), data)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["period_end"]
    assert not Assessment.objects.exists()


def test_overview_lists_areas_left_out_with_their_reasons(
    client, organization, assessment
):
    log_in(client, organization, Role.AUDITOR)
    assessment.scope = ["5.2.1"]
    assessment.exclusion_reasons = {"5.2.3.1": "本期未开发模型"}
    assessment.save()

    response = client.get(url("assessment", assessment.pk))

    assert "5.2.3.1: 本期未开发模型" in response.text
    assert url("area", assessment.pk, "5.2.3.1") not in response.text
    assert url("area", assessment.pk, "5.2.1") in response.text


def test_unknown_assessment_answers_404(client, organization, assessment):
    log_in(client, organization, Role.ADMIN)

    assert client.get(url("assessment", assessment.pk + 1)).status_code == 404


def test_overview_queries_do_not_grow_with_answers(
    client, organization, assessment, small_framework
):
    log_in(client, organization, Role.EXECUTIVE)
    address = url("assessment", assessment.pk)
    client.get(address)
    unanswered = count_queries(client, address)
    Answer.objects.bulk_create(
        Answer(assessment=assessment, clause=clause, status="met")
        for clause in Clause.objects.filter(framework=small_framework)
    )

    answered = count_queries(client, address)

    assert answered == unanswered
