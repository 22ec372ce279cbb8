"""Isolation between organizations, generated from the URL configuration.

Every URL that names an object is requested by each kind of member of organization A,
and by a user of no organization, with B's objects in it: the answer must be the one
a missing object gets, a refusal, and nothing anywhere may change. The same URLs with
A's own objects must answer, so the refusals come from isolation, not broken URLs.
Every POST endpoint refuses a request without a CSRF token.
"""

import hashlib
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, resolve, reverse

from assessments import urls as app_urls
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
from tests.conftest import REPO, make_member, write_framework
from tests.review_support import access_of, answer, set_state
from tests.views_support import (
    assert_sent_to_log_in,
    clause_data,
    file_evidence,
    finish,
    link_evidence,
    text_evidence,
)

pytestmark = pytest.mark.django_db

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


@pytest.fixture(autouse=True)
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


def test_every_url_kwarg_has_a_value_to_fill_it():
    problems = [
        f"pattern {route.route} has no name to reverse it by"
        for route in OBJECT_ROUTES
        if not route.name
    ]
    problems += [
        f"pattern {route} ({route.route}) needs a value for <{kwarg}> in FILL"
        for route in OBJECT_ROUTES
        for kwarg in route.kwargs
        if kwarg not in FILL
    ]

    assert not problems, "\n".join(problems)


def test_matrix_covers_every_object_pattern_of_the_app():
    app_patterns = {
        f"{app_urls.app_name}:{pattern.name}"
        for pattern in app_urls.urlpatterns
        if pattern.pattern.regex.groupindex
    }
    size = len(MATRIX) * len(WHO) * len(METHODS)
    print(f"isolation matrix: {len(MATRIX)} patterns x {len(WHO)} users x 2 = {size}")

    assert MATRIX
    assert app_patterns == {route.name for route in MATRIX + SHARED}


def test_every_matrix_url_names_an_object_of_an_organization(world):
    # Otherwise the URL is the same for A and B, and the matrix proves nothing.
    unowned = [
        route
        for route in MATRIX
        if all(FILL[name](world.a) == FILL[name](world.b) for name in route.kwargs)
    ]

    assert not unowned, f"{unowned}: shared like the catalogue, or FILL is wrong"


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("who", WHO, ids=str)
@pytest.mark.parametrize("route", MATRIX, ids=str)
def test_user_of_a_cannot_reach_objects_of_b(client, world, route, who, method):
    client.force_login(world.user(who))

    response = send(client, method, route, world.b)
    missing = send(client, method, route, world.nowhere)

    status = response.status_code
    assert status in REFUSED[method], f"{method} {address(route, world.b)}: {status}"
    assert status == missing.status_code, "B's object answers unlike a missing one"
    assert world.state_of_b() == world.b_before


def test_admin_of_a_cannot_pair_objects_of_a_with_objects_of_b(client, world):
    client.force_login(world.a.members[Role.ADMIN])
    state_of_a = state_reader(world.a)
    a_before = state_of_a()
    mixed = []
    for route in MATRIX:
        owned = [n for n in route.kwargs if FILL[n](world.a) != FILL[n](world.b)]
        for name in owned if len(owned) > 1 else ():
            kwargs = {
                n: FILL[n](world.b if n == name else world.a) for n in route.kwargs
            }
            mixed.append(reverse(route.name, kwargs=kwargs))

    answers = {
        (method, target): send_to(client, method, target, world.b).status_code
        for target in mixed
        for method in METHODS
    }

    assert mixed, "no URL names two objects of an organization: drop this test"
    refused = {key: status in REFUSED[key[0]] for key, status in answers.items()}
    assert all(refused.values()), answers
    assert world.state_of_b() == world.b_before
    assert state_of_a() == a_before


@pytest.mark.parametrize("route", MATRIX, ids=str)
def test_members_of_a_reach_objects_of_a(client, world, route):
    for role in Role:
        client.force_login(world.a.members[role])

        response = send(client, "get", route, world.a)

        assert response.status_code != 404, f"{role} {address(route, world.a)}"


@pytest.mark.parametrize("route", MATRIX, ids=str)
def test_admin_of_a_posts_to_objects_of_a(client, world, route):
    client.force_login(world.a.members[Role.ADMIN])

    response = send(client, "post", route, world.a)

    assert response.status_code not in (403, 404), address(route, world.a)


@pytest.mark.parametrize("route", [r for r in FILLABLE if r.kwargs], ids=str)
def test_visitor_not_logged_in_is_sent_to_log_in(client, world, route):
    target = address(route, world.b)

    for response in (client.get(target), client.post(target, form_body(world.b))):
        assert_sent_to_log_in(response)


@pytest.mark.parametrize("route", SHARED, ids=str)
def test_catalogue_is_shared_with_every_user(client, world, route):
    client.force_login(world.outsider)

    response = client.get(address(route, world.b))

    assert response.status_code == 200


def test_answer_of_a_cannot_cite_evidence_of_b(client, world):
    client.force_login(world.a.members[Role.ASSESSOR])
    theirs = world.b.evidence[Evidence.Kind.TEXT].pk
    body = clause_data(CLAUSE, version_of(world.a), status="met", evidence=[theirs])

    response = client.post(address(matrix_route("clause-save"), world.a), body)

    assert response.status_code == 400
    assert not Citation.objects.filter(evidence_id=theirs).exclude(
        answer__assessment__organization=world.b.organization
    )


def test_comparison_ignores_assessments_of_b(client, world):
    client.force_login(world.a.members[Role.ADMIN])
    theirs = world.b.assessment.pk

    response = client.get(
        address(matrix_route("compare"), world.a), {"a": theirs, "b": theirs}
    )

    assert response.status_code == 200
    assert world.b.assessment.title not in response.content.decode()


@pytest.mark.parametrize("logged_in", [False, True], ids=["visitor", "admin-of-a"])
@pytest.mark.parametrize("route", CSRF_ROUTES, ids=str)
def test_post_without_csrf_token_is_refused(world, route, logged_in, caplog):
    client = Client(enforce_csrf_checks=True)
    if logged_in:
        client.force_login(world.a.members[Role.ADMIN])
    # The cookie half of the token, as a browser would hold it from any page.
    client.get(reverse("login"))

    with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
        response = client.post(address(route, world.a), form_body(world.a))

    assert response.status_code == 403
    assert [r for r in caplog.records if r.name == "django.security.csrf"]


class FormParser(HTMLParser):
    """Each form's attributes and the CSRF token fields inside it."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.open: dict | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.open = {"attrs": attributes, "tokens": []}
            self.forms.append(self.open)
        elif self.open and attributes.get("name") == "csrfmiddlewaretoken":
            self.open["tokens"].append(attributes.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.open = None


def post_forms(html: str) -> list[dict]:
    parser = FormParser()
    parser.feed(html)
    return [f for f in parser.forms if f["attrs"].get("method", "").lower() == "post"]


def clause_forms(html: str) -> list[dict]:
    """The forms questionnaire.js posts."""
    return [form for form in post_forms(html) if "data-clause-form" in form["attrs"]]


def tokened(form: dict) -> bool:
    return bool(form["tokens"]) and all(form["tokens"])


def pages_of_a(client, world) -> tuple[dict[str, str], set[str]]:
    """Every page A's members see, by address, and the routes that take POST alone."""
    pages, post_only = {}, set()
    assessment = world.a.assessment
    client.force_login(world.a.members[Role.ADMIN])
    for route in FILLABLE:
        response = send(client, "get", route, world.a)
        if response.status_code == 405:
            post_only.add(route.name)
        elif "text/html" in response.get("Content-Type", ""):
            pages[address(route, world.a)] = response.content.decode()
    # Forms that only some states and roles see.
    set_state(Assessment.objects.get(pk=assessment.pk), State.FINAL)
    overview = reverse("assessments:assessment", args=[assessment.pk])
    pages[overview + "#final"] = client.get(overview).content.decode()
    set_state(Assessment.objects.get(pk=assessment.pk), State.IN_REVIEW)
    client.force_login(world.a.members[Role.AUDITOR])
    area = reverse("assessments:area", args=[assessment.pk, AREA])
    pages[area + "#in-review"] = client.get(area).content.decode()
    client.logout()
    pages[reverse("login")] = client.get(reverse("login")).content.decode()
    return pages, post_only


def test_every_post_form_carries_a_csrf_token(client, world):
    pages, post_only = pages_of_a(client, world)

    forms = [(page, form) for page, html in pages.items() for form in post_forms(html)]

    untokened = [
        f"{page}: {form['attrs']}" for page, form in forms if not tokened(form)
    ]
    posted_to = {
        resolve(urlsplit(form["attrs"].get("action") or page).path).view_name
        for page, form in forms
    }
    assert forms
    assert not untokened, "\n".join(untokened)
    assert post_only <= posted_to, f"no form reaches {post_only - posted_to}"


def sends_token(options: str, source: str) -> bool:
    """A fetch's options send the token as a header, or post a form's fields, which
    include its csrfmiddlewaretoken."""
    if re.search(r"[\"']X-CSRFToken[\"']\s*:", options, re.IGNORECASE):
        return True
    body = re.search(r"\bbody:\s*(\w+)", options)
    built = body and re.search(rf"\b{body[1]}\s*=[^;]*new FormData\(form\b", source)
    return bool(built)


def test_questionnaire_script_sends_the_csrf_token_with_each_save(client, world):
    source = (REPO / "static" / "js" / "questionnaire.js").read_text(encoding="utf-8")
    calls = re.findall(r"fetch\(\s*[^,]+,\s*(\{.*?\})\s*\)", source, re.DOTALL)
    saves = [c for c in calls if re.search(r"method:\s*[\"']POST", c, re.IGNORECASE)]
    client.force_login(world.a.members[Role.ADMIN])
    area = client.get(reverse("assessments:area", args=[world.a.assessment.pk, AREA]))
    posted = clause_forms(area.content.decode())

    assert saves, "the script no longer saves with fetch: check how it does"
    assert all(sends_token(options, source) for options in saves), saves
    assert "[data-clause-form]" in source
    assert posted
    assert all(tokened(form) for form in posted)


@pytest.mark.parametrize("carrier", ["X-CSRFToken header", "form field"])
def test_clause_save_takes_the_csrf_token_as_the_script_sends_it(world, carrier):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.a.members[Role.ADMIN])
    area = client.get(reverse("assessments:area", args=[world.a.assessment.pk, AREA]))
    token = clause_forms(area.content.decode())[0]["tokens"][0]
    target = address(matrix_route("clause-save"), world.a)
    version = version_of(world.a)
    body = clause_data(CLAUSE, version, status="met", note="已补充")
    as_json = {"Accept": "application/json"}

    refused = client.post(target, body, headers=as_json)
    if carrier == "form field":
        saved = client.post(
            target, body | {"csrfmiddlewaretoken": token}, headers=as_json
        )
    else:
        saved = client.post(target, body, headers=as_json | {"X-CSRFToken": token})

    assert refused.status_code == 403
    assert saved.status_code == 200
    assert saved.json()["version"] == version + 1
