"""Fixtures and helpers shared by the view tests.

tests/conftest.py loads these fixtures for every test module.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Assessment, Evidence, Organization, Role
from tests.conftest import make_member

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
ROLES = [Role.ADMIN, Role.ASSESSOR, Role.AUDITOR, Role.EXECUTIVE]
# The clauses of area 5.2.1 in the small framework, level by level.
AREA_CLAUSES = [
    f"5.2.1.{level}.{letter}"
    for level in range(1, 6)
    for letter in (("a", "b") if level == 1 else ("b", "c"))
]


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def assessment(small_framework, organization) -> Assessment:
    return Assessment.objects.create(
        organization=organization, framework=small_framework, title="2024 自评估"
    )


def url(name: str, *args: object) -> str:
    return reverse(f"assessments:{name}", args=args)


def log_in(client, organization: Organization, role: str, username: str = ""):
    """Make a member with role, log the client in as them and return the user."""
    user = make_member(organization, username or f"{role}-{organization.slug}", role)
    client.force_login(user)
    return user


def assert_sent_to_log_in(response) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def pdf_upload(name: str = "制度.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def file_evidence(organization: Organization, name: str = "制度.pdf") -> Evidence:
    """A file item of the library; the media fixture must be in use."""
    return Evidence.objects.create(
        organization=organization,
        title=f"文件 {name}",
        kind=Evidence.Kind.FILE,
        file_name=name,
        file=pdf_upload(name),
    )


def link_evidence(organization: Organization, title: str = "链接") -> Evidence:
    return Evidence.objects.create(
        organization=organization,
        title=title,
        kind=Evidence.Kind.URL,
        url="https://intranet.example/policy",
    )


def text_evidence(organization: Organization, title: str = "摘录") -> Evidence:
    return Evidence.objects.create(
        organization=organization,
        title=title,
        kind=Evidence.Kind.TEXT,
        text="制度第三条：模型上线前须经风险评审。",
    )


def clause_data(code: str, version: int = 0, **fields: object) -> dict:
    """A clause form's POST data; fields are unprefixed (status, note, evidence...)."""
    data = {"status": "", "note": "", "justification": "", "version": version}
    data |= fields
    return {f"{code}-{name}": value for name, value in data.items()}


def count_queries(client, address: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return len(queries)


def finish(response) -> None:
    """Read a streamed response to its end, which closes its file.

    Never call response.close() in a test: it sends request_finished, which on
    PostgreSQL closes the database connection the test's transaction runs in.
    """
    if response.streaming:
        b"".join(response.streaming_content)
