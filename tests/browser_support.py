"""Helpers for the browser tests, which drive Debian's Chromium through Playwright.

Playwright's own browser download is never used. A failing test leaves a screenshot
of every page it opened in test-artifacts/ (see the open_page fixture).
"""

import shutil

import pytest

from tests.conftest import CHROMIUM

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"no Chromium at {CHROMIUM}"),
]


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def clause(page, code: str):
    return page.locator(f'[data-clause="{code}"]')


def answer_met(page, code: str) -> None:
    page.check(f'input[name="{code}-status"][value="met"]')
    wait_saved(page, code)


def wait_saved(page, code: str) -> None:
    state = clause(page, code).locator("[data-save-state]")
    state.filter(has_text="✓").wait_for(timeout=10_000)
