"""Strategies and checks shared by the bad-input tests.

tests/test_bad_exchange_documents.py and tests/test_bad_framework_files.py each
mutate valid input at random places and check that a refusal is one clear line that
writes nothing; the mutations, the odd text and those checks live here.
"""

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from django.apps import apps
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.conftest import SMALL_AREAS, SMALL_FRAMEWORK

SMALL_CODE = SMALL_FRAMEWORK["code"]
AREA_CODES = list(SMALL_AREAS)
CLAUSE_CODES = [
    clause["code"]
    for area in SMALL_AREAS.values()
    for level in area.get("levels", [])
    for clause in level["clauses"]
]
# Room for a temporary folder's path, a place and a problem quoting a short value.
MESSAGE_LIMIT = 600

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


# Checks


def assert_one_clear_line(message: str) -> None:
    assert message.strip()
    # No line break of any kind (\n, \r, \x85, \u2028...), no control character.
    assert message.isprintable(), repr(message[:200])
    assert len(message) <= MESSAGE_LIMIT, message[:200]


def table_counts() -> dict[str, int]:
    """Rows in every table of every installed app: equal means nothing was written."""
    return {
        model._meta.db_table: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


@contextmanager
def undone() -> Iterator[None]:
    """Run an example in a savepoint that is then undone, so each starts alike."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def copy_of_process_database(
    process_database: dict[str, str], folder: Path
) -> dict[str, str]:
    """A copy of the process database, so that what is loaded there stays there."""
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
