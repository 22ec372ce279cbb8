"""The two organizations and the URL walk shared by the isolation and CSRF tests.

Loaded for every test module through tests/conftest.py; the world fixture is built
only by the modules that ask for it.
"""

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import override_settings
from django.urls import URLResolver, get_resolver, reverse

from assessments.lifecycle import Action, State
from assessments.models import (
    Answer,
    AreaAssignment,
    Assessment,
    AuditHead,
    AuditRecord,
    Citation,
    Evidence,
    IssuedReport,
    Membership,
    Organization,
    Review,
    Role,
)
from assessments.reports import pdf
from assessments.scoring import Status
from assessments.services.frameworks import load_framework
from assessments.services.lifecycle import change_state, review_answer
from tests.conftest import make_member, write_framework
from tests.review_support import access_of, answer, set_state
from tests.views_support import (
    clause_data,
    file_evidence,
    finish,
    link_evidence,
    text_evidence,
)

AREA = "5.2.1"
CLAUSE = "5.2.1.1.a"
OUTSIDER = "outsider"
WHO = [*Role, OUTSIDER]
METHODS = ["get", "post"]
# A refusal that tells nothing. 405 comes only from views that take POST alone, and
# the comparison with a missing object checks it does not depend on the object.
REFUSED = {"get": {403, 404, 405}, "post": {403, 404}}


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    kwargs: tuple[str, ...]

    def __str__(self) -> str:
        return self.name or self.route


def _skipped(resolver: URLResolver) -> bool:
    # The admin is for staff, who see every organization by design, and Django tests
    # it. i18n/ is Django's set_language: it names no object and stores only the
    # visitor's language; its CSRF check is below.
    module = getattr(resolver.urlconf_module, "__name__", "")
    return resolver.app_name == "admin" or module == "django.conf.urls.i18n"


def walk(
    resolver: URLResolver,
    prefix: str = "",
    namespace: str = "",
    kwargs: tuple[str, ...] = (),
) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        names = (*kwargs, *entry.pattern.regex.groupindex)
        if not isinstance(entry, URLResolver):
            yield Route(f"{namespace}{entry.name}" if entry.name else "", route, names)
        elif not _skipped(entry):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, route, inner, names)


@dataclass
class Owned:
    """An organization with one of everything it can own."""

    organization: Organization
    members: dict[str, object]
    assessment: Assessment
    evidence: dict[str, Evidence]
    review: Review
    membership: Membership
    issued_pdf: bytes


# The object behind each URL kwarg: B's in the matrix, A's for the positive control.
# A new pattern whose kwargs are all named here joins the matrix with no edit.
FILL: dict[str, Callable[[Owned], object]] = {
    "slug": lambda owned: owned.organization.slug,
    "assessment_id": lambda owned: owned.assessment.pk,
    "evidence_id": lambda owned: owned.evidence[Evidence.Kind.FILE].pk,
    "membership_id": lambda owned: owned.membership.pk,
    "review_id": lambda owned: owned.review.pk,
    # Parts of the standard and export formats, owned by nobody: valid ones, put
    # next to the organization's ids.
    "clause_code": lambda owned: CLAUSE,
    "area_code": lambda owned: AREA,
    "kind": lambda owned: "csv",
    "framework_id": lambda owned: owned.assessment.framework_id,
}
# The standard's catalogue is reference data every organization reads: shared, not
# isolated, though still only for users who have logged in.
SHARED_KWARGS = {"framework_id"}

ROUTES = list(walk(get_resolver()))
OBJECT_ROUTES = [route for route in ROUTES if route.kwargs]
SHARED = [route for route in OBJECT_ROUTES if SHARED_KWARGS & set(route.kwargs)]
# Patterns this file can fill; test_every_url_kwarg_has_a_value_to_fill_it names
# the others.
FILLABLE = [r for r in ROUTES if r.name and set(r.kwargs) <= FILL.keys()]
MATRIX = [route for route in FILLABLE if route.kwargs and route not in SHARED]
CSRF_ROUTES = [*FILLABLE, Route("set_language", "i18n/setlang/", ())]


@dataclass
class World:
    a: Owned
    b: Owned
    # Ids no row has: what a missing object answers.
    nowhere: Owned
    outsider: object
    state_of_b: Callable[[], dict[str, list]]
    b_before: dict[str, list]

    def user(self, who: str) -> object:
        return self.outsider if who == OUTSIDER else self.a.members[who]


def build_owned(framework, slug: str, name: str) -> Owned:
    organization = Organization.objects.create(name=name, slug=slug)
    members = {role: make_member(organization, f"{role}-{slug}", role) for role in Role}
    assessor, auditor = members[Role.ASSESSOR], members[Role.AUDITOR]
    assessment = Assessment.objects.create(
        organization=organization, framework=framework, title=f"{name} 2024 自评估"
    )
    AreaAssignment.objects.create(
        assessment=assessment, area_code=AREA, assessor=assessor
    )
    evidence = {
        item.kind: item
        for item in (
            file_evidence(organization),
            link_evidence(organization),
            text_evidence(organization),
        )
    }
    cited = tuple(item.pk for item in evidence.values())
    answer(assessment, CLAUSE, assessor, Status.MET, note="见制度", evidence_ids=cited)
    answer(assessment, "5.2.1.1.b", assessor, Status.PARTIAL)
    # Reviewed, then returned: answers, responses and submitting can all change it.
    set_state(assessment, State.IN_REVIEW)
    access = access_of(auditor, organization)
    saved = assessment.answers.get(clause__code=CLAUSE)
    review = review_answer(saved, "rejected", "请补充评审记录", auditor, access)
    change_state(assessment, Action.RETURN, auditor, access, "请补充证据")
    # Issued at an earlier approval: check_copy and report have something to find.
    issued_pdf = b"%PDF-1.7 issued for " + slug.encode()
    IssuedReport.objects.create(
        assessment=assessment,
        language="zh",
        pdf=ContentFile(issued_pdf, name="issued.pdf"),
        sha256=hashlib.sha256(issued_pdf).hexdigest(),
        fingerprint="0" * 64,
    )
    assessment.refresh_from_db()
    executive = Membership.objects.get(user=members[Role.EXECUTIVE])
    return Owned(
        organization, members, assessment, evidence, review, executive, issued_pdf
    )


def nowhere(framework) -> Owned:
    absent = 2**31 - 1
    return Owned(
        organization=Organization(slug="no-such-organization"),
        members={},
        assessment=Assessment(pk=absent, framework=framework),
        evidence={Evidence.Kind.FILE: Evidence(pk=absent)},
        review=Review(pk=absent),
        membership=Membership(pk=absent),
        issued_pdf=b"",
    )


def state_reader(owned: Owned) -> Callable[[], dict[str, list]]:
    """Read which rows every table has, and every value of owned's rows.

    The SQL is compiled once: the matrix reads the state after each of its hundreds
    of requests, and compiling the queries each time would take most of its time.
    """
    organization = owned.organization
    User = get_user_model()
    counted = (Organization, Membership, Assessment, AreaAssignment, Answer, Citation)
    counted += (Evidence, Review, AuditRecord, AuditHead, IssuedReport, User)
    of_assessments = {"assessment__organization": organization}
    of_answers = {"answer__assessment__organization": organization}
    tables = {
        "organization": Organization.objects.filter(pk=organization.pk),
        "members": organization.memberships.all(),
        "users": User.objects.filter(memberships__organization=organization),
        "assessments": organization.assessments.all(),
        "assignments": AreaAssignment.objects.filter(**of_assessments),
        "answers": Answer.objects.filter(**of_assessments),
        "citations": Citation.objects.filter(**of_answers),
        "evidence": organization.evidence.all(),
        "reviews": Review.objects.filter(**of_answers),
        "issued": IssuedReport.objects.filter(**of_assessments),
        "trail": organization.audit_records.all(),
        "head": AuditHead.objects.filter(organization=organization),
    }
    statements = {
        name: rows.order_by("pk").values_list().query.sql_with_params()
        for name, rows in tables.items()
    }
    statements |= {
        model.__name__: model.objects.values_list("pk").query.sql_with_params()
        for model in counted
    }

    def read() -> dict[str, list]:
        with connection.cursor() as cursor:
            state = {}
            for name, (sql, params) in statements.items():
                cursor.execute(sql, params)
                state[name] = sorted(cursor.fetchall())
            return state

    return read


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """A and B, built once inside a transaction rolled back when the module ends;
    each test runs in a savepoint of it."""
    folder = tmp_path_factory.mktemp("isolation")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        override_settings(MEDIA_ROOT=folder / "media", PASSWORD_HASHERS=fast),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        framework = load_framework(write_framework(folder / "framework")).framework
        a = build_owned(framework, "org-a", "甲机构")
        b = build_owned(framework, "org-b", "乙机构")
        outsider = get_user_model().objects.create_user(OUTSIDER, password="pw")
        state_of_b = state_reader(b)
        yield World(a, b, nowhere(framework), outsider, state_of_b, state_of_b())
        transaction.set_rollback(True)


@pytest.fixture
def no_pdf_layout(monkeypatch):
    # Laying out a PDF takes seconds; here only whether a URL answers matters.
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: b"%PDF-1.7 not laid out")


def address(route: Route, owned: Owned) -> str:
    return reverse(
        route.name, kwargs={name: FILL[name](owned) for name in route.kwargs}
    )


def version_of(owned: Owned) -> int:
    answers = Answer.objects.filter(assessment_id=owned.assessment.pk)
    stored = answers.filter(clause__code=CLAUSE).first()
    return stored.version if stored else 0


def form_body(owned: Owned) -> dict:
    """Fields for every POST endpoint at once: a request let through would write."""
    return {
        **clause_data(CLAUSE, version_of(owned), status="not_met", note="越权"),
        "action": Action.SUBMIT.value,
        "decision": "accepted",
        "reason": "越权",
        "response": "越权",
        "title": "越权",
        "kind": Evidence.Kind.URL.value,
        "url": "https://intruder.example/",
        "username": "intruder",
        "role": Role.AUDITOR.value,
        "password": "Pw-2024-x!",
        "copy": SimpleUploadedFile("copy.pdf", owned.issued_pdf, "application/pdf"),
    }


def matrix_route(name: str) -> Route:
    return next(route for route in MATRIX if route.name == f"assessments:{name}")


def send(client, method: str, route: Route, owned: Owned):
    return send_to(client, method, address(route, owned), owned)


def send_to(client, method: str, target: str, owned: Owned):
    """GET target, or POST it the form body aimed at owned's objects."""
    if method == "get":
        response = client.get(target)
    else:
        response = client.post(target, form_body(owned))
    finish(response)
    return response
