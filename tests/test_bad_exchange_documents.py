"""Generated bad input for the exchange import and the score command.

Each either accepts a document or refuses it with one line naming the place and the
problem; a refusal writes nothing. Hypothesis mutates valid documents (wrong types,
missing and extra keys, unknown codes, odd text, deep nesting, bytes that are not
UTF-8) and also feeds arbitrary JSON and bytes.
"""

import copy
import json
import re
import tempfile
from collections.abc import Callable
from dataclasses import astuple
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from assessments.exchange import (
    ANSWER_KEYS,
    EVIDENCE_KINDS,
    FORMAT,
    STATUS_VALUES,
    TOP_LEVEL_KEYS,
    ExchangeError,
)
from assessments.services.exchange import import_document, read_document
from assessments.services.frameworks import load_framework
from tests.bad_input_support import (
    AREA_CODES,
    CLAUSE_CODES,
    IN_A_PROCESS,
    IN_PROCESS,
    ODD_TEXT,
    SMALL_CODE,
    Raw,
    assert_one_clear_line,
    at,
    copy_of_process_database,
    file_table_counts,
    mutate,
    nested,
    one_in,
    places,
    table_counts,
    undone,
)
from tests.conftest import (
    SMALL_AREAS,
    SMALL_FRAMEWORK,
    assert_one_line_error,
    run_manage,
    write_framework,
)

BASELINE_CODE = "T/TEST 0003—2024"
# Refusals of the document as a whole, which name no place inside it.
WHOLE_DOCUMENT = (
    "not UTF-8 text",
    "not valid JSON",
    "the document must be",
    "a number of",
)


class Pairs(tuple):
    """A JSON object written pair by pair, so that a key can appear twice."""


# Exchange documents

CLEAN_TEXT = st.text(
    st.characters(exclude_characters="\x00"), min_size=1, max_size=20
).filter(str.strip)
UNKNOWN_CLAUSES = ["5.2.1.6.b", "5.2.9.1.a", "5.2.1.1.a ", "5.2.1.1.A", "5.2.1", ""]
EXCHANGE_FIELDS = sorted(TOP_LEVEL_KEYS | ANSWER_KEYS | {"title", *EVIDENCE_KINDS})
# Tokens that json.dumps cannot write, written as they are.
RAW_JSON = [
    "1" * 5000,  # more digits than int() reads
    "-" + "9" * 4400,
    "1e999999",
    "NaN",
    "-Infinity",
    "[" * 100_000 + "]" * 100_000,  # deeper than the parser recurses
    "[" * 900 + "]" * 900,
    '{"a": ' * 3000 + "0" + "}" * 3000,
    '"\\ud800"',
    '"\\udfff\\ud800"',
    '"\\u0000"',
    '"a\\nb"',
]
JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), ODD_TEXT)
ANY_JSON = nested(JSON_SCALARS, ODD_TEXT)
EXCHANGE_VALUES = st.one_of(
    ANY_JSON,
    st.sampled_from([*STATUS_VALUES, "MET", "done", "not applicable"]),
    st.sampled_from(CLAUSE_CODES + UNKNOWN_CLAUSES + AREA_CODES),
    st.sampled_from([0, 1, 5, 6, -1, 3.0, True, "3", SMALL_CODE, BASELINE_CODE]),
    st.sampled_from(RAW_JSON).map(Raw),
)
EXCHANGE_KEYS = st.one_of(
    ODD_TEXT, st.sampled_from(EXCHANGE_FIELDS + CLAUSE_CODES + UNKNOWN_CLAUSES)
)


@st.composite
def evidence_items(draw) -> dict:
    kind = draw(st.sampled_from(["url", "text", "file"]))
    content = draw(CLEAN_TEXT)
    if kind == "url":
        content = draw(st.sampled_from(["http://", "https://"])) + content
    return {"title": draw(CLEAN_TEXT), kind: content}


@st.composite
def answer_entries(draw) -> dict:
    status = draw(st.sampled_from([*STATUS_VALUES, None]))
    entry: dict = {"status": status}
    if status == "not_applicable" or draw(st.booleans()):
        entry["justification"] = draw(CLEAN_TEXT)
    if draw(st.booleans()):
        entry["note"] = draw(st.text(max_size=20))
    if draw(st.booleans()):
        entry["evidence"] = draw(st.lists(evidence_items(), max_size=3))
    return entry


@st.composite
def valid_documents(draw) -> dict:
    framework = draw(st.sampled_from([SMALL_CODE, BASELINE_CODE]))
    document = {
        "format": FORMAT,
        "framework": draw(st.sampled_from([framework, framework.replace("—", "-")])),
    }
    for key, values in (
        ("title", CLEAN_TEXT),
        ("organization", st.text(max_size=20)),
        ("target_level", st.integers(1, 5)),
        ("scope", st.lists(st.sampled_from(AREA_CODES), min_size=1, max_size=3)),
    ):
        if draw(st.booleans()):
            document[key] = draw(values)
    # The baseline framework's 5.2.1.1.a takes no answer.
    codes = CLAUSE_CODES[1:] if framework == BASELINE_CODE else CLAUSE_CODES
    document["answers"] = draw(
        st.dictionaries(st.sampled_from(codes), answer_entries(), max_size=5)
    )
    return document


def json_text(value: object, ascii_only: bool) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(json_text(item, ascii_only) for item in value) + "]"
    if not isinstance(value, dict | Pairs):
        return json.dumps(value, ensure_ascii=ascii_only)
    pairs = value.items() if isinstance(value, dict) else value
    return (
        "{"
        + ", ".join(
            f"{json.dumps(key, ensure_ascii=ascii_only)}: {json_text(item, ascii_only)}"
            for key, item in pairs
        )
        + "}"
    )


def with_a_key_twice(draw: Callable, value: object) -> object:
    objects = [
        p for p in places(value) if isinstance(at(value, p), dict) and at(value, p)
    ]
    if not objects:
        return value
    path = draw(st.sampled_from(objects))
    pairs = list(at(value, path).items())
    doubled = Pairs([*pairs, (pairs[0][0], draw(EXCHANGE_VALUES))])
    if not path:
        return doubled
    at(value, path[:-1])[path[-1]] = doubled
    return value


def as_sent(draw: Callable, text: str) -> bytes | str:
    """The document's text as a file holds it, sometimes damaged on the way."""
    change = draw(
        st.sampled_from(["as is"] * 5 + ["text", "truncate", "insert", "bom", "utf-16"])
    )
    if change == "text":
        return text
    raw = text.encode("utf-8", "surrogatepass")
    if change == "truncate":
        return raw[: draw(st.integers(0, len(raw)))]
    if change == "insert":
        position = draw(st.integers(0, len(raw)))
        junk = draw(st.binary(min_size=1, max_size=4))
        return raw[:position] + junk + raw[position:]
    if change == "bom":
        return b"\xef\xbb\xbf" + raw
    if change == "utf-16":
        return text.encode("utf-16", "surrogatepass")
    return raw


@st.composite
def exchange_inputs(draw) -> bytes | str:
    if one_in(draw, 10):
        return draw(st.binary(max_size=60))
    value = draw(st.one_of(valid_documents(), valid_documents(), ANY_JSON))
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2, 3]))):
        value = mutate(draw, value, EXCHANGE_VALUES, EXCHANGE_KEYS)
    if one_in(draw, 20):
        value = with_a_key_twice(draw, value)
    return as_sent(draw, json_text(value, ascii_only=draw(st.booleans())))


def document_text(**fields: object) -> str:
    """A valid document of the small framework, with fields replaced."""
    return json_text(
        {"format": FORMAT, "framework": SMALL_CODE, "answers": {}, **fields},
        ascii_only=False,
    )


def met_with(**entry: object) -> dict:
    return {"5.2.1.1.a": {"status": "met", **entry}}


# One input at each known hazard; the comment says what an unguarded reader did.
EXCHANGE_REGRESSIONS = [
    b"[" * 100_000 + b"]" * 100_000,  # RecursionError
    document_text(target_level=Raw("1" * 5000)),  # ValueError from int()
    document_text(target_level=Raw("[" * 900 + "]" * 900)),  # a 2,000-char line
    document_text(answers=met_with(note=Raw('"\\ud800"'))),  # UnicodeEncodeError
    document_text(answers=met_with(note="\x00")),  # PostgreSQL refused the insert
    document_text(framework=Raw('"T/TEST\\u0000"')),  # PostgreSQL refused the query
    document_text(framework=Raw('"\\udfff"')),  # UnicodeEncodeError in the query
    document_text(answers={"5.2.1.1.a\n5.2.1.1.b": {}}),  # two lines
    document_text(answers={"5.2.1.1.a": {"status": "x" * 100_000}}),  # a huge line
    document_text(**{"\u2028": 1}),  # a line separator in the message
    document_text(**{"": 1}),  # "unknown field", naming none
    # A key twice, named on four lines; UnicodeEncodeError on saving evidence
    json_text(Pairs([("format", FORMAT), ("\n" * 3, 1), ("\n" * 3, 2)]), False),
    document_text(answers=met_with(evidence=[{"title": "t", "text": "\ud800"}])),
]


def with_exchange_regressions(test: Callable) -> Callable:
    for raw in EXCHANGE_REGRESSIONS:
        test = example(raw=raw)(test)
    return test


# Checks


def assert_names_place_and_problem(error: ExchangeError) -> None:
    assert_one_clear_line(str(error))
    assert error.problem
    assert error.place or error.problem.startswith(WHOLE_DOCUMENT), str(error)


def stored_answers(assessment) -> dict[str, tuple]:
    return {
        answer.clause.code: (
            answer.status,
            answer.note,
            answer.justification,
            [
                (
                    citation.evidence.title,
                    citation.evidence.kind,
                    citation.evidence.content,
                )
                for citation in answer.citations.order_by("position")
            ],
        )
        for answer in assessment.answers.select_related("clause")
    }


@pytest.fixture
def baseline_framework(db, tmp_path):
    """The small framework again, with 5.2.1.1.a a baseline clause."""
    areas = copy.deepcopy(SMALL_AREAS)
    areas["5.2.1"]["levels"][0]["clauses"][0]["baseline"] = True
    framework = dict(SMALL_FRAMEWORK, code=BASELINE_CODE)
    return load_framework(write_framework(tmp_path / "baseline", framework, areas))


# The exchange import and the score command, in this process


@settings(IN_PROCESS, max_examples=200)
@given(raw=exchange_inputs())
@with_exchange_regressions
def test_import_accepts_a_document_or_refuses_it_in_one_line_writing_nothing(
    small_framework, baseline_framework, organization, raw
):
    with undone():
        before = table_counts()

        try:
            document, _ = read_document(raw)
        except ExchangeError as error:
            event(f"refused: {error.problem[:30]}")
            assert_names_place_and_problem(error)
            assert table_counts() == before
            return
        event("accepted")
        assessment = import_document(document, organization)

        assert stored_answers(assessment) == {
            code: (
                record.status.value if record.status else "",
                record.note,
                record.justification,
                # An item cited twice by one answer is one citation.
                list(dict.fromkeys(astuple(item) for item in record.evidence)),
            )
            for code, record in document.answers.items()
        }
        assert assessment.title == (document.title or document.framework)


@settings(IN_PROCESS, max_examples=100)
@given(raw=exchange_inputs())
@with_exchange_regressions
def test_score_prints_a_result_or_refuses_in_one_line_writing_nothing(
    small_framework, baseline_framework, raw
):
    with tempfile.TemporaryDirectory() as folder, undone():
        path = Path(folder) / "document.json"
        path.write_bytes(
            raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
        )
        before = table_counts()
        out = StringIO()

        try:
            call_command("score", str(path), stdout=out, stderr=StringIO())
        except CommandError as error:
            event("refused")
            assert error.returncode == 2
            assert_one_clear_line(str(error))
            assert str(error).startswith(f"{path}: ")
        else:
            event("scored")
            result = json.loads(out.getvalue())
            assert result["framework"] in (SMALL_CODE, BASELINE_CODE)
            assert 0 <= result["overall_level"] <= 5

        assert table_counts() == before


def test_evidence_beyond_the_largest_citation_position_is_refused(small_framework):
    # Positions 0 to 32767 fit the column; PostgreSQL refused the next mid-import.
    items = [{"title": f"证据 {n}", "text": "摘录"} for n in range(32_769)]

    document, _ = read_document(document_text(answers=met_with(evidence=items[1:])))
    with pytest.raises(ExchangeError) as refused:
        read_document(document_text(answers=met_with(evidence=items)))

    assert len(document.answers["5.2.1.1.a"].evidence) == 32_768
    assert str(refused.value) == "answers.5.2.1.1.a.evidence: more than 32768 items"


# The two commands, each as a real process


@pytest.fixture(scope="module")
def own_process_database(process_database, tmp_path_factory) -> dict[str, str]:
    return copy_of_process_database(
        process_database, tmp_path_factory.mktemp("bad-documents")
    )


def run_on_file(env: dict[str, str], raw: bytes | str, *args: str):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.json"
        path.write_bytes(
            raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
        )
        return path, run_manage(env, args[0], str(path), *args[1:])


@IN_A_PROCESS
@given(raw=exchange_inputs())
@example(raw=EXCHANGE_REGRESSIONS[0])
def test_import_command_exits_0_or_2_with_one_line_and_writes_nothing_on_2(
    own_process_database, raw
):
    before = file_table_counts(own_process_database)

    path, result = run_on_file(
        own_process_database, raw, "import_assessment", "--organization", "demo"
    )

    if result.returncode == 0:
        assert re.fullmatch(
            r"imported assessment \d+ with \d+ answers\n", result.stdout
        )
        assert result.stderr == ""
    else:
        assert_one_line_error(result, f"{path}: ")
        assert file_table_counts(own_process_database) == before


@IN_A_PROCESS
@given(raw=exchange_inputs())
@example(raw=EXCHANGE_REGRESSIONS[1])
def test_score_command_exits_0_or_2_with_one_line_and_writes_nothing(
    own_process_database, raw
):
    before = file_table_counts(own_process_database)

    path, result = run_on_file(own_process_database, raw, "score")

    if result.returncode == 0:
        assert json.loads(result.stdout)["framework"] == SMALL_CODE
        assert result.stderr == ""
    else:
        assert_one_line_error(result, f"{path}: ")
    assert file_table_counts(own_process_database) == before
