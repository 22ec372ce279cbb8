"""The whole review journey in headless Chromium: answer, submit, reject, fix,
resubmit, approve, and an executive downloads the verified report."""

import hashlib

import pytest

from assessments.models import Answer, Assessment, Clause, IssuedReport, Role
from tests.browser_support import BROWSER_MARKS, clause, log_in, wait_saved
from tests.conftest import make_member

pytestmark = BROWSER_MARKS


@pytest.fixture
def people(organization, assessor):
    return {
        "assessor": assessor,
        "auditor": make_member(organization, "auditor-a", Role.AUDITOR),
        "executive": make_member(organization, "executive-a", Role.EXECUTIVE),
    }


@pytest.fixture
def assessment(small_framework, organization, people):
    assessment = Assessment.objects.create(
        organization=organization, framework=small_framework, title="审核流程评估"
    )
    # The second area was answered earlier; the assessor completes the first here.
    for item in Clause.objects.filter(area__code="5.2.3.1"):
        Answer.objects.create(
            assessment=assessment,
            clause=item,
            status="met",
            updated_by=people["assessor"],
        )
    return assessment


def act(page, action: str, reason: str = "") -> None:
    if reason:
        page.fill("#return-reason", reason)
    page.click(f"button[data-action='{action}']")
    page.wait_for_load_state()


def decide(page, code: str, decision: str, reason: str = "") -> None:
    form = clause(page, code).locator("[data-review-form]")
    form.locator(f"input[value='{decision}']").check()
    if reason:
        form.locator("textarea[name=reason]").fill(reason)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_assessor_submits_auditor_rejects_then_approves_executive_downloads(
    open_page, live_server, assessment, people, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    base = f"{live_server.url}/assessments/{assessment.pk}"
    codes = list(
        Clause.objects.filter(area__code="5.2.1").values_list("code", flat=True)
    )
    assessor, auditor, executive = open_page(), open_page(), open_page()
    log_in(assessor, live_server, "assessor-a")
    log_in(auditor, live_server, "auditor-a")
    log_in(executive, live_server, "executive-a")

    assessor.goto(f"{base}/areas/5.2.1/")
    for code in codes:
        assessor.check(f'input[name="{code}-status"][value="met"]')
        wait_saved(assessor, code)
    assessor.goto(f"{base}/")
    act(assessor, "submit")

    auditor.goto(f"{base}/")
    act(auditor, "start_review")
    auditor.goto(f"{base}/areas/5.2.1/")
    decide(auditor, codes[0], "rejected", "制度未经正式发布")
    for code in codes[1:]:
        decide(auditor, code, "accepted")
    auditor.goto(f"{base}/")
    act(auditor, "return", "请补充正式发布的制度")

    assessor.goto(f"{base}/areas/5.2.1/")
    assert "制度未经正式发布" in clause(assessor, codes[0]).inner_text()
    assessor.fill(f'textarea[name="{codes[0]}-note"]', "已补充正式发布文件")
    wait_saved(assessor, codes[0])
    assessor.goto(f"{base}/")
    act(assessor, "submit")

    auditor.goto(f"{base}/")
    act(auditor, "start_review")
    auditor.goto(f"{base}/areas/5.2.1/")
    decide(auditor, codes[0], "accepted")
    auditor.goto(f"{base}/")
    act(auditor, "approve")
    assert Assessment.objects.get(pk=assessment.pk).state == "approved"

    executive.goto(f"{live_server.url}/orgs/{assessment.organization.slug}/dashboard/")
    assert executive.locator("svg").count() >= 1
    executive.goto(f"{base}/results/")
    with executive.expect_download() as download:
        executive.click("text=PDF 报告")
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)

    assert pdf.read_bytes().startswith(b"%PDF")
    issued = IssuedReport.objects.get(assessment=assessment)
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == issued.sha256
