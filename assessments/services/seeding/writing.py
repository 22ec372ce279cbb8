"""Writing a seed: batches, reserved ids, COPY, worker processes, transactions.

Rows are built in memory and written one transaction per batch of organizations,
never through save_answer or record_change, which cost a few queries per row. The
audit trail is chained here, as those services would have chained it.
"""

import datetime
import io
import json
import multiprocessing
import multiprocessing.util
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from itertools import repeat
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, connections, models, transaction

from assessments.audit import GENESIS, record_hash
from assessments.models import (
    Answer,
    AreaAssignment,
    Assessment,
    AuditHead,
    AuditRecord,
    Citation,
    Evidence,
    Framework,
    Membership,
    Organization,
    Review,
)
from assessments.services.seeding.shared import (
    BATCH,
    CITATION_COLUMNS,
    TRAIL_COLUMNS,
    SeedError,
    SeedPlan,
    _AnswerRow,
    _Change,
    _ReviewRow,
    _World,
)
from assessments.services.seeding.simulation import _History


def seed_demo(
    plan: SeedPlan,
    progress: Callable[[int], None] | None = None,
    jobs: int | None = None,
) -> dict[str, int]:
    """Seed plan.organizations organizations; returns the rows written per model.

    progress is told how many organizations are written so far. jobs is how many
    processes write batches side by side (by default one per CPU); only on
    PostgreSQL and outside a transaction, elsewhere batches are written one by one.
    """
    plan.check()
    framework = Framework.objects.order_by("-published").first()
    if framework is None:
        raise SeedError("no framework is loaded: run manage.py load_framework first")
    _refuse_planted(plan)
    world = _World(plan, framework)
    batches = [
        range(first, min(first + BATCH, plan.organizations))
        for first in range(0, plan.organizations, BATCH)
    ]
    counts: dict[str, int] = {}
    done = 0
    with _timestamps_as_given():
        for organizations, written in _write_batches(world, batches, jobs):
            for name, rows in written.items():
                counts[name] = counts.get(name, 0) + rows
            done += organizations
            if progress:
                progress(done)
    if connection.vendor == "postgresql":
        # Fresh statistics, so that the planner knows the tables just filled.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return counts


def _refuse_planted(plan: SeedPlan) -> None:
    taken = Organization.objects.filter(slug__startswith=plan.prefix).first()
    if taken is None:
        users = get_user_model().objects.filter(username__startswith=plan.prefix)
        taken = users.first()
    if taken is not None:
        raise SeedError(
            f"--seed {plan.seed} is already planted ({taken} exists); "
            "choose another seed to add more"
        )


@contextmanager
def _timestamps_as_given() -> Iterator[None]:
    # bulk_create stamps auto_now fields with the current time, but a seeded history
    # has its own dates. Only this process (and its workers) is affected, and only
    # while seeding.
    stamped = [Organization, Assessment, Evidence, Answer, Review]
    fields = [
        f for model in stamped for f in model._meta.fields if f.name.endswith("_at")
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _write_batches(
    world: _World, batches: list[range], jobs: int | None
) -> Iterator[tuple[int, dict[str, int]]]:
    side_by_side = connection.vendor == "postgresql" and not connection.in_atomic_block
    jobs = min(jobs or os.cpu_count() or 1, len(batches)) if side_by_side else 1
    if jobs <= 1:
        yield from map(_seed_batch, repeat(world), batches)
        return
    # Forked workers share the world read here; each opens its own connection, so
    # none may be open when they fork.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, initializer=_start_worker, initargs=(world,)) as pool:
        yield from pool.imap_unordered(_seed_in_worker, batches)
        pool.close()
        pool.join()


def _seed_batch(world: _World, numbers: range) -> tuple[int, dict[str, int]]:
    """Build a batch of organizations in memory and write it in one transaction."""
    batch = _Batch()
    for number in numbers:
        _History(world, batch, number).build()
    with transaction.atomic():
        return len(numbers), batch.write()


_worker_world: _World | None = None


def _start_worker(world: _World) -> None:
    global _worker_world
    _worker_world = world
    multiprocessing.util.Finalize(None, connections.close_all, exitpriority=10)


def _seed_in_worker(numbers: range) -> tuple[int, dict[str, int]]:
    if _worker_world is None:
        raise RuntimeError("the seeding worker was started without its world")
    return _seed_batch(_worker_world, numbers)


class _Batch:
    """The rows of a few organizations, written model by model, parents first."""

    def __init__(self) -> None:
        parents = [Organization, get_user_model(), Membership, Evidence, Assessment]
        self.models: dict[Any, list[Any]] = {m: [] for m in [*parents, AreaAssignment]}
        self.answers: list[_AnswerRow] = []
        self.reviews: list[_ReviewRow] = []
        self.trails: list[tuple[Organization, list[_Change]]] = []
        self.shared_auditor = None

    def add(self, row: models.Model) -> None:
        self.models[type(row)].append(row)

    def write(self) -> dict[str, int]:
        """Write every row of the batch; returns the rows written per model."""
        # Ids first, since an assessment may name another of the batch as baseline.
        _give_ids(Assessment, self.models[Assessment])
        for model, rows in self.models.items():
            model.objects.bulk_create(rows, batch_size=1000)
        _give_ids(Answer, self.answers)
        _give_ids(Review, self.reviews)
        _store(Answer, _AnswerRow.COLUMNS, [row.values() for row in self.answers])
        citations = [
            (row.id, item.pk, position)
            for row in self.answers
            for position, item in enumerate(row.cited)
        ]
        _store(Citation, CITATION_COLUMNS, citations)
        _store(Review, _ReviewRow.COLUMNS, [row.values() for row in self.reviews])
        heads = [AuditHead(organization=org) for org, _changes in self.trails]
        records = [
            record
            for (organization, changes), head in zip(self.trails, heads, strict=True)
            for record in _chain(organization, changes, head)
        ]
        _store(AuditRecord, TRAIL_COLUMNS, records)
        AuditHead.objects.bulk_create(heads)
        counts = {model.__name__: len(rows) for model, rows in self.models.items()}
        return counts | {
            "Answer": len(self.answers),
            "Citation": len(citations),
            "Review": len(self.reviews),
            "AuditRecord": len(records),
            "AuditHead": len(heads),
        }


def _chain(
    organization: Organization, changes: list[_Change], head: AuditHead
) -> list[tuple]:
    # An organization's assessments overlap in time: the trail is in time order.
    changes.sort(key=lambda change: change.at)
    previous, records = GENESIS, []
    for sequence, change in enumerate(changes, start=1):
        change.sequence = sequence
        change.resolve()
        # The model's own reading of a record, so the hash is the one it checks.
        digest = record_hash(previous, AuditRecord.content(change))
        records.append(
            (organization.pk, sequence, change.at, change.actor)
            + (change.assessment_ref, change.kind, change.subject)
            + (change.before, change.after, previous, digest)
        )
        previous = digest
    head.sequence, head.hash = len(records), previous
    return records


def _give_ids(model: type[models.Model], rows: Sequence[Any]) -> None:
    """Ids for rows about to be written, so that other rows can point at them."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                "FROM generate_series(1, %s)",
                [table, len(rows)],
            )
            ids = [row[0] for row in cursor.fetchall()]
        else:
            # Elsewhere (SQLite) the batch's transaction keeps other writers out.
            # The table name is the model's own, quoted: no input reaches the query.
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT MAX(id) FROM {quoted}")  # noqa: S608  # nosec B608
            last = cursor.fetchone()[0] or 0
            ids = list(range(last + 1, last + 1 + len(rows)))
    for row, row_id in zip(rows, ids, strict=True):
        row.id = row_id


def _store(model: type[models.Model], columns: list[str], rows: list[tuple]) -> None:
    if connection.vendor != "postgresql":
        objects = (model(**dict(zip(columns, row, strict=True))) for row in rows)
        model.objects.bulk_create(objects, batch_size=1000)
        return
    quote = connection.ops.quote_name
    sql = (
        f"COPY {quote(model._meta.db_table)} "
        f"({', '.join(quote(column) for column in columns)}) FROM STDIN"
    )
    writers = [_copy_writer(model._meta.get_field(column)) for column in columns]
    text = "".join(
        "\t".join([write(value) for write, value in zip(writers, row, strict=True)])
        + "\n"
        for row in rows
    )
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if hasattr(raw, "copy_expert"):  # psycopg2
            raw.copy_expert(sql, io.StringIO(text))
        else:  # psycopg 3
            with raw.copy(sql) as copy:
                copy.write(text)


def _copy_writer(model_field: Any) -> Callable[[Any], str]:
    """How COPY's text format writes the field's values."""
    write = COPY_WRITERS.get(model_field.get_internal_type(), str)
    if not model_field.null:
        return write
    return lambda value: "\\N" if value is None else write(value)


COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: str) -> str:
    # Looking first is cheaper: translating walks a text character by character.
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(COPY_ESCAPES)
    return value


def _json_text(value: object) -> str:
    return _text(json.dumps(value, ensure_ascii=False))


COPY_WRITERS: dict[str, Callable[[Any], str]] = {
    "CharField": _text,
    "TextField": _text,
    "DateTimeField": datetime.datetime.isoformat,
    "JSONField": _json_text,
}
