"""Validation of framework data files, on small frameworks written by the tests."""

import copy

import pytest

from assessments.catalogue import CatalogueError, read_catalogue
from tests.conftest import SMALL_AREAS, SMALL_FRAMEWORK, write_framework


def read_with(tmp_path, framework=None, areas=None):
    return read_catalogue(write_framework(tmp_path / "fw", framework, areas))


def areas_with(change) -> dict:
    areas = copy.deepcopy(SMALL_AREAS)
    change(areas)
    return areas


def test_small_framework_reads_into_plain_data(tmp_path):
    catalogue = read_with(tmp_path)

    assert catalogue.code == "T/TEST 0001—2024"
    assert [area.code for area in catalogue.assessable_areas()] == ["5.2.1", "5.2.3.1"]
    assert catalogue.area("5.2.3.1").parent == "5.2.3"
    assert [c.code for c in catalogue.area("5.2.1").clauses_at(2)] == [
        "5.2.1.2.b",
        "5.2.1.2.c",
    ]


def test_missing_level_is_refused_naming_file_and_place(tmp_path):
    areas = areas_with(lambda a: a["5.2.1"]["levels"].pop())

    with pytest.raises(CatalogueError) as caught:
        read_with(tmp_path, areas=areas)

    assert caught.value.path.endswith("areas/5.2.1.yaml")
    assert str(caught.value).endswith("levels: expected 5 levels, found 4")


def test_duplicate_clause_code_is_refused(tmp_path):
    def duplicate(areas):
        clauses = areas["5.2.1"]["levels"][0]["clauses"]
        clauses.append(dict(clauses[0]))

    with pytest.raises(CatalogueError, match="duplicate clause code 5.2.1.1.a"):
        read_with(tmp_path, areas=areas_with(duplicate))


def test_clause_code_must_match_its_level_section(tmp_path):
    def misplace(areas):
        areas["5.2.1"]["levels"][1]["clauses"][0]["code"] = "5.2.1.3.b"

    with pytest.raises(CatalogueError) as caught:
        read_with(tmp_path, areas=areas_with(misplace))

    assert caught.value.place == "levels[1].clauses[0].code"
    assert "level section 5.2.1.2" in caught.value.problem


def test_missing_english_text_is_refused(tmp_path):
    def blank(areas):
        areas["5.2.3.1"]["levels"][4]["clauses"][1]["text_en"] = ""

    with pytest.raises(CatalogueError) as caught:
        read_with(tmp_path, areas=areas_with(blank))

    assert caught.value.place == "levels[4].clauses[1].text_en"


def test_bad_yaml_is_refused_with_its_line(tmp_path):
    folder = write_framework(tmp_path / "fw")
    (folder / "areas" / "5.2.1.yaml").write_text("code: [unclosed\n", encoding="utf-8")

    with pytest.raises(CatalogueError) as caught:
        read_catalogue(folder)

    assert "not valid YAML" in str(caught.value)
    assert caught.value.place.startswith("line 2")


def test_unknown_field_is_refused_so_typos_do_not_pass_silently(tmp_path):
    def typo(areas):
        areas["5.2.1"]["levels"][0]["clauses"][0]["baseine"] = True

    with pytest.raises(CatalogueError, match="unknown field 'baseine'"):
        read_with(tmp_path, areas=areas_with(typo))


def test_question_needs_both_languages(tmp_path):
    def half(areas):
        areas["5.2.1"]["levels"][0]["clauses"][0]["question_zh"] = "是否？"

    with pytest.raises(CatalogueError, match="needs both question_zh and question_en"):
        read_with(tmp_path, areas=areas_with(half))


def test_module_must_name_a_known_area(tmp_path):
    framework = copy.deepcopy(SMALL_FRAMEWORK)
    framework["modules"][0]["area"] = "5.2.9"

    with pytest.raises(CatalogueError, match="unknown area '5.2.9'"):
        read_with(tmp_path, framework=framework)


def test_four_level_definitions_are_refused(tmp_path):
    framework = copy.deepcopy(SMALL_FRAMEWORK)
    framework["levels"].pop()

    with pytest.raises(CatalogueError, match="expected 5 levels, found 4"):
        read_with(tmp_path, framework=framework)


def test_missing_area_file_is_refused(tmp_path):
    framework = copy.deepcopy(SMALL_FRAMEWORK)
    framework["areas"].append("areas/5.2.9.yaml")

    with pytest.raises(CatalogueError, match="file not found"):
        read_with(tmp_path, framework=framework)
