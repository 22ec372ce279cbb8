"""Generated bad input for the three ways data comes in.

The exchange import, the score command and load_framework each either accept an
input or refuse it with one line naming the place and the problem; a refusal writes
nothing. Hypothesis mutates valid documents and frameworks (wrong types, missing and
extra keys, unknown codes, odd text, deep nesting, bytes that are not UTF-8) and
also feeds arbitrary JSON, YAML and bytes.
"""

import copy
import json
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import astuple
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from assessments.catalogue import CatalogueError
from assessments.exchange import (
    ANSWER_KEYS,
    EVIDENCE_KINDS,
    FORMAT,
    STATUS_VALUES,
    TOP_LEVEL_KEYS,
    ExchangeError,
)
from assessments.models import Clause
from assessments.services.exchange import import_document, read_document
from assessments.services.frameworks import load_framework
from tests.conftest import (
    SMALL_AREAS,
    SMALL_FRAMEWORK,
    assert_one_line_error,
    run_manage,
    write_framework,
)

SMALL_CODE = SMALL_FRAMEWORK["code"]
BASELINE_CODE = "T/TEST 0003—2024"
OTHER_CODE = "T/TEST 0002—2024"
AREA_CODES = list(SMALL_AREAS)
CLAUSE_CODES = [
    clause["code"]
    for area in SMALL_AREAS.values()
    for level in area.get("levels", [])
    for clause in level["clauses"]
]
# Room for a temporary folder's path, a place and a problem quoting a short value.
MESSAGE_LIMIT = 600
# Refusals of the document as a whole, which name no place inside it.
WHOLE_DOCUMENT = (
    "not UTF-8 text",
    "not valid JSON",
    "the document must be",
    "a number of",
)

# Each in-process example runs in a savepoint that is undone (see `undone`), so the
# function-scoped fixtures hold the same rows for every example.
IN_PROCESS = settings(
    deadline=None,
    # A failure is shrunk once, not once per kind: huge inputs shrink slowly.
    report_multiple_bugs=False,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
IN_A_PROCESS = settings(
    max_examples=3,
    report_multiple_bugs=False,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class Raw(str):
    """Text written into a file as it is: what json.dumps or yaml cannot write."""


class Pairs(tuple):
    """A JSON object written pair by pair, so that a key can appear twice."""


# Text

ODD_CHARACTERS = st.one_of(
    st.characters(),
    st.characters(categories=["Cs"]),  # lone surrogates: UTF-8 cannot encode them
    st.sampled_from("\x00\n\r\t\x0b\x85\u2028\u2029\ufeff\u202e\u200b"),
)
# Lengths just within and beyond the limits of the database's columns.
LONG_TEXT = st.sampled_from([20, 21, 41, 65, 101, 201, 256, 301, 1001, 100_000]).map(
    lambda length: "长" * length
)
ODD_TEXT = st.one_of(
    st.text(max_size=20), st.text(ODD_CHARACTERS, max_size=20), LONG_TEXT
)
CLEAN_TEXT = st.text(
    st.characters(exclude_characters="\x00"), min_size=1, max_size=20
).filter(str.strip)


def nested(scalars: st.SearchStrategy, keys: st.SearchStrategy) -> st.SearchStrategy:
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4)
        ),
        max_leaves=10,
    )


# Mutations, shared by JSON documents and YAML files


def places(value: object, path: tuple = ()) -> Iterator[tuple]:
    """Every place in a nested value, as the keys and indexes that lead to it."""
    yield path
    if isinstance(value, dict):
        children = list(value.items())
    elif isinstance(value, list):
        children = list(enumerate(value))
    else:
        return
    for key, child in children:
        yield from places(child, (*path, key))


def one_in(draw: Callable, n: int) -> bool:
    return draw(st.sampled_from(range(n))) == 0


def at(value: object, path: tuple) -> object:
    for step in path:
        value = value[step]
    return value


def mutate(draw: Callable, value: object, values, keys) -> object:
    """One change at a random place in value: replaced, deleted, wrapped, renamed.

    Half the changes put odd text in place of some text, since text is what reaches
    the database when the rest is valid.
    """
    texts = [p for p in places(value) if p and isinstance(at(value, p), str)]
    if texts and draw(st.booleans()):
        path = draw(st.sampled_from(texts))
        at(value, path[:-1])[path[-1]] = draw(ODD_TEXT)
        return value
    path = draw(st.sampled_from(list(places(value))))
    if not path:
        return draw(values)
    parent, key = at(value, path[:-1]), path[-1]
    change = draw(st.sampled_from(["replace", "delete", "wrap", "add", "rename"]))
    if change == "replace":
        parent[key] = draw(values)
    elif change == "delete":
        del parent[key]
    elif change == "wrap":
        parent[key] = draw(st.sampled_from([[parent[key]], {"value": parent[key]}]))
    elif isinstance(parent, list):
        parent.append(draw(values))
    elif change == "add":
        parent[draw(keys)] = draw(values)
    else:
        parent[draw(keys)] = parent.pop(key)
    return value


# Exchange documents

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


# Framework folders

ODD_CODES = [
    "5.2.1\n",
    "5.2.٣",
    "5.2.123456789012345678",
    "5.2.1.1.a\n",
    "5.2.1.1.aa",
    "5.2.1.1.A",
    "areas/5.2.1.yaml",
    "",
    "/",
    "areas/../areas/5.2.1.yaml",
    "areas/\x00.yaml",
    "a" * 5000,
]


def small_documents(code: str = SMALL_CODE) -> dict[str, object]:
    documents: dict[str, object] = {
        "framework.yaml": {**copy.deepcopy(SMALL_FRAMEWORK), "code": code}
    }
    for area_code, area in SMALL_AREAS.items():
        documents[f"areas/{area_code}.yaml"] = copy.deepcopy(area)
    return documents


def framework_fields() -> list[str]:
    documents = small_documents().values()
    keys = {path[-1] for data in documents for path in places(data) if path}
    return sorted(key for key in keys if isinstance(key, str))


# Scalars that PyYAML's own constructors trip over, and other YAML oddities.
RAW_YAML = [
    "2024-13-45",
    "!!timestamp yesterday",
    "!!bool maybe",
    "!!int twelve",
    "!!float x",
    "1" * 5000,
    "!x%0Ay value",
    "!!python/object:os.system x",
    "&loop [*loop]",
    "*nowhere",
    "[" * 5000 + "]" * 5000,
    '"\\0"',
    '"\\ud800"',
    "2024-01-01 10:00:00",
]
RAW_YAML_FILES = [
    b"",
    b"~",
    b"[]",
    b"code: [\n",
    b"\xff\xfe\x00",
    b"a: 1\na: 2\n",
    b"\x00",
    b"\t- x",
    b"&a [*a]",
    b"--- a\n--- b\n",
    b"[" * 5000,
]
YAML_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    ODD_TEXT,
    st.dates(),
    st.datetimes(),
)
YAML_KEYS = st.one_of(
    ODD_TEXT, st.integers(), st.none(), st.sampled_from(framework_fields())
)
YAML_VALUES = st.one_of(
    nested(YAML_SCALARS, YAML_KEYS),
    st.sampled_from(AREA_CODES + CLAUSE_CODES + ODD_CODES),
    st.sampled_from([0, 1, 5, 6, True, 1.0, "1", SMALL_CODE]),
    st.sampled_from(RAW_YAML).map(Raw),
)
ERRATA = {
    "corrections": [
        {
            "location": "5.2.1.1.a",
            "published": "错字",
            "corrected": "正字",
            "reason_zh": "笔误。",
            "reason_en": "A slip.",
        }
    ]
}


def yaml_bytes(value: object) -> bytes:
    raws: dict[str, str] = {}

    def hold_raws(value: object) -> object:
        if isinstance(value, Raw):
            token = f"RAW{len(raws)}TOKEN"
            raws[token] = str(value)
            return token
        if isinstance(value, dict):
            return {key: hold_raws(item) for key, item in value.items()}
        if isinstance(value, list):
            return [hold_raws(item) for item in value]
        return value

    text = yaml.safe_dump(hold_raws(value), allow_unicode=True, sort_keys=False)
    for token, raw in raws.items():
        text = text.replace(token, raw)
    return text.encode("utf-8", "surrogatepass")


def small_files(name: str = "", change: Callable = lambda data: None) -> dict:
    """The small framework's files, with one file's data changed in place."""
    documents = small_documents(OTHER_CODE)
    if name:
        change(documents[name])
    return {name: yaml_bytes(data) for name, data in documents.items()}


@st.composite
def framework_folders(draw) -> dict[str, bytes | None]:
    """Files by name (None: absent): the small framework, changed a little."""
    documents = small_documents(draw(st.sampled_from([SMALL_CODE, OTHER_CODE])))
    if draw(st.booleans()):
        documents["errata.yaml"] = copy.deepcopy(ERRATA)
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(sorted(documents)))
        documents[name] = mutate(draw, documents[name], YAML_VALUES, YAML_KEYS)
    files: dict[str, bytes | None] = {
        name: yaml_bytes(data) for name, data in documents.items()
    }
    if one_in(draw, 4):
        name = draw(st.sampled_from(sorted(files)))
        files[name] = draw(
            st.one_of(
                st.none(),
                st.binary(max_size=40),
                st.text(ODD_CHARACTERS, max_size=40).map(
                    lambda text: text.encode("utf-8", "surrogatepass")
                ),
                nested(YAML_SCALARS, YAML_KEYS).map(yaml_bytes),
                st.sampled_from(RAW_YAML_FILES),
                st.just((files[name] or b"").splitlines(keepends=True)).map(
                    lambda lines: b"".join(lines + lines[:1])  # a key twice
                ),
            )
        )
    return files


def write_files(folder: Path, files: dict[str, bytes | None]) -> Path:
    for name, content in files.items():
        if content is not None:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(content)
    return folder


def change_clause(fields: dict | None = None, **more: object) -> Callable:
    return lambda area: area["levels"][0]["clauses"][0].update(fields or {}, **more)


# One folder at each known hazard; the comment says what an unguarded reader did.
FRAMEWORK_REGRESSIONS = [
    # ValueError, AttributeError, KeyError and ValueError from PyYAML's constructors
    small_files(
        "framework.yaml", lambda data: data.update(published=Raw("2024-13-45"))
    ),
    small_files(
        "framework.yaml", lambda data: data.update(published=Raw("!!timestamp x"))
    ),
    small_files("areas/5.2.1.yaml", change_clause(baseline=Raw("!!bool maybe"))),
    small_files(
        "areas/5.2.1.yaml", lambda data: data["levels"][0].update(level=Raw("1" * 5000))
    ),
    # A tag that holds a line break, quoted in the message
    small_files("areas/5.2.1.yaml", change_clause(text_en=Raw("!x%0Ay value"))),
    {**small_files(), "areas/5.2.1.yaml": b"[" * 5000 + b"]" * 5000},  # RecursionError
    # TypeError from sorting unknown keys of several types
    small_files("areas/5.2.1.yaml", change_clause({"1": 1, 2: 2, None: 3})),
    # IsADirectoryError, ValueError, OSError, and a file name on two lines
    small_files("framework.yaml", lambda data: data["areas"].append("")),
    small_files("framework.yaml", lambda data: data["areas"].append("areas/\x00")),
    small_files("framework.yaml", lambda data: data["areas"].append("a" * 5000)),
    small_files("framework.yaml", lambda data: data["areas"].append("a\n.yaml")),
    # PostgreSQL refused NUL, UnicodeEncodeError, and texts too long for a column
    small_files("areas/5.2.1.yaml", change_clause(text_zh="\x00")),
    small_files("areas/5.2.1.yaml", change_clause(text_zh="\ud800")),
    small_files("areas/5.2.1.yaml", lambda data: data.update(name_zh="长" * 101)),
    small_files("framework.yaml", lambda data: data.update(code="T" * 65)),
    small_files("areas/5.2.1.yaml", change_clause(code="5.2.1.1.a\n")),
]


def with_framework_regressions(test: Callable) -> Callable:
    for files in FRAMEWORK_REGRESSIONS:
        test = example(files=files)(test)
    return test


# Checks


def assert_one_clear_line(message: str) -> None:
    assert message.strip()
    # No line break of any kind (\n, \r, \x85, \u2028...), no control character.
    assert message.isprintable(), repr(message[:200])
    assert len(message) <= MESSAGE_LIMIT, message[:200]


def assert_names_place_and_problem(error: ExchangeError) -> None:
    assert_one_clear_line(str(error))
    assert error.problem
    assert error.place or error.problem.startswith(WHOLE_DOCUMENT), str(error)


def table_counts() -> dict[str, int]:
    """Rows in every table of every installed app: equal means nothing was written."""
    return {
        model._meta.db_table: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


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


@contextmanager
def undone() -> Iterator[None]:
    """Run an example in a savepoint that is then undone, so each starts alike."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


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


# load_framework, in this process


@settings(IN_PROCESS, max_examples=100)
@given(files=framework_folders())
@with_framework_regressions
def test_load_framework_loads_or_refuses_in_one_line_writing_nothing(
    small_framework, files
):
    with tempfile.TemporaryDirectory() as folder, undone():
        write_files(Path(folder), files)
        before = table_counts()

        try:
            result = load_framework(Path(folder))
        except CatalogueError as error:
            event(f"refused: {error.problem[:30]}")
            assert_one_clear_line(str(error))
            assert error.problem
            assert error.path.startswith(folder)
            assert table_counts() == before
            return

        event(f"loaded: {result.outcome}")
        clauses = Clause.objects.filter(framework=result.framework)
        assert clauses.count() == result.clauses
        assert (table_counts() == before) == (result.outcome != "created")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, change, message",
    [
        pytest.param(
            "areas/5.2.1.yaml",
            lambda data: data["levels"][0].update(level=True),
            "levels[0].level: expected level 1",
            id="true-as-level-1",
        ),
        pytest.param(
            "framework.yaml",
            lambda data: data.update(published=Raw("2024-01-01 10:00:00")),
            "published: expected a date written as YYYY-MM-DD",
            id="date-and-time-as-date",
        ),
    ],
)
def test_values_that_only_look_right_are_refused(tmp_path, name, change, message):
    folder = write_files(tmp_path, small_files(name, change))

    with pytest.raises(CatalogueError) as refused:
        load_framework(folder)

    assert str(refused.value) == f"{tmp_path / name}: {message}"


@pytest.mark.django_db
def test_a_key_written_twice_in_yaml_is_refused_rather_than_one_dropped(tmp_path):
    files = small_files()
    files["areas/5.2.1.yaml"] += b"name_zh: \xe5\x8f\xa6\n"
    folder = write_files(tmp_path, files)

    with pytest.raises(CatalogueError) as refused:
        load_framework(folder)

    assert refused.value.problem == "not valid YAML: found 'name_zh' twice"


@pytest.mark.django_db
def test_a_control_character_in_yaml_is_named_with_its_place(tmp_path):
    files = {**small_files(), "areas/5.2.1.yaml": b"code: 5.2.1\x01\n"}
    folder = write_files(tmp_path, files)

    with pytest.raises(CatalogueError) as refused:
        load_framework(folder)

    assert str(refused.value) == (
        f"{tmp_path / 'areas/5.2.1.yaml'}: line 1, column 12:"
        " not valid YAML: special characters are not allowed (#x0001)"
    )


# The three commands, each as a real process


@pytest.fixture(scope="module")
def own_process_database(process_database, tmp_path_factory) -> dict[str, str]:
    """A copy of the process database, so that what is loaded here stays here."""
    folder = tmp_path_factory.mktemp("bad-input")
    source = process_database["DATABASE_URL"].removeprefix("sqlite:///")
    shutil.copy(source, folder / "db.sqlite3")
    (folder / "media").mkdir()
    return {
        **process_database,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "MEDIA_ROOT": str(folder / "media"),
    }


def file_table_counts(env: dict[str, str]) -> dict[str, int]:
    """Rows in every table of the process database, and the files in its media."""
    database = env["DATABASE_URL"].removeprefix("sqlite:///")
    with closing(sqlite3.connect(database)) as connection:
        tables = connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        counts = {
            # Table names come from the database itself.
            name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608
            for (name,) in tables.fetchall()
        }
    counts["media files"] = sum(1 for _ in Path(env["MEDIA_ROOT"]).rglob("*"))
    return counts


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


@IN_A_PROCESS
@given(files=framework_folders())
@example(files=FRAMEWORK_REGRESSIONS[0])
def test_load_framework_command_exits_0_or_2_with_one_line_and_writes_nothing_on_2(
    own_process_database, files
):
    before = file_table_counts(own_process_database)

    with tempfile.TemporaryDirectory() as folder:
        write_files(Path(folder), files)
        result = run_manage(own_process_database, "load_framework", folder)

    if result.returncode == 0:
        assert re.fullmatch(
            r".+: (created|unchanged|updated) \(\d+ clauses\)\n", result.stdout
        )
        assert result.stderr == ""
    else:
        assert_one_line_error(result, f"{folder}/")
        assert file_table_counts(own_process_database) == before
