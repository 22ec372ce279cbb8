"""Every POST endpoint refuses a request without a CSRF token, and every form and
autosave sends one."""

import logging
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import resolve, reverse

from assessments.lifecycle import State
from assessments.models import (
    Assessment,
    Role,
)
from tests.conftest import REPO
from tests.isolation_support import (
    AREA,
    CLAUSE,
    CSRF_ROUTES,
    FILLABLE,
    address,
    form_body,
    matrix_route,
    send,
    version_of,
)
from tests.review_support import set_state
from tests.views_support import (
    clause_data,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_pdf_layout")]


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
