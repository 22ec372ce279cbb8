"""Filling a database with realistic demo data, to try the app and to measure it.

Each organization gets members of every role, an evidence library, and a history of
assessments in every state, with answers, citations, review decisions and an audit
trail whose hash chain verifies. Everything about an organization comes from its own
random generator, seeded from the seed and the organization's number, so the same
seed gives the same data whatever else the database holds.

Rows are built in memory and written one transaction per batch of organizations,
never through save_answer or record_change, which cost a few queries per row. The
trail is written as those services would have written it.
"""

import datetime
import io
import json
import math
import multiprocessing
import multiprocessing.util
import os
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, connections, models, transaction

from assessments.audit import GENESIS, record_hash
from assessments.catalogue import Catalogue
from assessments.catalogue import Clause as CatalogueClause
from assessments.lifecycle import State
from assessments.models import (
    Answer,
    AreaAssignment,
    Assessment,
    AuditHead,
    AuditRecord,
    Citation,
    Clause,
    Evidence,
    Framework,
    Membership,
    Organization,
    Review,
    Role,
)
from assessments.scoring import Status
from assessments.services.audit import evidence_snapshot
from assessments.services.frameworks import catalogue_for

# Every seeded account has this password, hashed once: hashing it per account would
# take most of a second each. Known on purpose: it is demo data.
SEED_PASSWORD = "cmmrm-demo-2023"  # noqa: S105  # nosec B105
MAX_ORGANIZATIONS = 100_000
MAX_ASSESSMENTS = 50
# Organizations per transaction; even, since organizations come in pairs.
BATCH = 10
START = datetime.datetime(2023, 9, 1, tzinfo=datetime.UTC)
# The states in the order an assessment goes through them, as State lists them.
PROGRESS = list(State)

CITIES = ["北京", "上海", "深圳", "杭州", "广州", "成都", "南京", "武汉", "苏州"]
FIELDS = ["智能", "数智", "云算", "金融科技", "智慧医疗", "自动驾驶", "数据", "语音"]
KINDS_OF_ORG = ["科技有限公司", "研究院", "银行", "保险股份有限公司", "信息技术公司"]
DOCUMENTS = [
    "人工智能模型风险管理制度",
    "模型开发规范",
    "数据安全管理办法",
    "模型上线评审记录",
    "算法备案材料",
    "模型监控周报",
    "应急预案演练记录",
    "第三方模型采购合同",
    "员工培训签到表",
    "模型退役审批单",
    "风险管理委员会会议纪要",
    "模型验证报告",
]
NOTES = [
    "已制定制度并发布实施。",
    "见年度模型风险评估报告。",
    "由风险管理部牵头落实。",
    "部分业务线尚未覆盖。",
    "计划下季度完成。",
    "已纳入内部审计范围。",
]
JUSTIFICATIONS = ["本机构不涉及该类模型。", "本期未开展相关业务。"]
EXCLUSIONS = {
    "5.2.3.9": "本期没有模型下线。",
    "5.2.8": "本机构不申请专利。",
    "5.2.7": "本期没有外部合作。",
}
REASONS = {
    Review.Decision.REJECTED: "证据不足以证明已落实。",
    Review.Decision.MORE_EVIDENCE: "请补充相关制度文件或会议纪要。",
}
RETURN_REASON = "部分条款证据不足，请补充后重新提交。"
RESPONSE = "已补充证据，请复核。"


class SeedError(Exception):
    """A seed that cannot be planted: a bad size, or a seed already planted."""


@dataclass(frozen=True)
class SeedPlan:
    organizations: int
    assessments: int
    seed: int

    @property
    def prefix(self) -> str:
        return f"seed{self.seed}-"

    def check(self) -> None:
        if not 1 <= self.organizations <= MAX_ORGANIZATIONS:
            raise SeedError(f"--orgs must be from 1 to {MAX_ORGANIZATIONS}")
        if not 1 <= self.assessments <= MAX_ASSESSMENTS:
            raise SeedError(f"--assessments must be from 1 to {MAX_ASSESSMENTS}")

    def states(self, number: int) -> list[State]:
        """An organization's assessments' states, oldest first.

        The newest few take their states from one cycle through all six states
        across organizations, so that even a small seed holds every state; the older
        ones are final. Of the open ones, the more advanced is the older.
        """
        count = min(self.assessments, math.ceil(len(PROGRESS) / self.organizations))
        cycle = [PROGRESS[(number * count + k) % len(PROGRESS)] for k in range(count)]
        cycle.sort(key=PROGRESS.index, reverse=True)
        return [State.FINAL] * (self.assessments - count) + cycle


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


class _World:
    """What every organization's history shares: the plan, catalogue, password."""

    def __init__(self, plan: SeedPlan, framework: Framework) -> None:
        self.plan = plan
        self.framework = framework
        self.catalogue: Catalogue = catalogue_for(framework)
        self.clause_ids = dict(
            Clause.objects.filter(framework=framework).values_list("code", "pk")
        )
        self.areas = [area.code for area in self.catalogue.assessable_areas()]
        # A salt from the seed, so that the same seed gives the same rows.
        self.password = make_password(SEED_PASSWORD, salt=f"cmmrmseed{plan.seed}")
        self.spacing = datetime.timedelta(days=max(10, 730 // plan.assessments))
        self.width = max(4, len(str(plan.organizations)))


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


# Answers, citations, reviews and trail records are millions of rows at full size:
# they are kept as light rows rather than model instances, and written by COPY on
# PostgreSQL, where bulk_create costs some 200 µs a row (every value is adapted one
# by one, and the server parses it back), against some 20 µs.


@dataclass(slots=True)
class _AnswerRow:
    assessment: Assessment
    clause_id: int
    version: int = 0
    status: str = ""
    note: str = ""
    justification: str = ""
    updated_at: datetime.datetime = START
    updated_by: Any = None
    cited: list[Evidence] = field(default_factory=list)
    id: int = 0

    COLUMNS = [
        "id",
        "assessment_id",
        "clause_id",
        "status",
        "note",
        "justification",
        "version",
    ]
    COLUMNS += ["updated_at", "updated_by_id"]

    def values(self) -> tuple:
        first = (self.id, self.assessment.pk, self.clause_id, self.status, self.note)
        by = self.updated_by.pk
        return (*first, self.justification, self.version, self.updated_at, by)


@dataclass(slots=True)
class _ReviewRow:
    answer: _AnswerRow
    answer_version: int
    decision: str
    reason: str
    reviewer: Any
    created_at: datetime.datetime
    response: str = ""
    responded_by: Any = None
    responded_at: datetime.datetime | None = None
    id: int = 0

    COLUMNS = ["id", "answer_id", "answer_version", "decision", "reason", "reviewer_id"]
    COLUMNS += ["created_at", "response", "responded_by_id", "responded_at"]

    def values(self) -> tuple:
        first = (self.id, self.answer.id, self.answer_version, self.decision)
        review = (self.reason, self.reviewer.pk, self.created_at, self.response)
        responder = self.responded_by.pk if self.responded_by else None
        return (*first, *review, responder, self.responded_at)


@dataclass(slots=True)
class _Change:
    """A trail record to be: its values may name rows that have no id yet."""

    at: datetime.datetime
    actor: str
    assessment: Assessment | None
    kind: str
    subject: Any
    before: dict | None
    after: dict
    # Filled in when the organization's trail is chained, as AuditRecord.content
    # reads them.
    sequence: int = 0
    assessment_ref: int | None = None

    def resolve(self) -> None:
        self.assessment_ref = self.assessment.pk if self.assessment else None
        if isinstance(self.subject, Evidence):
            self.subject = f"evidence:{self.subject.pk}"
        for values in (self.before, self.after):
            if values and "evidence" in values:
                values["evidence"] = [item.pk for item in values["evidence"]]
            if values and "review" in values:
                values["review"] = values["review"].id


CITATION_COLUMNS = ["answer_id", "evidence_id", "position"]
TRAIL_COLUMNS = [
    "organization_id",
    "sequence",
    "at",
    "actor",
    "assessment_ref",
    "kind",
    "subject",
]
TRAIL_COLUMNS += ["before", "after", "previous_hash", "hash"]


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


class _History:
    """One organization: its people and library, and its assessments one by one."""

    def __init__(self, world: _World, batch: _Batch, number: int) -> None:
        self.world, self.batch, self.number = world, batch, number
        plan = world.plan
        # Demo data, not secrets: a seeded generator is what makes it repeatable.
        self.rng = random.Random(f"{plan.seed}:{number}")  # noqa: S311  # nosec B311
        self.tag = f"{plan.prefix}{number + 1:0{world.width}d}"
        self.clock = START + datetime.timedelta(
            days=self.rng.randint(0, 60), seconds=self.rng.randint(0, 86_399)
        )
        self.changes: list[_Change] = []
        self.library: list[Evidence] = []
        self.members: dict[str, list[Any]] = {}
        # How far the organization has got, per area, and how hard each clause is
        # for it: the same clauses stay open from one assessment to the next.
        self.capability = self.rng.uniform(0.4, 2.4)
        self.growth = self.rng.uniform(0.15, 0.6)
        self.area_bias = {code: self.rng.uniform(-0.4, 0.8) for code in world.areas}
        clauses = [clause.code for clause in world.catalogue.clauses()]
        self.difficulty = {code: self.rng.random() for code in clauses}
        self.not_applicable = {c for c in clauses if self.rng.random() < 0.02}

    def build(self) -> None:
        name = "".join(self.rng.choice(part) for part in (CITIES, FIELDS, KINDS_OF_ORG))
        self.organization = Organization(
            name=f"{name}（{self.tag}）", slug=self.tag, created_at=self.clock
        )
        self.batch.add(self.organization)
        self.batch.trails.append((self.organization, self.changes))
        self._members()
        previous = None
        for place, state in enumerate(self.world.plan.states(self.number)):
            self._add_evidence(self.rng.randint(8, 14) if place == 0 else 3)
            previous = _Life(self, place, state, previous)
            previous.live()
            self.clock = previous.assessment.created_at + self.world.spacing

    def tick(self, low: int = 60, high: int = 1800) -> datetime.datetime:
        self.clock += datetime.timedelta(seconds=self.rng.randint(low, high))
        return self.clock

    def record(self, at, user, assessment, kind, subject, before, after) -> None:
        self.changes.append(
            _Change(at, user.username, assessment, kind, subject, before, after)
        )

    def _members(self) -> None:
        counts = {
            Role.ADMIN: 1,
            Role.ASSESSOR: self.rng.randint(2, 4),
            Role.AUDITOR: self.rng.randint(1, 2),
            Role.EXECUTIVE: 1,
        }
        for role, count in counts.items():
            for n in range(1, count + 1):
                user = get_user_model()(
                    username=f"{self.tag}-{role.value}{n}",
                    password=self.world.password,
                    date_joined=self.clock,
                )
                self.batch.add(user)
                self._join(user, role)
        # In every fifth pair of organizations, the first one's auditor audits the
        # second too: a person may belong to several organizations.
        if self.number % 10 == 0:
            self.batch.shared_auditor = self.members[Role.AUDITOR][0]
        elif self.number % 10 == 1:
            self._join(self.batch.shared_auditor, Role.AUDITOR)

    def _join(self, user: Any, role: Role) -> None:
        self.batch.add(Membership(organization=self.organization, user=user, role=role))
        self.members.setdefault(role, []).append(user)

    def _add_evidence(self, count: int) -> None:
        for _ in range(count):
            n = len(self.library) + 1
            item = Evidence(
                organization=self.organization,
                title=f"{self.rng.choice(DOCUMENTS)}（{self.clock.year}）{n:03d}",
                created_at=self.tick(),
                created_by=self.rng.choice(self.members[Role.ASSESSOR]),
            )
            if n <= 2 and self.number % 50 == 0:
                self._as_file(item)
            elif self.rng.random() < 0.6:
                item.kind = Evidence.Kind.URL
                item.url = f"https://intranet.{self.tag}.example/docs/{n}"
            else:
                item.kind = Evidence.Kind.TEXT
                item.text = (
                    f"制度第{self.rng.randint(1, 40)}条：模型上线前须经风险评审。"
                )
            self.batch.add(item)
            self.library.append(item)
            after = evidence_snapshot(item)
            self.record(
                item.created_at, item.created_by, None, "evidence", item, None, after
            )

    def _as_file(self, item: Evidence) -> None:
        # A few real files, so that downloading evidence can be tried too.
        name = f"evidence/{self.tag}/{self.rng.getrandbits(64):016x}.txt"
        content = f"{item.title}\n模型风险管理证据（示例文件）。\n".encode()
        item.kind = Evidence.Kind.FILE
        item.file_name = f"{item.title}.txt"
        if not default_storage.exists(name):  # seeded before, into this storage
            name = default_storage.save(name, ContentFile(content))
        item.file.name = name

    def answerer(self, area_code: str, assignments: Iterable[tuple[str, Any]]) -> Any:
        named = [user for code, user in assignments if code == area_code]
        return named[0] if named else self.rng.choice(self.members[Role.ASSESSOR])

    def status(self, clause: CatalogueClause, place: int) -> Status:
        """The status the organization's capability gives the clause at this point."""
        if clause.code in self.not_applicable:
            return Status.NOT_APPLICABLE
        capability = self.capability + self.growth * place + self.area_bias[clause.area]
        reach = capability - clause.level + 1
        difficulty = self.difficulty[clause.code]
        if self.rng.random() < 0.003:
            return Status.PARTIAL  # an occasional slip, mended by the next assessment
        if difficulty < reach:
            return Status.MET
        return Status.PARTIAL if difficulty < reach + 0.3 else Status.NOT_MET


class _Life:
    """One assessment from its creation to its state: answers, reviews, transitions."""

    def __init__(
        self, history: _History, place: int, state: State, previous: "_Life | None"
    ) -> None:
        self.history, self.place, self.state = history, place, state
        self.rng = history.rng
        self.answers: dict[str, _AnswerRow] = {}
        self.reviews: dict[str, _ReviewRow] = {}
        self.current = State.DRAFT
        self.admin = history.members[Role.ADMIN][0]
        self.auditor = self.rng.choice(history.members[Role.AUDITOR])
        final = previous is not None and previous.state == State.FINAL
        # Most assessments after a final one start from it, as start_from does.
        self.baseline = previous if final and self.rng.random() < 0.7 else None
        self.assessment = self._create()

    def _create(self) -> Assessment:
        created = self.history.tick()
        assessment = Assessment(
            organization=self.history.organization,
            framework=self.history.world.framework,
            title=f"{created.year} 年第 {self.place + 1} 次自评估",
            period_start=created.date() - datetime.timedelta(days=180),
            period_end=created.date(),
            created_at=created,
            created_by=self.admin,
            state=self.state.value,
        )
        if self.baseline:
            old = self.baseline.assessment
            assessment.based_on = old
            assessment.scope = old.scope
            assessment.exclusion_reasons = old.exclusion_reasons
            assessment.target_level = old.target_level
            self.assignments = self.baseline.assignments
        else:
            self._plan_scope(assessment)
        self.history.batch.add(assessment)
        for code, user in self.assignments:
            self.history.batch.add(
                AreaAssignment(assessment=assessment, area_code=code, assessor=user)
            )
        return assessment

    def _plan_scope(self, assessment: Assessment) -> None:
        areas = self.history.world.areas
        excluded = {}
        candidates = [code for code in EXCLUSIONS if code in areas]
        if candidates and len(areas) > 1 and self.rng.random() < 0.15:
            code = self.rng.choice(candidates)
            excluded = {code: EXCLUSIONS[code]}
        in_scope = [code for code in areas if code not in excluded]
        assessment.scope = in_scope if excluded else None
        assessment.exclusion_reasons = excluded
        assessment.target_level = self.rng.choice([None, 2, 3, 3, 4])
        assessors = self.history.members[Role.ASSESSOR]
        self.assignments = [
            (code, self.rng.choice(assessors))
            for code in in_scope
            if self.rng.random() < 0.75
        ]

    def live(self) -> None:
        self._answer()
        if self._reached(State.SUBMITTED):
            self._move(State.SUBMITTED, self.admin)
        if self._reached(State.IN_REVIEW):
            self._move(State.IN_REVIEW, self.auditor)
            self._review_round()
        self.history.batch.answers += self.answers.values()

    def _reached(self, state: State) -> bool:
        return PROGRESS.index(self.state) >= PROGRESS.index(state)

    def _record(self, at, user, kind, subject, before, after) -> None:
        self.history.record(at, user, self.assessment, kind, subject, before, after)

    def _answer(self) -> None:
        if self.baseline is not None:
            for code, old in self.baseline.answers.items():
                values = (old.status, old.note, old.justification)
                self._save(code, *values, self.admin, list(old.cited))
        draft = self.state == State.DRAFT
        areas = [
            area
            for area in self.history.world.catalogue.assessable_areas()
            if self.assessment.in_scope(area.code)
        ]
        shares = self._draft_shares(len(areas)) if draft else [1.0] * len(areas)
        for area, share in zip(areas, shares, strict=True):
            user = self.history.answerer(area.code, self.assignments)
            askable = [clause for clause in area.clauses if not clause.baseline]
            # Assessors work through an area from its first level up.
            for clause in askable[: int(len(askable) * share)]:
                self._answer_clause(clause, user, draft)

    def _draft_shares(self, count: int) -> list[float]:
        """How far a draft has got per area: some done, some begun, some not yet."""
        shares = [self.rng.choice([1.0, 1.0, 0.5, 0.0]) for _ in range(count)]
        if all(share == 1.0 for share in shares):
            shares[-1] = 0.5
        if not any(shares):
            shares[0] = 0.5
        return shares

    def _answer_clause(self, clause: CatalogueClause, user: Any, draft: bool) -> None:
        status = self.history.status(clause, self.place)
        old = self.answers.get(clause.code)
        if old is not None and old.status == status and self.rng.random() < 0.9:
            return  # unchanged since the baseline
        if draft and old is None and self.rng.random() < 0.03:
            self._save(clause.code, "", "待补充证据。", "", user)
            return
        justification = ""
        if status is Status.NOT_APPLICABLE:
            justification = self.rng.choice(JUSTIFICATIONS)
        note = self.rng.choice(NOTES) if self.rng.random() < 0.5 else ""
        cited = []
        if status in (Status.MET, Status.PARTIAL):
            count = self.rng.choices([0, 1, 2], weights=[2, 6, 2])[0]
            cited = self.rng.sample(self.history.library, count)
        self._save(clause.code, status.value, note, justification, user, cited)

    def _save(self, code, status, note, justification, user, cited=None) -> None:
        answer = self.answers.get(code)
        before = self._snapshot(answer) if answer else None
        if answer is None:
            clause_id = self.history.world.clause_ids[code]
            answer = self.answers[code] = _AnswerRow(self.assessment, clause_id)
        answer.status, answer.note, answer.justification = status, note, justification
        if cited is not None:
            answer.cited = cited
        answer.version += 1
        answer.updated_by = user
        answer.updated_at = self.history.tick()
        after = self._snapshot(answer)
        self._record(answer.updated_at, user, "answer", code, before, after)

    @staticmethod
    def _snapshot(answer: _AnswerRow) -> dict[str, object]:
        # The shape of services.audit.answer_snapshot, with rows for evidence ids.
        return {
            "version": answer.version,
            "status": answer.status,
            "note": answer.note,
            "justification": answer.justification,
            "evidence": list(answer.cited),
        }

    def _move(self, state: State, user: Any, reason: str = "") -> None:
        before = {"state": self.current.value}
        self.current = state
        after = {"state": state.value, "reason": reason}
        self._record(self.history.tick(), user, "state", "assessment", before, after)

    def _review_round(self) -> None:
        answered = [code for code, row in self.answers.items() if row.status]
        if self.state == State.IN_REVIEW:
            # Still in review: the auditor has got through part of the answers.
            answered = answered[: int(len(answered) * self.rng.uniform(0.2, 0.9))]
        refused = [code for code in answered if not self._review(code)]
        if self.state == State.IN_REVIEW:
            return
        if refused or self.state == State.RETURNED:
            self.assessment.return_reason = RETURN_REASON
            self._move(State.RETURNED, self.auditor, RETURN_REASON)
            self._respond(refused)
            if self.state == State.RETURNED:
                return
            self._move(State.SUBMITTED, self.admin)
            self._move(State.IN_REVIEW, self.auditor)
            for code in refused:
                self._review(code, accept=True)
        self._move(State.APPROVED, self.auditor)
        if self.state == State.FINAL:
            self._move(State.FINAL, self.admin)

    def _review(self, code: str, accept: bool = False) -> bool:
        answer = self.answers[code]
        decision = Review.Decision.ACCEPTED.value
        if not accept and self.rng.random() < 0.08:
            decision = self.rng.choice(list(REASONS)).value
        at = self.history.tick(30, 300)
        reason = REASONS.get(decision, "")
        review = _ReviewRow(answer, answer.version, decision, reason, self.auditor, at)
        self.reviews[code] = review
        self.history.batch.reviews.append(review)
        after = {
            "decision": decision,
            "reason": reason,
            "answer_version": answer.version,
        }
        self._record(at, self.auditor, "review", code, None, after)
        return decision == Review.Decision.ACCEPTED

    def _respond(self, refused: list[str]) -> None:
        # Returned for good, the assessors have dealt with about half the decisions;
        # on the way to approval, with all of them.
        for code in refused:
            if self.state == State.RETURNED and self.rng.random() < 0.5:
                continue
            answer, review = self.answers[code], self.reviews[code]
            user = answer.updated_by
            review.response, review.responded_by = RESPONSE, user
            review.responded_at = self.history.tick()
            after = {"review": review, "response": RESPONSE}
            self._record(review.responded_at, user, "response", code, None, after)
            unused = [item for item in self.history.library if item not in answer.cited]
            values = (answer.status, answer.note, answer.justification)
            self._save(code, *values, user, answer.cited + unused[:1])
