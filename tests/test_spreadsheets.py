"""Every clause of an assessment with its answer, as rows, CSV and XLSX."""

import copy
import csv
import io

import openpyxl
import pytest
from django.utils import translation

from assessments.models import Answer, Assessment, Citation, Clause, Evidence
from assessments.reports.spreadsheets import as_csv, as_xlsx, clause_rows
from assessments.services.frameworks import catalogue_for, load_framework
from tests.conftest import SMALL_AREAS, SMALL_FRAMEWORK, write_framework

BASELINE_CODE = "T/TEST 0005—2024"


def area_codes(area: str) -> list[str]:
    return [
        f"{area}.{level}.{letter}"
        for level in range(1, 6)
        for letter in (("a", "b") if level == 1 else ("b", "c"))
    ]


@pytest.fixture
def framework(db, tmp_path):
    """The small framework, with 5.2.1.1.a a baseline clause."""
    areas = copy.deepcopy(SMALL_AREAS)
    areas["5.2.1"]["levels"][0]["clauses"][0]["baseline"] = True
    data = dict(SMALL_FRAMEWORK, code=BASELINE_CODE)
    return load_framework(write_framework(tmp_path / "baseline", data, areas)).framework


def make_assessment(organization, framework, scope=None) -> Assessment:
    return Assessment.objects.create(
        organization=organization, framework=framework, title="2024 自评估", scope=scope
    )


def answer(assessment, code: str, status: str = "met", **fields) -> Answer:
    clause = Clause.objects.get(framework=assessment.framework, code=code)
    return Answer.objects.create(
        assessment=assessment, clause=clause, status=status, **fields
    )


def cite(answer_row: Answer, *titles: str) -> None:
    for position, title in enumerate(titles):
        item = Evidence.objects.create(
            organization=answer_row.assessment.organization,
            title=title,
            kind=Evidence.Kind.TEXT,
            text="摘录",
        )
        Citation.objects.create(answer=answer_row, evidence=item, position=position)


def rows_for(assessment: Assessment) -> list[list[str]]:
    with translation.override("zh-hans"):
        return clause_rows(assessment, catalogue_for(assessment.framework))


def by_code(rows: list[list[str]]) -> dict[str, list[str]]:
    return {row[2]: row for row in rows[1:]}


def test_rows_start_with_a_header_and_list_clauses_in_catalogue_order(
    framework, organization
):
    assessment = make_assessment(organization, framework)

    rows = rows_for(assessment)

    assert rows[0] == [
        "能力域",
        "等级",
        "条款",
        "条款内容",
        "符合情况",
        "理由",
        "备注",
        "证据",
        "审核",
    ]
    assert [row[2] for row in rows[1:]] == area_codes("5.2.1") + area_codes("5.2.3.1")


def test_rows_name_the_area_level_and_clause_text(framework, organization):
    assessment = make_assessment(organization, framework)

    row = by_code(rows_for(assessment))["5.2.3.1.2.b"]

    assert row[:4] == ["5.2.3.1 需求", "2", "5.2.3.1.2.b", "条款 5.2.3.1.2.b"]


def test_rows_list_only_the_areas_in_scope(framework, organization):
    assessment = make_assessment(organization, framework, scope=["5.2.3.1"])

    rows = rows_for(assessment)

    assert [row[2] for row in rows[1:]] == area_codes("5.2.3.1")


def test_a_scope_naming_the_lifecycle_domain_lists_its_stages(framework, organization):
    assessment = make_assessment(organization, framework, scope=["5.2.3"])

    rows = rows_for(assessment)

    assert [row[2] for row in rows[1:]] == area_codes("5.2.3.1")


def test_baseline_clause_is_labelled_baseline(framework, organization):
    assessment = make_assessment(organization, framework)

    rows = by_code(rows_for(assessment))

    assert rows["5.2.1.1.a"][4] == "基线"
    assert rows["5.2.1.1.b"][4] == ""


def test_rows_carry_status_justification_note_and_evidence_titles_in_order(
    framework, organization
):
    assessment = make_assessment(organization, framework)
    met = answer(assessment, "5.2.1.1.b", "met", note="见制度")
    cite(met, "乙 风险管理制度", "甲 评审记录")
    answer(assessment, "5.2.3.1.1.a", "not_applicable", justification="不开发模型")

    rows = by_code(rows_for(assessment))

    assert rows["5.2.1.1.b"][4:8] == [
        "符合",
        "",
        "见制度",
        "乙 风险管理制度; 甲 评审记录",
    ]
    assert rows["5.2.3.1.1.a"][4:8] == ["不适用", "不开发模型", "", ""]
    assert rows["5.2.3.1.1.b"][4:8] == ["", "", "", ""]


def test_a_note_without_status_leaves_the_status_blank(framework, organization):
    assessment = make_assessment(organization, framework)
    answer(assessment, "5.2.1.2.b", "", note="草稿")

    row = by_code(rows_for(assessment))["5.2.1.2.b"]

    assert row[4] == ""
    assert row[6] == "草稿"


def test_csv_starts_with_a_byte_order_mark_and_round_trips():
    rows = [["能力域", "条款"], ["5.2.1 策略", 'a, "b"\n第二行']]

    content = as_csv(rows)

    assert content.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(content.decode("utf-8-sig")))) == rows


LONG_TITLE = (
    "2024 年度人工智能模型风险管理能力成熟度自评估（全部能力域及生命周期各阶段）"
)


def test_xlsx_round_trips_through_openpyxl():
    rows = [["能力域", "等级", "条款"], ["5.2.1 策略", "1", "5.2.1.1.a"]]

    content = as_xlsx(rows, LONG_TITLE)

    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == rows
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"


def test_xlsx_sheet_is_named_after_the_title_cut_to_31_characters():
    content = as_xlsx([["a"]], LONG_TITLE)

    assert openpyxl.load_workbook(io.BytesIO(content)).active.title == LONG_TITLE[:31]


@pytest.mark.parametrize("title", ["2023/2024 自评估", "评估: 第一轮", "[草稿] 自评估"])
def test_xlsx_of_a_title_with_characters_sheet_names_refuse(title):
    content = as_xlsx([["a"]], title)

    assert openpyxl.load_workbook(io.BytesIO(content)).active["A1"].value == "a"


def test_xlsx_with_an_empty_title_names_the_sheet_clauses():
    content = as_xlsx([["a"]], "")

    assert openpyxl.load_workbook(io.BytesIO(content)).active.title == "clauses"


def test_text_that_looks_like_a_formula_is_written_inert():
    rows = [["Note"], ['=HYPERLINK("http://x")'], ["+1"], ["普通文本"]]

    text = as_csv(rows).decode("utf-8-sig")
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx(rows, "t"))).active

    assert list(csv.reader(io.StringIO(text)))[1] == ['\'=HYPERLINK("http://x")']
    assert [cell.value for cell in sheet["A"]][1:] == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "普通文本",
    ]
