"""The questionnaire in headless Chromium, driven by Playwright.

Uses Debian's Chromium (/usr/bin/chromium); Playwright's own browser download is
never used. A failing test leaves a screenshot in test-artifacts/.
"""

import os
import shutil

import pytest

from assessments.models import Answer, Assessment, Role
from tests.conftest import REPO, make_member

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"no Chromium at {CHROMIUM}"),
]


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop in this thread; the live server's
    # database calls from the test body are safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, request):
    contexts = []

    def new_page():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        return context.new_page()

    yield new_page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for number, context in enumerate(contexts):
            for page in context.pages:
                page.screenshot(path=ARTIFACTS / f"{request.node.name}-{number}.png")
    for context in contexts:
        context.close()


@pytest.fixture
def assessment(small_framework, organization):
    return Assessment.objects.create(
        organization=organization, framework=small_framework, title="浏览器测试评估"
    )


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


def test_assessor_answers_two_areas_uploads_a_file_and_finds_it_all_kept(
    open_page, live_server, assessment, assessor, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    page = open_page()
    log_in(page, live_server, "assessor-a")
    area_url = f"{live_server.url}/assessments/{assessment.pk}/areas/"

    page.goto(area_url + "5.2.1/")
    level = page.locator("p[data-area-summary='5.2.1'] [data-level-label]")
    assert "未达到第一级" in level.inner_text()
    answer_met(page, "5.2.1.1.a")
    answer_met(page, "5.2.1.1.b")
    page.fill('textarea[name="5.2.1.2.b-note"]', "制度草案已提交审批")
    wait_saved(page, "5.2.1.2.b")
    evidence = clause(page, "5.2.1.1.a")
    evidence.locator("summary").click()
    evidence.locator('input[name="5.2.1.1.a-upload_title"]').fill("风险管理制度")
    evidence.locator('input[name="5.2.1.1.a-upload_file"]').set_input_files(
        {"name": "policy.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 x"}
    )
    wait_saved(page, "5.2.1.1.a")
    assert "第一级" in level.inner_text()
    page.goto(area_url + "5.2.3.1/")
    answer_met(page, "5.2.3.1.1.a")

    page.goto(area_url + "5.2.1/")

    assert page.is_checked('input[name="5.2.1.1.a-status"][value="met"]')
    assert page.is_checked('input[name="5.2.1.1.b-status"][value="met"]')
    note = page.input_value('textarea[name="5.2.1.2.b-note"]')
    assert note == "制度草案已提交审批"
    assert "风险管理制度" in clause(page, "5.2.1.1.a").inner_text()
    assert "第一级（级1）" in level.inner_text()
    assert Answer.objects.filter(assessment=assessment).count() == 4


def test_second_assessor_saving_first_shows_the_first_a_conflict(
    open_page, live_server, assessment, assessor, organization
):
    make_member(organization, "assessor-b", Role.ASSESSOR)
    first, second = open_page(), open_page()
    log_in(first, live_server, "assessor-a")
    log_in(second, live_server, "assessor-b")
    url = f"{live_server.url}/assessments/{assessment.pk}/areas/5.2.1/"
    first.goto(url)
    second.goto(url)

    second.fill('textarea[name="5.2.1.1.a-note"]', "乙的说明")
    wait_saved(second, "5.2.1.1.a")
    first.fill('textarea[name="5.2.1.1.a-note"]', "甲的说明")

    warning = clause(first, "5.2.1.1.a").locator("[data-conflict]")
    warning.wait_for(timeout=10_000)
    assert "乙的说明" in warning.inner_text()
    assert first.input_value('textarea[name="5.2.1.1.a-note"]') == "甲的说明"
    assert Answer.objects.get(clause__code="5.2.1.1.a").note == "乙的说明"

    warning.locator("button[name=overwrite]").click()
    wait_saved(first, "5.2.1.1.a")
    assert Answer.objects.get(clause__code="5.2.1.1.a").note == "甲的说明"
