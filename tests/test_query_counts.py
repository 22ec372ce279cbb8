"""Every list and detail page asks the database as often with a little data as with
several times more: more assessments, answers, evidence, citations, reviews,
members, issued reports and audit records."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from assessments.lifecycle import State
from assessments.models import (
    Answer,
    Assessment,
    Citation,
    Clause,
    Framework,
    IssuedReport,
    Membership,
    Organization,
    Review,
    Role,
)
from assessments.services.audit import record_change
from tests.conftest import make_member
from tests.review_support import set_state
from tests.views_support import (
    ROLES,
    count_queries,
    file_evidence,
    link_evidence,
    text_evidence,
    url,
)

pytestmark = pytest.mark.usefixtures("fast_passwords", "media")


@dataclass
class World:
    organization: Organization
    framework: Framework
    team: dict[str, object]
    assessment: Assessment
    earlier: Assessment
    grown: int = 0


@pytest.fixture
def world(small_framework, organization) -> World:
    team = {role: make_member(organization, f"{role}-q", role) for role in ROLES}
    earlier, assessment = (
        Assessment.objects.create(
            organization=organization,
            framework=small_framework,
            title=title,
            state=state,
            target_level=3,
        )
        for title, state in (("2023 年", State.FINAL), ("2024 年", State.DRAFT))
    )
    return World(organization, small_framework, team, assessment, earlier)


def grow(world: World, times: int) -> None:
    """Add times more of every kind of row that the pages show or count."""
    for _ in range(times):
        world.grown += 1
        n = world.grown
        _add_people(world, n)
        library = [
            file_evidence(world.organization, f"制度{n}.pdf"),
            link_evidence(world.organization, f"链接 {n}"),
            text_evidence(world.organization, f"摘录 {n}"),
        ]
        Assessment.objects.create(
            organization=world.organization,
            framework=world.framework,
            title=f"评估 {n}",
            state=State.FINAL,
        )
        for assessment in (world.assessment, world.earlier):
            _add_answers(world, assessment, library)
        IssuedReport.objects.create(
            assessment=world.assessment,
            language=f"zh{n}",
            pdf=f"issued-reports/{n}.pdf",
            sha256=f"{n:064x}",
            fingerprint="f" * 64,
            issued_by=world.team[Role.ADMIN],
        )


def _add_people(world: World, n: int) -> None:
    make_member(world.organization, f"member-{n}", ROLES[n % len(ROLES)])
    # Another organization the whole team belongs to, for the home page.
    other = Organization.objects.create(name=f"丙机构 {n}", slug=f"org-q{n}")
    Membership.objects.bulk_create(
        Membership(organization=other, user=user, role=Role.EXECUTIVE)
        for user in world.team.values()
    )


def _add_answers(world: World, assessment: Assessment, library: list) -> None:
    """One more answer per area, citing the new items; one more review on each."""
    answered = assessment.answers.values_list("clause", flat=True)
    clauses = Clause.objects.filter(framework=world.framework, baseline=False)
    for area in ("5.2.1", "5.2.3.1"):
        clause = (
            clauses.filter(area__code=area)
            .exclude(pk__in=answered)
            .order_by("position")
            .first()
        )
        answer = Answer.objects.create(
            assessment=assessment,
            clause=clause,
            status="met",
            note="见制度",
            updated_by=world.team[Role.ASSESSOR],
        )
        Citation.objects.bulk_create(
            Citation(answer=answer, evidence=item, position=p)
            for p, item in enumerate(library)
        )
        record_change(
            world.organization.pk,
            "assessor-q",
            "answer",
            clause.code,
            None,
            {"status": "met"},
            assessment.pk,
        )
    for answer in assessment.answers.all():
        Review.objects.create(
            answer=answer,
            answer_version=answer.version,
            decision=Review.Decision.MORE_EVIDENCE,
            reason="请补充",
            reviewer=world.team[Role.AUDITOR],
            response="已补充",
            responded_by=world.team[Role.ASSESSOR],
        )


@dataclass(frozen=True)
class Page:
    name: str
    address: Callable[[World], str]
    role: str
    state: State = State.DRAFT

    def __str__(self) -> str:
        return self.name


PAGES = [
    Page("home", lambda w: url("home"), Role.EXECUTIVE),
    Page("organization", lambda w: url("organization", w.organization.slug), "admin"),
    Page("library", lambda w: url("library", w.organization.slug), Role.ASSESSOR),
    Page("dashboard", lambda w: url("dashboard", w.organization.slug), "executive"),
    Page(
        "compare",
        lambda w: (
            url("compare", w.organization.slug)
            + f"?a={w.earlier.pk}&b={w.assessment.pk}"
        ),
        Role.EXECUTIVE,
    ),
    Page(
        "new assessment", lambda w: url("assessment-new", w.organization.slug), "admin"
    ),
    Page("overview", lambda w: url("assessment", w.assessment.pk), Role.ADMIN),
    Page("area answered", lambda w: url("area", w.assessment.pk, "5.2.1"), "assessor"),
    Page(
        "area read only",
        lambda w: url("area", w.assessment.pk, "5.2.1"),
        Role.EXECUTIVE,
        State.FINAL,
    ),
    Page(
        "area in review",
        lambda w: url("area", w.assessment.pk, "5.2.1"),
        Role.AUDITOR,
        State.IN_REVIEW,
    ),
    Page(
        "area returned",
        lambda w: url("area", w.assessment.pk, "5.2.3.1"),
        Role.ASSESSOR,
        State.RETURNED,
    ),
    Page("results", lambda w: url("results", w.assessment.pk), Role.EXECUTIVE),
    Page(
        "results what-if",
        lambda w: url("results", w.assessment.pk) + "?assume=5.2.1.2.b",
        Role.EXECUTIVE,
        State.APPROVED,
    ),
    Page("report check", lambda w: url("report-check", w.assessment.pk), "auditor"),
    Page("trail", lambda w: url("trail", w.assessment.pk), Role.AUDITOR),
    Page(
        "trail of a clause",
        lambda w: url("trail", w.assessment.pk) + "?clause=5.2.1.1.a",
        Role.AUDITOR,
    ),
    Page("csv export", lambda w: url("export", w.assessment.pk, "csv"), "auditor"),
    Page("xlsx export", lambda w: url("export", w.assessment.pk, "xlsx"), "auditor"),
    Page("framework", lambda w: url("framework", w.framework.pk), Role.EXECUTIVE),
    Page(
        "framework area",
        lambda w: url("framework-area", w.framework.pk, "5.2.1"),
        Role.EXECUTIVE,
    ),
]


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_page_queries_do_not_grow_with_the_data(client, world, page):
    set_state(world.assessment, page.state)
    client.force_login(world.team[page.role])
    address = page.address(world)
    grow(world, 1)
    client.get(address)  # the session and the catalogue cache, read once
    little = count_queries(client, address)

    grow(world, 4)
    more = count_queries(client, address)

    assert world.assessment.answers.count() == 10
    assert more == little
