"""The simulated histories of seeded organizations: what data a seed makes.

Each organization gets members of every role, an evidence library, and a history of
assessments in every state, with answers, citations, review decisions and an audit
trail. Everything about an organization comes from its own random generator, seeded
from the seed and the organization's number, so the same seed gives the same data
whatever else the database holds. The trail is made as save_answer and record_change
would have made it. Nothing here writes to the database; a few evidence files go to
storage.
"""

import datetime
import random
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from assessments.catalogue import Clause as CatalogueClause
from assessments.lifecycle import State
from assessments.models import (
    AreaAssignment,
    Assessment,
    Evidence,
    Membership,
    Organization,
    Review,
    Role,
)
from assessments.scoring import Status
from assessments.services.audit import evidence_snapshot
from assessments.services.seeding.shared import (
    PROGRESS,
    START,
    _AnswerRow,
    _Change,
    _ReviewRow,
    _World,
)

if TYPE_CHECKING:
    from assessments.services.seeding.writing import _Batch

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


class _History:
    """One organization: its people and library, and its assessments one by one."""

    def __init__(self, world: _World, batch: "_Batch", number: int) -> None:
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
