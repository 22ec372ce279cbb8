"""The framework data checked against the published text of the standard itself."""

import os
import re
from pathlib import Path

import pytest

from assessments.catalogue import read_catalogue
from tests.conftest import REAL_FRAMEWORK, REPO
from tests.standard_text import parse_standard

STANDARD_TEXT = Path(
    os.environ.get(
        "CMMRM_STANDARD_TEXT",
        REPO.parent / "shared" / "standard" / "T-ISC-0028-2023.txt",
    )
)
CUMULATIVE_WORDING = {2: "前一级", 3: "前两级", 4: "前三级", 5: "前四级"}


@pytest.fixture(scope="module")
def published():
    if not STANDARD_TEXT.exists():
        if os.environ.get("CMMRM_REQUIRE_STANDARD_TEXT"):
            pytest.fail(f"the standard's text is required but missing: {STANDARD_TEXT}")
        pytest.skip(f"the standard's text is not at {STANDARD_TEXT}")
    return parse_standard(STANDARD_TEXT)


@pytest.fixture(scope="module")
def catalogue():
    return read_catalogue(REAL_FRAMEWORK)


@pytest.fixture(scope="module")
def data_clauses(catalogue):
    return {clause.code: clause for clause in catalogue.clauses()}


def apply_corrections(code: str, text: str, catalogue) -> str:
    for erratum in catalogue.errata["corrections"]:
        if erratum["location"] == code:
            assert erratum["published"] in text, (
                f"{code}: erratum not in published text"
            )
            text = text.replace(erratum["published"], erratum["corrected"])
    return text


def test_every_published_clause_is_in_the_data_and_none_is_invented(
    published, data_clauses
):
    assert set(data_clauses) == set(published.clauses)
    assert len(data_clauses) == 313


def test_clause_texts_are_the_published_ones_with_only_the_listed_corrections(
    published, catalogue, data_clauses
):
    for code, clause in published.clauses.items():
        expected = apply_corrections(code, clause.text, catalogue)
        assert data_clauses[code].text_zh == expected, code


def test_every_correction_changes_something_real(published, catalogue):
    for erratum in catalogue.errata["corrections"]:
        clause = published.clauses[erratum["location"]]
        assert erratum["published"] in clause.text
        assert erratum["published"] != erratum["corrected"]


def test_cumulative_lines_are_not_clauses_and_slips_in_them_are_errata(
    published, catalogue
):
    listed = {e["location"]: e for e in catalogue.errata["cumulative_lines"]}
    for location, wording in published.cumulative_lines.items():
        level = int(location.split(".")[-2])
        expected = f"{CUMULATIVE_WORDING[level]}的全部内容。"
        if wording == expected:
            assert location not in listed, location
        else:
            assert listed[location]["published"] == wording
            assert listed[location]["corrected"] == expected
    assert set(listed) <= set(published.cumulative_lines)
    assert {"5.2.3.3.2.a", "5.2.3.3.3.a", "5.2.3.4.2.a", "5.2.3.4.3.a"} <= set(listed)


def test_areas_carry_the_published_names_and_five_levels(published, catalogue):
    assert [area.code for area in catalogue.areas] == list(published.areas)
    for area in catalogue.areas:
        assert area.name_zh == published.areas[area.code]
        if area.code == "5.2.3":
            assert not area.clauses
            continue
        assert {clause.level for clause in area.clauses} == {1, 2, 3, 4, 5}
    stages = [area.code for area in catalogue.areas if area.parent == "5.2.3"]
    assert stages == [f"5.2.3.{n}" for n in range(1, 10)]
    assert len(catalogue.assessable_areas()) == 18


def test_only_clauses_describing_an_absence_are_baseline(data_clauses):
    baseline = {code for code, clause in data_clauses.items() if clause.baseline}
    assert baseline == {"5.2.2.1.a", "5.2.9.1.a", "5.2.10.1.a"}
    for code in baseline:
        assert re.match(r"^.{0,30}(尚未|未考虑|未建立)", data_clauses[code].text_zh)


def test_level_one_clauses_mixing_absence_and_ability_ask_the_ability(data_clauses):
    asked = {code for code, clause in data_clauses.items() if clause.question_zh}
    assert asked == {"5.2.3.4.1.a", "5.2.4.1.a", "5.2.6.1.a"}
    for code in asked:
        clause = data_clauses[code]
        assert clause.question_zh.endswith("？") and clause.question_en.endswith("?")


def test_every_clause_has_an_english_text_with_the_same_line_structure(data_clauses):
    for code, clause in data_clauses.items():
        assert clause.text_en and not re.search(r"[\u4e00-\u9fff]", clause.text_en), (
            code
        )
        assert clause.text_en.count("\n") == clause.text_zh.count("\n"), code


def test_level_definitions_objectives_and_modules_are_in_the_published_text(catalogue):
    if not STANDARD_TEXT.exists():
        pytest.skip("the standard's text is missing")
    text = STANDARD_TEXT.read_text(encoding="utf-8")
    for erratum in catalogue.errata["elsewhere"]:
        text = text.replace(erratum["published"], erratum["corrected"])
    pieces = [
        piece
        for level in catalogue.levels
        for piece in [level.characteristic_zh, level.summary_zh, level.ordinal_zh]
        + [item["zh"] for item in level.details]
    ]
    pieces += [f"{o['name_zh']}：{o['text_zh']}" for o in catalogue.objectives]
    pieces += [f"{m['name_zh']}：{m['text_zh']}" for m in catalogue.modules]
    for piece in pieces:
        assert piece in text, piece
    names = [level.name_zh for level in catalogue.levels]
    assert names == ["基础级", "增强级", "优秀级", "卓越级", "引领级"]
