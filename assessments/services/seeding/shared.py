"""What the simulation and the writer of a seed share.

The plan and its limits, what every organization's history reads once (the
catalogue, the clause ids, the hashed password), and the light rows the histories
fill in and the writer stores.
"""

import datetime
import math
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password

from assessments.catalogue import Catalogue
from assessments.lifecycle import State
from assessments.models import Assessment, Clause, Evidence, Framework
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
