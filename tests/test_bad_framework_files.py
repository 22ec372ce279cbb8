"""Generated bad input for load_framework.

It either loads a framework's folder or refuses it with one line naming the file,
the place and the problem; a refusal writes nothing. Hypothesis mutates the files of
a valid framework (wrong types, missing and extra keys, unknown codes, odd text,
deep nesting, bytes that are not UTF-8) and also feeds arbitrary YAML and bytes.
"""

import copy
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from assessments.catalogue import CatalogueError
from assessments.models import Clause
from assessments.services.frameworks import load_framework
from tests.bad_input_support import (
    AREA_CODES,
    CLAUSE_CODES,
    IN_A_PROCESS,
    IN_PROCESS,
    ODD_CHARACTERS,
    ODD_TEXT,
    SMALL_CODE,
    Raw,
    assert_one_clear_line,
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
)

OTHER_CODE = "T/TEST 0002—2024"


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


# The command, as a real process


@pytest.fixture(scope="module")
def own_process_database(process_database, tmp_path_factory) -> dict[str, str]:
    return copy_of_process_database(
        process_database, tmp_path_factory.mktemp("bad-frameworks")
    )


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
