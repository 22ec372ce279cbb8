"""Reports issued for verified assessments: rendered once, stored, served again
byte for byte, and checkable against a copy.

Laying out a PDF takes seconds, so most tests swap WeasyPrint for a fake that makes
different bytes on every call: a second download with the same bytes was served from
storage, not rendered again. Three tests lay out real PDFs.
"""

import hashlib
import io
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from assessments.lifecycle import LifecycleError, State
from assessments.models import Assessment, IssuedReport, Role
from assessments.reports import pdf
from assessments.scoring import Status
from assessments.services import issuing
from assessments.services.issuing import fingerprint, issued_report
from assessments.services.lifecycle import review_answer
from tests.review_support import LEVEL_ONE, access_of, answer, set_state
from tests.views_support import finish, url

pytestmark = pytest.mark.usefixtures("fast_passwords", "media_in_tmp")


@pytest.fixture
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def fake_pdf(monkeypatch):
    """Lay nothing out: keep each HTML and answer with new bytes every time."""
    pages: list[str] = []
    counter = itertools.count(1)

    def html_to_pdf(html: str) -> bytes:
        pages.append(html)
        return b"%PDF-1.7 fake " + str(next(counter)).encode()

    monkeypatch.setattr(pdf, "html_to_pdf", html_to_pdf)
    monkeypatch.setattr(issuing, "html_to_pdf", html_to_pdf)
    return pages


def reviewed(assessment, team):
    """Level one answered; the auditor accepted all but the last answer."""
    for code in LEVEL_ONE:
        answer(assessment, code, team[Role.ASSESSOR], Status.MET, note="见制度")
    set_state(assessment, State.IN_REVIEW)
    auditor = team[Role.AUDITOR]
    access = access_of(auditor, assessment.organization)
    for code in LEVEL_ONE[:-1]:
        saved = assessment.answers.get(clause__code=code)
        review_answer(saved, "accepted", "", auditor, access)
    return assessment


@pytest.fixture
def approved(assessment, team):
    return set_state(reviewed(assessment, team), State.APPROVED)


def download(client, assessment, language: str = "zh"):
    response = client.get(url("report", assessment.pk), {"lang": language})
    assert response.status_code == 200
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    finish(response)
    return response, body


def pdf_text(body: bytes) -> str:
    reader = PdfReader(io.BytesIO(body))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


# Issuing once.


def test_first_download_of_an_approved_report_issues_it(
    client, approved, team, fake_pdf, media_in_tmp
):
    client.force_login(team[Role.EXECUTIVE])

    response, body = download(client, approved)

    issued = IssuedReport.objects.get()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="cmmrm-report-{approved.pk}-zh.pdf"'
    )
    assert issued.sha256 == hashlib.sha256(body).hexdigest()
    assert (issued.assessment, issued.language) == (approved, "zh")
    assert issued.issued_by == team[Role.EXECUTIVE]
    assert (media_in_tmp / issued.pdf.name).read_bytes() == body


def test_downloading_again_serves_the_same_bytes_and_issues_nothing_more(
    client, approved, team, fake_pdf
):
    client.force_login(team[Role.EXECUTIVE])
    _response, first = download(client, approved)
    client.force_login(team[Role.AUDITOR])

    _response, again = download(client, approved)

    assert again == first
    assert IssuedReport.objects.count() == 1
    assert IssuedReport.objects.get().issued_by == team[Role.EXECUTIVE]
    assert len(fake_pdf) == 1


def test_each_language_is_issued_once(client, approved, team, fake_pdf):
    client.force_login(team[Role.ADMIN])

    _response, chinese = download(client, approved, "zh")
    _response, english = download(client, approved, "en")
    _response, english_again = download(client, approved, "en")

    assert english_again == english != chinese
    assert sorted(IssuedReport.objects.values_list("language", "sha256")) == [
        ("en", hashlib.sha256(english).hexdigest()),
        ("zh", hashlib.sha256(chinese).hexdigest()),
    ]


def test_final_assessment_serves_the_report_issued_while_approved(
    client, approved, team, fake_pdf
):
    client.force_login(team[Role.ADMIN])
    _response, issued = download(client, approved)
    set_state(approved, State.FINAL)

    _response, served = download(client, approved)

    assert served == issued
    assert IssuedReport.objects.count() == 1


def test_final_assessment_is_issued_on_its_first_download(
    client, approved, team, fake_pdf
):
    set_state(approved, State.FINAL)
    client.force_login(team[Role.ADMIN])

    _response, body = download(client, approved)

    assert IssuedReport.objects.get().sha256 == hashlib.sha256(body).hexdigest()


@pytest.mark.parametrize(
    "state", [State.DRAFT, State.SUBMITTED, State.IN_REVIEW, State.RETURNED]
)
def test_report_of_an_unverified_assessment_is_rendered_fresh_and_not_issued(
    client, assessment, team, fake_pdf, state
):
    reviewed(assessment, team)
    set_state(assessment, state)
    client.force_login(team[Role.ADMIN])

    _response, first = download(client, assessment)
    _response, second = download(client, assessment)

    assert first != second
    assert len(fake_pdf) == 2
    assert not IssuedReport.objects.exists()


def test_unverified_assessment_is_never_issued(assessment, team):
    reviewed(assessment, team)

    with pytest.raises(LifecycleError, match="approved"):
        issued_report(assessment, "zh", team[Role.ADMIN])

    assert not IssuedReport.objects.exists()


def test_issued_report_states_the_fingerprint_and_the_verified_level(
    client, approved, team, fake_pdf
):
    client.force_login(team[Role.ADMIN])

    download(client, approved, "en")

    (html,) = fake_pdf
    assert fingerprint(approved) in html
    assert "Verified" in html
    assert "Below level 1" in html
    assert "Level 1 (L1)" in html


def test_fingerprint_follows_the_answers_and_the_acceptances(approved, team):
    before = fingerprint(approved)
    set_state(approved, State.IN_REVIEW)
    auditor = team[Role.AUDITOR]
    last = approved.answers.get(clause__code=LEVEL_ONE[-1])
    review_answer(
        last, "accepted", "", auditor, access_of(auditor, approved.organization)
    )
    set_state(approved, State.APPROVED)

    after = fingerprint(approved)

    assert len(before) == len(after) == 64
    assert after != before
    assert fingerprint(approved) == after


# Real PDFs.


def test_issued_english_pdf_carries_its_fingerprint_and_says_verified(
    client, approved, team
):
    client.force_login(team[Role.EXECUTIVE])
    expected = fingerprint(approved)

    _response, body = download(client, approved, "en")
    _response, again = download(client, approved, "en")

    assert body.startswith(b"%PDF")
    assert again == body
    assert IssuedReport.objects.get().sha256 == hashlib.sha256(body).hexdigest()
    text = pdf_text(body)
    assert expected in text
    assert "Verified" in text


def test_issued_chinese_pdf_carries_its_fingerprint_and_its_status(
    client, approved, team
):
    client.force_login(team[Role.EXECUTIVE])
    expected = fingerprint(approved)

    _response, body = download(client, approved, "zh")

    text = pdf_text(body)
    assert expected in text
    # "Verified" in locale/zh_Hans/LC_MESSAGES/django.po.
    assert "已核验" in text
    assert "Verified" not in text
    assert "甲机构" in text


def test_unverified_pdf_says_self_assessed_and_has_no_fingerprint(
    client, assessment, team
):
    reviewed(assessment, team)
    client.force_login(team[Role.EXECUTIVE])

    _response, body = download(client, assessment, "en")

    text = pdf_text(body)
    assert "Self-assessed" in text
    assert "Fingerprint" not in text
    assert fingerprint(assessment) not in text


# Checking a copy.


def check(client, assessment, content: bytes):
    upload = SimpleUploadedFile("copy.pdf", content, content_type="application/pdf")
    return client.post(url("report-check", assessment.pk), {"copy": upload})


def test_served_copy_is_confirmed_as_issued(client, approved, team, fake_pdf):
    client.force_login(team[Role.EXECUTIVE])
    _response, body = download(client, approved)

    response = check(client, approved, body)

    assert response.context["found"] == IssuedReport.objects.get()
    assert 'class="alert alert-success"' in response.text
    assert IssuedReport.objects.get().sha256 in response.text


def test_copy_with_one_byte_changed_does_not_match(client, approved, team, fake_pdf):
    client.force_login(team[Role.EXECUTIVE])
    _response, body = download(client, approved)
    changed = body[:-1] + bytes([body[-1] ^ 1])

    response = check(client, approved, changed)

    assert response.context["checked"] is True
    assert response.context["found"] is None
    assert 'class="alert alert-danger"' in response.text


def test_report_issued_for_another_assessment_does_not_match(
    client, approved, organization, small_framework, team, fake_pdf
):
    other = Assessment.objects.create(
        organization=organization, framework=small_framework, title="另一份"
    )
    client.force_login(team[Role.EXECUTIVE])
    _response, body = download(client, approved)

    response = check(client, other, body)

    assert response.context["found"] is None


def test_check_page_lists_what_was_issued_and_checks_nothing_yet(
    client, approved, team, fake_pdf
):
    client.force_login(team[Role.AUDITOR])
    download(client, approved)

    response = client.get(url("report-check", approved.pk))

    assert response.context["checked"] is False
    assert IssuedReport.objects.get().sha256 in response.text
    assert "alert" not in response.text.split("<h1", 1)[1].split("<form", 1)[0]
