"""manage.py score: the cumulative rule on a document, and its refusal of bad input."""

import copy
import io
import json
import sys
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments.catalogue import read_catalogue
from assessments.exchange import FORMAT
from tests.conftest import (
    REAL_FRAMEWORK,
    SMALL_AREAS,
    SMALL_FRAMEWORK,
    assert_one_line_error,
    row_counts,
    run_manage,
    write_framework,
    write_json,
)

SMALL_CODE = "T/TEST 0001—2024"
BASELINE_CODE = "T/TEST 0003—2024"
BASELINE_AREAS = {"5.2.2", "5.2.9", "5.2.10"}
SMALL_5_2_1 = [
    f"5.2.1.{level}.{letter}"
    for level in range(1, 6)
    for letter in (("a", "b") if level == 1 else ("b", "c"))
]


def small_document(**fields: object) -> dict:
    return {"format": FORMAT, "framework": SMALL_CODE, "answers": {}, **fields}


def met(*codes: str) -> dict:
    return {code: {"status": "met"} for code in codes}


def run_score(name: str) -> dict:
    out = StringIO()
    call_command("score", name, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def baseline_framework(db, tmp_path):
    """A small framework whose 5.2.1.1.a is a baseline clause."""
    from assessments.services.frameworks import load_framework

    areas = copy.deepcopy(SMALL_AREAS)
    areas["5.2.1"]["levels"][0]["clauses"][0]["baseline"] = True
    framework = dict(SMALL_FRAMEWORK, code=BASELINE_CODE)
    return load_framework(write_framework(tmp_path / "baseline", framework, areas))


@pytest.mark.django_db
def test_real_framework_fully_met_scores_level_5_everywhere(tmp_path):
    call_command("load_framework", str(REAL_FRAMEWORK), stdout=StringIO())
    catalogue = read_catalogue(REAL_FRAMEWORK)
    asked = [clause.code for clause in catalogue.clauses() if not clause.baseline]
    document = {"format": FORMAT, "framework": catalogue.code, "answers": met(*asked)}

    result = run_score(write_json(tmp_path / "all-met.json", document))

    assert result["overall_level"] == 5
    assert result["mean_level"] == 5.0
    assert result["completion"] == 1.0
    areas = result["areas"]
    assert len(areas) == 19
    assert areas["5.2.3"] == {"level": 5}
    assessable = {code: area for code, area in areas.items() if code != "5.2.3"}
    assert len(assessable) == 18
    assert all(area["level"] == 5 for area in assessable.values())


@pytest.mark.django_db
def test_real_framework_unanswered_holds_level_1_only_where_it_is_baseline(tmp_path):
    call_command("load_framework", str(REAL_FRAMEWORK), stdout=StringIO())
    document = {"format": FORMAT, "framework": "T/ISC 0028—2023", "answers": {}}

    result = run_score(write_json(tmp_path / "empty.json", document))

    assert result["overall_level"] == 0
    assert result["completion"] == 0
    levels = {code: area["level"] for code, area in result["areas"].items()}
    assert len(levels) == 19
    assert levels == {code: int(code in BASELINE_AREAS) for code in levels}


def test_scope_leaves_other_areas_out_of_the_result(small_framework, tmp_path):
    document = small_document(scope=["5.2.1"], answers=met(*SMALL_5_2_1))

    result = run_score(write_json(tmp_path / "scoped.json", document))

    assert set(result["areas"]) == {"5.2.1"}
    assert result["overall_level"] == 5
    assert result["completion"] == 1.0
    assert "5.2.3.1" not in json.dumps(result)


def test_target_level_lists_what_stands_between_it_and_the_target(
    small_framework, tmp_path
):
    answers = met("5.2.1.1.a", "5.2.1.1.b", "5.2.1.2.b")
    document = small_document(scope=["5.2.1"], target_level=3, answers=answers)

    result = run_score(write_json(tmp_path / "target.json", document))

    assert result["target_level"] == 3
    area = result["areas"]["5.2.1"]
    assert area["level"] == 1
    assert area["gaps"] == ["5.2.1.2.c"]
    assert area["target_gaps"] == ["5.2.1.2.c", "5.2.1.3.b", "5.2.1.3.c"]


def test_document_is_read_from_standard_input_for_a_dash(small_framework, monkeypatch):
    document = small_document(answers=met("5.2.3.1.1.a", "5.2.3.1.1.b"))
    raw = json.dumps(document, ensure_ascii=False).encode("utf-8")
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BytesIO(raw)))

    result = run_score("-")

    assert result["framework"] == SMALL_CODE
    assert result["areas"]["5.2.3.1"]["level"] == 1
    assert result["areas"]["5.2.3"] == {"level": 1}
    assert result["areas"]["5.2.1"]["level"] == 0


def test_ascii_hyphen_in_the_framework_code_is_accepted(small_framework, tmp_path):
    document = small_document(framework="T/TEST 0001-2024", answers=met("5.2.1.1.a"))

    result = run_score(write_json(tmp_path / "hyphen.json", document))

    assert result["framework"] == SMALL_CODE
    assert result["areas"]["5.2.1"]["gaps"] == ["5.2.1.1.b"]


NA = {"status": "not_applicable", "justification": "  "}


@pytest.mark.parametrize(
    "document, message",
    [
        pytest.param(
            b'{"format": "cmmrm-assessment/1",\n "framework": }',
            "not valid JSON at line 2, column 15: Expecting value",
            id="malformed-json",
        ),
        pytest.param(
            small_document(format="cmmrm-assessment/2"),
            "format: expected 'cmmrm-assessment/1', got 'cmmrm-assessment/2'",
            id="unknown-format",
        ),
        pytest.param(
            small_document(framework="T/TEST 9999—2024"),
            "framework: unknown framework 'T/TEST 9999—2024'",
            id="unknown-framework",
        ),
        pytest.param(
            small_document(answers=met("5.2.1.1.a", "5.2.1.1.b", "5.2.1.6.b")),
            "answers.5.2.1.6.b: unknown clause code",
            id="unknown-clause",
        ),
        pytest.param(
            small_document(framework=BASELINE_CODE, answers=met("5.2.1.1.a")),
            "answers.5.2.1.1.a: a baseline clause is always met and takes no answer",
            id="baseline-clause",
        ),
        pytest.param(
            small_document(answers={"5.2.1.1.a": {"status": "done"}}),
            "answers.5.2.1.1.a.status: unknown status 'done'"
            " (use met, partial, not_met, not_applicable)",
            id="unknown-status",
        ),
        pytest.param(
            small_document(answers={"5.2.1.1.b": NA}),
            "answers.5.2.1.1.b.justification:"
            " not_applicable needs a written justification",
            id="not-applicable-unjustified",
        ),
        pytest.param(
            small_document(scope=["5.2.1", "5.2.9"]),
            "scope[1]: unknown area '5.2.9'",
            id="unknown-scope-area",
        ),
        pytest.param(
            small_document(target_level=0),
            "target_level: must be a level from 1 to 5, got 0",
            id="target-0",
        ),
        pytest.param(
            small_document(target_level=6),
            "target_level: must be a level from 1 to 5, got 6",
            id="target-6",
        ),
        pytest.param(
            small_document(target_level="3"),
            "target_level: must be a level from 1 to 5, got '3'",
            id="target-text",
        ),
        pytest.param(
            small_document(target_level=True),
            "target_level: must be a level from 1 to 5, got True",
            id="target-true",
        ),
        pytest.param(
            None,
            "No such file or directory",
            id="missing-file",
        ),
        pytest.param(
            small_document(answers={"5.2.1.1.a": {"status": "met", "note": 5}}),
            "answers.5.2.1.1.a.note: expected text",
            id="note-not-text",
        ),
    ],
)
def test_bad_input_is_refused_with_its_place_and_writes_nothing(
    small_framework, baseline_framework, tmp_path, document, message
):
    path = tmp_path / "document.json"
    if isinstance(document, bytes):
        path.write_bytes(document)
    elif document is not None:
        write_json(path, document)
    before = row_counts()

    with pytest.raises(CommandError) as refused:
        call_command("score", str(path), stdout=StringIO())

    assert refused.value.returncode == 2
    assert str(refused.value) == f"{path}: {message}"
    assert row_counts() == before


def test_bad_document_exits_2_with_one_line_on_stderr(process_database, tmp_path):
    path = tmp_path / "bad.json"
    write_json(path, small_document(answers=met("5.2.1.9.z")))

    result = run_manage(process_database, "score", str(path))

    assert_one_line_error(result, f"{path}: answers.5.2.1.9.z: unknown clause code")
