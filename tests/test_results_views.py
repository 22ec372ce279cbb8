"""The results page, its what-if, and the report and spreadsheet downloads."""

import copy
import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from assessments.models import Answer, Assessment, Citation, Clause, Evidence, Role
from assessments.reports import pdf
from tests.conftest import (
    SMALL_AREAS,
    SMALL_FRAMEWORK,
    _levels,
    make_member,
    write_framework,
)

# The small framework of conftest has two assessable areas, and a radar needs three
# spokes (see test_two_area_results_page_shows_the_levels), so these tests add a
# third: the lifecycle stage 5.2.3.2.
THREE_AREA_CODE = "T/TEST 0006—2024"
AREAS = ("5.2.1", "5.2.3.1", "5.2.3.2")
ROLES = [Role.ADMIN, Role.ASSESSOR, Role.AUDITOR, Role.EXECUTIVE]


def three_area_framework_dir(folder: Path) -> Path:
    areas = copy.deepcopy(SMALL_AREAS)
    areas["5.2.3.2"] = {
        "code": "5.2.3.2",
        "parent": "5.2.3",
        "name_zh": "设计",
        "name_en": "Design",
        "levels": _levels("5.2.3.2"),
    }
    framework = dict(
        SMALL_FRAMEWORK,
        code=THREE_AREA_CODE,
        areas=[*SMALL_FRAMEWORK["areas"], "areas/5.2.3.2.yaml"],
    )
    return write_framework(folder, framework, areas)


def clause_codes(area: str, up_to: int = 5) -> list[str]:
    return [
        f"{area}.{level}.{letter}"
        for level in range(1, up_to + 1)
        for letter in (("a", "b") if level == 1 else ("b", "c"))
    ]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Every test makes a member; the default hasher costs most of a second each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def framework(db, tmp_path):
    from assessments.services.frameworks import load_framework

    return load_framework(three_area_framework_dir(tmp_path / "three")).framework


@pytest.fixture
def assessment(framework, organization) -> Assessment:
    return Assessment.objects.create(
        organization=organization, framework=framework, title="2024 自评估"
    )


def answer(assessment: Assessment, code: str, status: str = "met", **fields) -> Answer:
    clause = Clause.objects.get(framework=assessment.framework, code=code)
    return Answer.objects.create(
        assessment=assessment, clause=clause, status=status, **fields
    )


def meet(assessment: Assessment, area: str, up_to: int) -> None:
    for code in clause_codes(area, up_to):
        answer(assessment, code)


def evidence(organization, title: str) -> Evidence:
    return Evidence.objects.create(
        organization=organization, title=title, kind=Evidence.Kind.TEXT, text="摘录"
    )


def url(name: str, assessment: Assessment, *args: str) -> str:
    return reverse(f"assessments:{name}", args=[assessment.pk, *args])


def log_in(client, organization, role: str = Role.EXECUTIVE):
    user = make_member(organization, f"{role}-{organization.slug}", role)
    client.force_login(user)
    return user


def section(html: str, start: str, end: str) -> str:
    begin = html.index(start)
    return html[begin : html.index(end, begin)]


def roadmap_codes(html: str) -> list[str]:
    return re.findall(r'name="assume" value="([^"]+)"', html)


def target_only(html: str) -> list[str]:
    """The roadmap's clauses badged as only short of the target."""
    items = re.findall(r'for="assume-([^"]+)">(.*?)</label>', html, re.S)
    return [code for code, label in items if "text-bg-warning" in label]


def answer_rows() -> list[tuple]:
    return list(
        Answer.objects.order_by("pk").values_list(
            "pk", "clause__code", "status", "note", "justification", "version"
        )
    )


# The results page.


def test_results_page_shows_the_overall_level_label(client, assessment, organization):
    for area in AREAS:
        meet(assessment, area, up_to=2)
    log_in(client, organization)

    response = client.get(url("results", assessment))

    assert response.status_code == 200
    assert '<p class="display-6 mb-2">第二级（级2）</p>' in response.content.decode()


def test_results_page_below_level_one_says_so(client, assessment, organization):
    log_in(client, organization)

    response = client.get(url("results", assessment))

    assert '<p class="display-6 mb-2">未达到第一级</p>' in response.content.decode()


def test_results_page_draws_the_radar_with_one_label_per_area(
    client, assessment, organization
):
    log_in(client, organization)

    html = client.get(url("results", assessment)).content.decode()

    radar = section(html, '<div class="radar">', "</svg>")
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in radar
    labels = re.findall(r'text-anchor="\w+" fill="#344054">([^<]+)</text>', radar)
    assert labels == list(AREAS)
    assert "stroke-dasharray" not in radar


def test_results_page_radar_shows_the_target_ring(client, assessment, organization):
    assessment.target_level = 3
    assessment.save()
    log_in(client, organization)

    html = client.get(url("results", assessment)).content.decode()

    assert "stroke-dasharray" in section(html, '<div class="radar">', "</svg>")


def test_results_page_lists_the_gaps_blocking_each_area(
    client, assessment, organization
):
    meet(assessment, "5.2.1", up_to=2)
    meet(assessment, "5.2.3.1", up_to=1)
    meet(assessment, "5.2.3.2", up_to=5)
    log_in(client, organization)

    html = client.get(url("results", assessment)).content.decode()

    gaps = section(html, 'id="gaps-heading"', 'id="roadmap-heading"')
    listed = re.findall(r'<span class="clause-code">([^<]+)</span>', gaps)
    assert listed == ["5.2.1.3.b", "5.2.1.3.c", "5.2.3.1.2.b", "5.2.3.1.2.c"]
    assert "5.2.3.2 设计" not in gaps


def test_results_page_roadmap_is_ordered_by_level_then_area(
    client, assessment, organization
):
    meet(assessment, "5.2.1", up_to=1)
    meet(assessment, "5.2.3.2", up_to=2)
    log_in(client, organization)

    html = client.get(url("results", assessment)).content.decode()

    assert roadmap_codes(html) == [
        "5.2.3.1.1.a",
        "5.2.3.1.1.b",
        "5.2.1.2.b",
        "5.2.1.2.c",
        "5.2.3.2.3.b",
        "5.2.3.2.3.c",
    ]


def test_results_page_roadmap_marks_clauses_only_short_of_the_target(
    client, assessment, organization
):
    assessment.target_level = 2
    assessment.save()
    for area in ("5.2.3.1", "5.2.3.2"):
        meet(assessment, area, up_to=2)
    log_in(client, organization)

    html = client.get(url("results", assessment)).content.decode()

    assert roadmap_codes(html) == [
        "5.2.1.1.a",
        "5.2.1.1.b",
        "5.2.1.2.b",
        "5.2.1.2.c",
        "5.2.3.1.3.b",
        "5.2.3.1.3.c",
        "5.2.3.2.3.b",
        "5.2.3.2.3.c",
    ]
    assert target_only(html) == ["5.2.1.2.b", "5.2.1.2.c"]


def test_results_page_shows_key_gaps_only_for_the_lowest_areas(
    client, assessment, organization
):
    meet(assessment, "5.2.1", up_to=3)
    meet(assessment, "5.2.3.1", up_to=1)
    meet(assessment, "5.2.3.2", up_to=3)
    log_in(client, organization)

    response = client.get(url("results", assessment))

    key_gaps = [line.code for line in response.context["key_gaps"]]
    assert key_gaps == ["5.2.3.1.2.b", "5.2.3.1.2.c"]


def test_results_page_of_a_two_area_scope_shows_the_levels(
    client, assessment, organization
):
    assessment.scope = ["5.2.1", "5.2.3.1"]
    assessment.save()
    meet(assessment, "5.2.1", up_to=1)
    log_in(client, organization)

    response = client.get(url("results", assessment))

    assert response.status_code == 200
    assert [area.code for area in response.context["areas"]] == ["5.2.1", "5.2.3.1"]


# Who may see the results and the downloads.

ADDRESSES = [
    ("results", ()),
    ("report", ()),
    ("export", ("csv",)),
    ("export", ("xlsx",)),
]


@pytest.mark.parametrize("name, args", ADDRESSES)
def test_anonymous_visitor_is_sent_to_log_in(client, assessment, name, args):
    response = client.get(url(name, assessment, *args))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name, args", ADDRESSES)
def test_member_of_another_organization_gets_not_found(
    client, assessment, other_organization, name, args
):
    log_in(client, other_organization, Role.ADMIN)

    response = client.get(url(name, assessment, *args))

    assert response.status_code == 404


def test_results_of_an_unknown_assessment_are_not_found(
    client, assessment, organization
):
    log_in(client, organization, Role.ADMIN)

    response = client.get(reverse("assessments:results", args=[assessment.pk + 1]))

    assert response.status_code == 404


# What if.


@pytest.fixture
def at_two(assessment):
    """5.2.1 holds level 2, the lifecycle stages level 3: the overall level is 2."""
    meet(assessment, "5.2.1", up_to=2)
    answer(assessment, "5.2.1.3.b", "partial", note="进行中")
    meet(assessment, "5.2.3.1", up_to=3)
    meet(assessment, "5.2.3.2", up_to=3)
    return assessment


def test_what_if_shows_the_level_the_ticked_clauses_would_give(
    client, at_two, organization
):
    log_in(client, organization)

    response = client.get(
        url("results", at_two), {"assume": ["5.2.1.3.b", "5.2.1.3.c"]}
    )

    html = response.content.decode()
    alert = section(html, '<div class="alert alert-info', "</div>")
    assert "总体等级将为第三级（级3）" in alert
    assert response.context["result"].overall_level == 2
    assert 'value="5.2.1.3.b" id="assume-5.2.1.3.b" checked' in html
    assert 'value="5.2.1.3.c" id="assume-5.2.1.3.c" checked' in html


def test_what_if_writes_nothing(client, at_two, organization):
    log_in(client, organization, Role.ADMIN)
    before = answer_rows()

    client.get(url("results", at_two), {"assume": ["5.2.1.3.b", "5.2.1.3.c"]})

    assert answer_rows() == before
    assert Answer.objects.count() == len(before)


def test_what_if_ignores_unknown_clause_codes(client, at_two, organization):
    log_in(client, organization)

    response = client.get(
        url("results", at_two), {"assume": ["9.9.9.9.z", "<script>", "5.2.1.3.c"]}
    )

    assert response.status_code == 200
    assert response.context["assumed"] == ["5.2.1.3.c"]
    assert response.context["what_if"].overall_level == 2
    assert "<script>" not in response.content.decode()


def test_only_unknown_codes_show_no_what_if(client, at_two, organization):
    log_in(client, organization)

    response = client.get(url("results", at_two), {"assume": "9.9.9.9.z"})

    assert response.context["what_if"] is None
    assert 'class="alert alert-info' not in response.content.decode()


# The PDF report.


@pytest.fixture
def fake_pdf(monkeypatch):
    """Lay nothing out: keep the HTML the report would be made of."""
    pages: list[str] = []

    def html_to_pdf(html: str) -> bytes:
        pages.append(html)
        return b"%PDF-1.7 fake"

    monkeypatch.setattr(pdf, "html_to_pdf", html_to_pdf)
    return pages


@pytest.mark.parametrize("language, html_lang", [("zh", "zh-Hans"), ("en", "en")])
@pytest.mark.parametrize("role", ROLES)
def test_every_role_downloads_the_report(
    client, assessment, organization, fake_pdf, role, language, html_lang
):
    log_in(client, organization, role)

    response = client.get(url("report", assessment), {"lang": language})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="cmmrm-report-{assessment.pk}-{language}.pdf"'
    )
    assert response.content == b"%PDF-1.7 fake"
    assert f'<html lang="{html_lang}">' in fake_pdf[0]


def test_report_without_lang_follows_the_chosen_language(
    client, assessment, organization, fake_pdf, settings
):
    log_in(client, organization)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(url("report", assessment))

    assert response["Content-Disposition"].endswith(f'-{assessment.pk}-en.pdf"')


@pytest.mark.parametrize("language", ["zh", "en"])
def test_report_download_is_a_real_pdf(client, assessment, organization, language):
    meet(assessment, "5.2.1", up_to=2)
    log_in(client, organization, Role.AUDITOR)

    response = client.get(url("report", assessment), {"lang": language})

    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    assert "甲机构" in text
    assert ("第二级" if language == "zh" else "Level2(L2)") in text


# The clause spreadsheets.


@pytest.fixture
def answered(assessment, organization):
    """Scope without 5.2.3.2; one answer of each kind."""
    assessment.scope = ["5.2.1", "5.2.3.1"]
    assessment.save()
    met = answer(assessment, "5.2.1.1.a", "met", note="见制度第三条")
    for position, title in enumerate(["风险管理制度", "模型评审记录"]):
        Citation.objects.create(
            answer=met, evidence=evidence(organization, title), position=position
        )
    answer(assessment, "5.2.1.1.b", "partial", note="试点中")
    answer(assessment, "5.2.3.1.1.a", "not_applicable", justification="不开发模型")
    return assessment


def csv_rows(client, assessment) -> list[list[str]]:
    response = client.get(url("export", assessment, "csv"))
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_download_is_utf8_with_a_byte_order_mark(client, answered, organization):
    log_in(client, organization, Role.AUDITOR)

    response = client.get(url("export", answered, "csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="cmmrm-assessment-{answered.pk}.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.content[3:].decode("utf-8").startswith("能力域,")


def test_csv_has_a_header_and_one_row_per_clause_in_scope(
    client, answered, organization
):
    log_in(client, organization, Role.AUDITOR)

    rows = csv_rows(client, answered)

    assert rows[0][:5] == ["能力域", "等级", "条款", "条款内容", "符合情况"]
    assert [row[2] for row in rows[1:]] == clause_codes("5.2.1") + clause_codes(
        "5.2.3.1"
    )


def test_csv_rows_carry_status_note_and_evidence_titles(client, answered, organization):
    log_in(client, organization, Role.AUDITOR)

    rows = {row[2]: row for row in csv_rows(client, answered)[1:]}

    assert rows["5.2.1.1.a"][4:8] == [
        "符合",
        "",
        "见制度第三条",
        "风险管理制度; 模型评审记录",
    ]
    assert rows["5.2.1.1.b"][4:8] == ["部分符合", "", "试点中", ""]
    assert rows["5.2.3.1.1.a"][4:8] == ["不适用", "不开发模型", "", ""]
    assert rows["5.2.3.1.1.b"][4:8] == ["", "", "", ""]


def test_xlsx_holds_the_same_rows_as_the_csv(client, answered, organization):
    log_in(client, organization, Role.EXECUTIVE)

    response = client.get(url("export", answered, "xlsx"))

    assert response["Content-Disposition"] == (
        f'attachment; filename="cmmrm-assessment-{answered.pk}.xlsx"'
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [
        ["" if value is None else value for value in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    assert cells == csv_rows(client, answered)


def test_xlsx_of_an_assessment_titled_with_a_slash_downloads(
    client, assessment, organization
):
    assessment.title = "2023/2024 自评估"
    assessment.save()
    log_in(client, organization)

    response = client.get(url("export", assessment, "xlsx"))

    assert response.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(response.content)).active["C2"].value


def test_unknown_spreadsheet_kind_is_not_found(client, assessment, organization):
    log_in(client, organization)

    response = client.get(url("export", assessment, "txt"))

    assert response.status_code == 404


# Queries.


def count_queries(client, address: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return len(queries)


def test_results_page_queries_do_not_grow_with_answers(
    client, assessment, organization
):
    log_in(client, organization)
    address = url("results", assessment)
    client.get(address)
    unanswered = count_queries(client, address)
    item = evidence(organization, "风险管理制度")
    for area in AREAS:
        for code in clause_codes(area):
            row = answer(assessment, code, "met", note="见制度")
            Citation.objects.create(answer=row, evidence=item)

    answered_count = count_queries(client, address)

    assert Answer.objects.count() == 30
    assert answered_count == unanswered
