"""An organization's dashboard of assessments over time, and comparing two of them."""

import datetime
import re

import pytest

from assessments.models import Answer, Assessment, Clause, Role
from assessments.services.frameworks import load_framework
from assessments.services.history import compare
from tests.conftest import SMALL_FRAMEWORK, write_framework
from tests.views_support import count_queries, log_in, url

pytestmark = pytest.mark.usefixtures("fast_passwords")


def clause_codes(area: str, up_to: int) -> list[str]:
    return [
        f"{area}.{level}.{letter}"
        for level in range(1, up_to + 1)
        for letter in (("a", "b") if level == 1 else ("b", "c"))
    ]


def new_assessment(organization, framework, title: str, **levels: int) -> Assessment:
    """An assessment whose areas hold the given levels: area_5_2_1=2 and so on."""
    assessment = Assessment.objects.create(
        organization=organization, framework=framework, title=title
    )
    for key, level in levels.items():
        for code in clause_codes(key.removeprefix("area_").replace("_", "."), level):
            give(assessment, code, "met")
    return assessment


def give(assessment, code: str, status: str) -> Answer:
    clause = Clause.objects.get(framework=assessment.framework, code=code)
    return Answer.objects.create(assessment=assessment, clause=clause, status=status)


def section(html: str, start: str, end: str) -> str:
    begin = html.index(start)
    return html[begin : html.index(end, begin)]


@pytest.fixture
def other_version(db, tmp_path):
    """The small framework again, published as another version."""
    folder = write_framework(
        tmp_path / "v2", dict(SMALL_FRAMEWORK, code="T/TEST 0002—2024")
    )
    return load_framework(folder).framework


# The dashboard.


@pytest.fixture
def three_years(small_framework, organization):
    return [
        new_assessment(organization, small_framework, "2022 自评估"),
        new_assessment(
            organization, small_framework, "2023 自评估", area_5_2_1=2, area_5_2_3_1=1
        ),
        new_assessment(
            organization, small_framework, "2024 自评估", area_5_2_1=3, area_5_2_3_1=2
        ),
    ]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EXECUTIVE, Role.AUDITOR])
def test_dashboard_shows_every_assessment_with_its_overall_level(
    client, three_years, organization, role
):
    log_in(client, organization, role)

    response = client.get(url("dashboard", organization.slug))

    assert response.status_code == 200
    html = response.text
    head = section(html, "<thead>", "</thead>")
    assert re.findall(r">(\d{4} 自评估)</a>", head) == [
        "2022 自评估",
        "2023 自评估",
        "2024 自评估",
    ]
    overall = section(html, '<tr class="fw-bold">', "</tr>")
    assert re.findall(r"<td>([^<]+)</td>", overall)[1:] == [
        "未达到第一级",
        "第一级（级1）",
        "第二级（级2）",
    ]


def test_dashboard_shows_each_areas_level_per_assessment(
    client, three_years, organization
):
    log_in(client, organization, Role.EXECUTIVE)

    response = client.get(url("dashboard", organization.slug))

    rows = {
        row["code"]: [level.level if level else None for level in row["levels"]]
        for row in response.context["rows"]
    }
    assert rows == {"5.2.1": [0, 2, 3], "5.2.3.1": [0, 1, 2]}


def test_dashboard_draws_the_trend_with_a_line_per_area_and_the_overall(
    client, three_years, organization
):
    log_in(client, organization, Role.EXECUTIVE)

    html = client.get(url("dashboard", organization.slug)).text

    trend = section(html, '<div class="trend', "</svg>")
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in trend
    assert trend.count("<polyline") == 3
    assert trend.count("<circle") == 3


def test_trend_labels_each_assessment_with_the_local_date_the_table_shows(
    client, small_framework, organization, settings
):
    settings.TIME_ZONE = "Asia/Shanghai"
    late = new_assessment(organization, small_framework, "月末", area_5_2_1=1)
    evening = datetime.datetime(2024, 3, 31, 20, 0, tzinfo=datetime.UTC)
    Assessment.objects.filter(pk=late.pk).update(created_at=evening)
    log_in(client, organization, Role.EXECUTIVE)

    html = client.get(url("dashboard", organization.slug)).text

    assert "2024-04-01 · " in section(html, "<thead>", "</thead>")
    trend = section(html, '<div class="trend', "</svg>")
    assert ">2024-04-01</text>" in trend


def test_dashboard_without_assessments_says_so(client, small_framework, organization):
    log_in(client, organization, Role.EXECUTIVE)

    response = client.get(url("dashboard", organization.slug))

    assert response.status_code == 200
    assert "<svg" not in response.text
    assert response.context["scored"] == []


def test_dashboard_shows_only_its_own_organizations_assessments(
    client, three_years, other_organization, small_framework
):
    new_assessment(other_organization, small_framework, "乙的评估", area_5_2_1=1)
    log_in(client, other_organization, Role.ADMIN)

    response = client.get(url("dashboard", other_organization.slug))

    assert [a.title for a, _label in response.context["scored"]] == ["乙的评估"]
    assert "2022 自评估" not in response.text


def test_dashboard_keeps_assessments_of_an_older_framework_version(
    client, small_framework, other_version, organization
):
    new_assessment(organization, small_framework, "旧版", area_5_2_1=1, area_5_2_3_1=1)
    new_assessment(organization, other_version, "新版", area_5_2_1=2, area_5_2_3_1=2)
    log_in(client, organization, Role.EXECUTIVE)

    response = client.get(url("dashboard", organization.slug))

    assert [label for _a, label in response.context["scored"]] == [
        "第一级（级1）",
        "第二级（级2）",
    ]


def test_dashboard_queries_do_not_grow_with_the_number_of_assessments(
    client, small_framework, organization
):
    log_in(client, organization, Role.EXECUTIVE)
    address = url("dashboard", organization.slug)
    new_assessment(organization, small_framework, "第1次", area_5_2_1=2)
    client.get(address)
    one = count_queries(client, address)
    for year in range(2, 5):
        new_assessment(
            organization,
            small_framework,
            f"第{year}次",
            area_5_2_1=year,
            area_5_2_3_1=1,
        )

    four = count_queries(client, address)

    assert Assessment.objects.count() == 4
    assert four == one


# Comparing two assessments.


@pytest.fixture
def pair(small_framework, organization):
    """5.2.1 rises from level 1 to 2; in 5.2.3.1 one clause opens, another closes."""
    earlier = new_assessment(organization, small_framework, "2023", area_5_2_1=1)
    give(earlier, "5.2.3.1.1.a", "met")
    give(earlier, "5.2.3.1.1.b", "not_met")
    later = new_assessment(organization, small_framework, "2024", area_5_2_1=2)
    give(later, "5.2.3.1.1.a", "partial")
    give(later, "5.2.3.1.1.b", "met")
    return earlier, later


def compare_page(client, organization, earlier, later):
    return client.get(
        url("compare", organization.slug), {"a": earlier.pk, "b": later.pk}
    )


def test_compare_gives_level_changes_and_clauses_newly_satisfied_or_open(pair):
    earlier, later = pair

    result = compare(earlier, later)

    assert result.levels == {"5.2.1": (1, 2), "5.2.3.1": (0, 0)}
    assert result.newly_satisfied == ["5.2.1.2.b", "5.2.1.2.c", "5.2.3.1.1.b"]
    assert result.newly_open == ["5.2.3.1.1.a"]


def test_compare_counts_not_applicable_only_with_a_justification(
    small_framework, organization
):
    earlier = new_assessment(organization, small_framework, "2023")
    give(earlier, "5.2.1.1.a", "not_applicable")
    later = new_assessment(organization, small_framework, "2024")
    Answer.objects.create(
        assessment=later,
        clause=Clause.objects.get(framework=small_framework, code="5.2.1.1.a"),
        status="not_applicable",
        justification="不涉及",
    )

    result = compare(earlier, later)

    assert result.newly_satisfied == ["5.2.1.1.a"]
    assert result.newly_open == []


def test_compare_page_shows_the_changes(client, pair, organization):
    earlier, later = pair
    log_in(client, organization, Role.EXECUTIVE)

    response = compare_page(client, organization, earlier, later)

    html = response.text
    table = section(html, "<tbody>", "</tbody>")
    assert "<td>5.2.1</td><td>1</td><td>2</td><td>" in table
    assert '<span class="text-success">▲</span>' in table
    assert "<td>5.2.3.1</td><td>0</td><td>0</td><td>=</td>" in table
    assert "<li>5.2.1.2.b</li><li>5.2.1.2.c</li><li>5.2.3.1.1.b</li>" in html
    assert "<li>5.2.3.1.1.a</li>" in html


def test_compare_shows_an_area_out_of_one_scope_as_a_dash(
    small_framework, organization
):
    earlier = new_assessment(organization, small_framework, "2023", area_5_2_1=1)
    earlier.scope = ["5.2.1"]
    earlier.save()
    later = new_assessment(organization, small_framework, "2024", area_5_2_1=1)
    give(later, "5.2.3.1.1.a", "met")

    result = compare(earlier, later)

    assert result.levels == {"5.2.1": (1, 1), "5.2.3.1": (None, 0)}
    assert result.newly_satisfied == []


def test_compare_refuses_assessments_of_different_framework_versions(
    client, small_framework, other_version, organization, settings
):
    earlier = new_assessment(organization, small_framework, "旧版", area_5_2_1=1)
    later = new_assessment(organization, other_version, "新版", area_5_2_1=2)
    log_in(client, organization, Role.EXECUTIVE)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = compare_page(client, organization, earlier, later)

    assert response.status_code == 200
    assert response.context["comparison"] is None
    assert (
        "The two assessments use different versions of the framework." in response.text
    )
    assert "Level change per area" not in response.text


def test_compare_without_a_choice_offers_every_assessment(client, pair, organization):
    log_in(client, organization, Role.EXECUTIVE)

    response = client.get(url("compare", organization.slug))

    assert response.status_code == 200
    assert response.context["comparison"] is None
    assert response.context["problem"] == ""
    for field in ("a", "b"):
        choices = section(response.text, f'<select id="{field}"', "</select>")
        assert re.findall(r">(\d{4}) \(", choices) == ["2023", "2024"]


def test_compare_ignores_assessments_of_another_organization(
    client, pair, organization, other_organization, small_framework
):
    theirs = new_assessment(other_organization, small_framework, "乙", area_5_2_1=3)
    log_in(client, organization, Role.EXECUTIVE)

    response = compare_page(client, organization, pair[0], theirs)

    assert response.status_code == 200
    assert response.context["later"] is None
    assert response.context["comparison"] is None
