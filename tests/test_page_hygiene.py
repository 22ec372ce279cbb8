"""Every page a member can reach is safe under the Content-Security-Policy.

A crawler follows the links of the app from the home page, as each role, and checks
every HTML page: no inline script, no event-handler attributes, no style attributes,
no javascript: links, and no link to a page that fails. A new page is checked as
soon as some page links to it.
"""

from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import reverse

from assessments.lifecycle import State
from tests.review_support import LEVEL_ONE, answer, set_state
from tests.views_support import link_evidence, text_evidence

pytestmark = pytest.mark.usefixtures("fast_passwords", "media")

# Links that leave the HTML pages: files, state changes by GET, the language switch.
NOT_PAGES = ("/accounts/logout/", "/i18n/", "/admin/", "/static/", "/media/")
DOWNLOADS = ("report.pdf", "/clauses.csv", "/clauses.xlsx", "/download/", "/open/")


class PageChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.problems: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler")
            if name == "style":
                self.problems.append(f"<{tag} style={value!r}> inline style")
            if value and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script" and not attributes.get("src"):
            self._in_inline_script = True
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "a" and attributes.get("href"):
            self.links.append(str(attributes["href"]))

    def handle_data(self, data: str) -> None:
        if self._in_inline_script and data.strip():
            self.problems.append(f"inline script: {data.strip()[:60]!r}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_inline_script = False


def crawl(client, start: str, limit: int = 80) -> dict[str, list[str]]:
    """Visit the site's pages reachable from start; problems found, by page."""
    seen, queue, problems = {start}, [start], {}
    while queue and len(seen) <= limit:
        address = queue.pop(0)
        response = client.get(address)
        if response.status_code >= 400:
            problems[address] = [f"answered {response.status_code}"]
            continue
        if not response["Content-Type"].startswith("text/html"):
            continue
        checker = PageChecker()
        checker.feed(response.content.decode())
        if checker.problems:
            problems[address] = checker.problems
        for link in checker.links:
            target, _ = urldefrag(link)
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if parts.path.startswith(NOT_PAGES) or parts.path.endswith(DOWNLOADS):
                continue
            if any(part in parts.path for part in DOWNLOADS):
                continue
            if target not in seen:
                seen.add(target)
                queue.append(target)
    assert len(seen) > 8, f"the crawl found only {sorted(seen)}"
    return problems


@pytest.fixture
def lived_in(team, assessment, organization):
    """An organization in use: evidence, answers, an assessment under review."""
    link_evidence(organization)
    text_evidence(organization)
    for code in LEVEL_ONE:
        answer(assessment, code, team["assessor"], note="已落实")
    set_state(assessment, State.IN_REVIEW)
    return team


@pytest.mark.parametrize("role", ["admin", "assessor", "auditor", "executive"])
def test_no_page_carries_inline_script_or_style(client, lived_in, role):
    client.force_login(lived_in[role])

    problems = crawl(client, reverse("assessments:home"))

    assert problems == {}
