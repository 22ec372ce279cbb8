"""load_framework and show_framework, on small frameworks and on the real data."""

import copy
import json
from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments.models import Area, Clause, Framework, LevelDefinition
from tests.conftest import (
    REAL_FRAMEWORK,
    SMALL_AREAS,
    SMALL_FRAMEWORK,
    assert_one_line_error,
    run_manage,
    write_framework,
)


def row_counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count() for model in (Framework, LevelDefinition, Area, Clause)
    )


def load(path) -> str:
    out = StringIO()
    call_command("load_framework", str(path), stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_loading_creates_every_row_once(small_framework_dir):
    output = load(small_framework_dir)

    assert output == "T/TEST 0001—2024: created (20 clauses)\n"
    assert row_counts() == (1, 5, 3, 20)
    assert Area.objects.get(code="5.2.3.1").parent.code == "5.2.3"
    assert not Area.objects.get(code="5.2.3").assessable


@pytest.mark.django_db
def test_reloading_the_same_data_changes_nothing(small_framework_dir):
    load(small_framework_dir)
    before = list(Clause.objects.values())

    output = load(small_framework_dir)

    assert "unchanged" in output
    assert list(Clause.objects.values()) == before


@pytest.mark.django_db
def test_reworded_clause_updates_its_text_in_place(small_framework_dir):
    load(small_framework_dir)
    clause_id = Clause.objects.get(code="5.2.1.2.b").pk
    path = small_framework_dir / "areas" / "5.2.1.yaml"
    area = yaml.safe_load(path.read_text(encoding="utf-8"))
    area["levels"][1]["clauses"][0]["text_en"] = "Reworded"
    path.write_text(yaml.safe_dump(area, allow_unicode=True), encoding="utf-8")

    output = load(small_framework_dir)

    assert "updated" in output
    assert Clause.objects.get(pk=clause_id).text_en == "Reworded"


@pytest.mark.django_db
def test_changed_clauses_under_a_loaded_code_are_refused(small_framework_dir):
    load(small_framework_dir)
    path = small_framework_dir / "areas" / "5.2.1.yaml"
    area = yaml.safe_load(path.read_text(encoding="utf-8"))
    area["levels"][1]["clauses"].pop()
    path.write_text(yaml.safe_dump(area, allow_unicode=True), encoding="utf-8")

    with pytest.raises(CommandError, match="needs a new code"):
        load(small_framework_dir)

    assert row_counts() == (1, 5, 3, 20)


@pytest.mark.parametrize(
    "break_data, message",
    [
        (lambda a: a["5.2.1"]["levels"].pop(), "expected 5 levels, found 4"),
        (
            lambda a: a["5.2.1"]["levels"][0]["clauses"].append(
                dict(a["5.2.1"]["levels"][0]["clauses"][0])
            ),
            "duplicate clause code 5.2.1.1.a",
        ),
    ],
)
@pytest.mark.django_db
def test_broken_data_is_refused_and_the_database_keeps_what_it_had(
    tmp_path, small_framework, break_data, message
):
    before = row_counts()
    framework = dict(SMALL_FRAMEWORK, code="T/TEST 0002—2024")
    areas = copy.deepcopy(SMALL_AREAS)
    break_data(areas)

    with pytest.raises(CommandError, match=message):
        load(write_framework(tmp_path / "broken", framework, areas))

    assert row_counts() == before


def test_broken_yaml_fails_with_one_line_on_stderr_and_exit_status_2(
    tmp_path, process_database
):
    folder = write_framework(tmp_path / "fw")
    (folder / "framework.yaml").write_text("code: [\n", encoding="utf-8")

    result = run_manage(process_database, "load_framework", str(folder))

    assert_one_line_error(
        result, f"{folder / 'framework.yaml'}: line 2, column 1: not valid YAML"
    )


@pytest.mark.django_db
def test_real_framework_loads_313_clauses_in_18_areas():
    output = load(REAL_FRAMEWORK)

    assert output == "T/ISC 0028—2023: created (313 clauses)\n"
    assert Area.objects.filter(assessable=True).count() == 18
    assert Clause.objects.filter(baseline=True).count() == 3


@pytest.mark.django_db
def test_show_framework_json_has_the_documented_shape():
    load(REAL_FRAMEWORK)
    out = StringIO()

    call_command("show_framework", "--json", stdout=out)

    data = json.loads(out.getvalue())
    assert data["code"] == "T/ISC 0028—2023"
    assert data["levels"][2] == {
        "level": 3,
        "name_zh": "优秀级",
        "name_en": "Excellent",
    }
    areas = {area["code"]: area for area in data["areas"]}
    assert len(areas) == 19
    assert areas["5.2.3"]["levels"] == [] and areas["5.2.3"]["parent"] is None
    assert all(areas[f"5.2.3.{n}"]["parent"] == "5.2.3" for n in range(1, 10))
    strategy = areas["5.2.1"]
    assert set(strategy) == {"code", "name_zh", "name_en", "parent", "levels"}
    assert [level["level"] for level in strategy["levels"]] == [1, 2, 3, 4, 5]
    first = strategy["levels"][0]["clauses"][0]
    assert set(first) == {"code", "text_zh", "text_en", "baseline"}
    assert first["code"] == "5.2.1.1.a" and first["baseline"] is False
    clauses = [c for a in data["areas"] for lv in a["levels"] for c in lv["clauses"]]
    assert len(clauses) == 313
