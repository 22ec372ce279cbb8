"""The questionnaire in headless Chromium, driven by Playwright."""

import pytest

from assessments.models import Answer, Assessment, Role
from tests.browser_support import (
    BROWSER_MARKS,
    answer_met,
    clause,
    log_in,
    wait_saved,
)
from tests.conftest import make_member

pytestmark = BROWSER_MARKS


@pytest.fixture
def assessment(small_framework, organization):
    return Assessment.objects.create(
        organization=organization, framework=small_framework, title="浏览器测试评估"
    )


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
