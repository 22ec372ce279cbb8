"""The evidence library and downloading its files."""

from urllib.parse import quote

import pytest

from assessments.models import Evidence, Role
from tests.views_support import (
    PDF,
    ROLES,
    assert_sent_to_log_in,
    file_evidence,
    finish,
    link_evidence,
    log_in,
    pdf_upload,
    text_evidence,
    url,
)


def library_page(client, organization):
    return client.get(url("library", organization.slug))


def library_add(client, organization):
    data = {"title": "制度链接", "kind": "url", "url": "https://intranet.example/a"}
    return client.post(url("library", organization.slug), data)


def download(client, organization):
    item = file_evidence(organization)
    response = client.get(url("evidence-download", item.pk))
    finish(response)
    return response


# Each page, how to reach it, the role its owner needs and what the owner gets.
PAGES = {
    "library": (library_page, Role.EXECUTIVE, 200),
    "library-add": (library_add, Role.ASSESSOR, 302),
    "evidence-download": (download, Role.EXECUTIVE, 200),
}


@pytest.mark.parametrize("page", PAGES)
def test_owner_reaches_the_page(client, organization, media, page):
    reach, role, expected = PAGES[page]
    log_in(client, organization, role)

    response = reach(client, organization)

    assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_member_of_another_organization_gets_404(
    client, organization, other_organization, media, page, role
):
    log_in(client, other_organization, role)

    response = PAGES[page][0](client, organization)

    assert response.status_code == 404
    assert not Evidence.objects.filter(kind=Evidence.Kind.URL).exists()


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_user_is_sent_to_log_in(client, organization, media, page):
    response = PAGES[page][0](client, organization)

    assert_sent_to_log_in(response)
    assert not Evidence.objects.filter(kind=Evidence.Kind.URL).exists()


@pytest.mark.parametrize("role", ROLES)
def test_every_member_downloads_the_file_as_an_attachment(
    client, organization, media, role
):
    log_in(client, organization, role)
    item = file_evidence(organization, "policy-2024.pdf")

    response = client.get(url("evidence-download", item.pk))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="policy-2024.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_download_keeps_a_chinese_file_name(client, organization, media):
    log_in(client, organization, Role.AUDITOR)
    item = file_evidence(organization, "管理制度.pdf")

    response = client.get(url("evidence-download", item.pk))
    finish(response)

    disposition = response["Content-Disposition"]
    assert disposition == f"attachment; filename*=utf-8''{quote('管理制度.pdf')}"


def test_stored_file_is_named_at_random_not_after_the_upload(
    client, organization, media
):
    log_in(client, organization, Role.ASSESSOR)

    client.post(
        url("library", organization.slug),
        {"title": "制度", "kind": "file", "file": pdf_upload("../../管理制度.pdf")},
    )

    stored = Evidence.objects.get().file.name
    assert stored.startswith(f"evidence/{organization.pk}/")
    assert stored.endswith(".pdf")
    assert "管理制度" not in stored and ".." not in stored


@pytest.mark.parametrize("make", [link_evidence, text_evidence], ids=["url", "text"])
def test_link_or_text_evidence_has_no_download(client, organization, make):
    log_in(client, organization, Role.ADMIN)
    item = make(organization)

    response = client.get(url("evidence-download", item.pk))

    assert response.status_code == 404


def test_file_item_whose_file_is_missing_has_no_download(client, organization):
    log_in(client, organization, Role.ADMIN)
    item = Evidence.objects.create(
        organization=organization, title="导入的", kind="file", file_name="a.pdf"
    )

    response = client.get(url("evidence-download", item.pk))

    assert response.status_code == 404


def test_unknown_evidence_answers_404(client, organization):
    log_in(client, organization, Role.ADMIN)
    item = link_evidence(organization)

    response = client.get(url("evidence-download", item.pk + 1))

    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ASSESSOR])
def test_answering_roles_add_a_link(client, organization, role):
    user = log_in(client, organization, role)

    response = client.post(
        url("library", organization.slug),
        {"title": "制度链接", "kind": "url", "url": "intranet.example/policy"},
    )

    assert response.status_code == 302
    assert response["Location"] == url("library", organization.slug)
    item = Evidence.objects.get()
    assert (item.organization, item.kind) == (organization, Evidence.Kind.URL)
    assert item.url == "https://intranet.example/policy"
    assert item.created_by == user


def test_assessor_adds_a_text_excerpt(client, organization):
    log_in(client, organization, Role.ASSESSOR)

    client.post(
        url("library", organization.slug),
        {"title": "会议纪要", "kind": "text", "text": "风险委员会审议通过。"},
    )

    item = Evidence.objects.get()
    assert (item.kind, item.text) == (Evidence.Kind.TEXT, "风险委员会审议通过。")


def test_assessor_adds_a_file(client, organization, media):
    log_in(client, organization, Role.ASSESSOR)

    response = client.post(
        url("library", organization.slug),
        {"title": "管理制度", "kind": "file", "file": pdf_upload("管理制度.pdf")},
    )

    assert response.status_code == 302
    item = Evidence.objects.get()
    assert (item.kind, item.file_name) == (Evidence.Kind.FILE, "管理制度.pdf")
    assert (media / item.file.name).read_bytes() == PDF


def test_executive_sees_the_items_but_no_form_to_add(client, organization, media):
    log_in(client, organization, Role.EXECUTIVE)
    stored = file_evidence(organization, "管理制度.pdf")
    link_evidence(organization, "内网制度页")

    response = client.get(url("library", organization.slug))

    assert url("evidence-download", stored.pk) in response.text
    assert "内网制度页" in response.text
    assert 'name="kind"' not in response.text


def test_answering_roles_get_the_form_to_add_evidence(client, organization):
    log_in(client, organization, Role.ASSESSOR)

    response = client.get(url("library", organization.slug))

    assert 'name="kind"' in response.text
    assert 'enctype="multipart/form-data"' in response.text


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.AUDITOR])
def test_read_only_roles_may_not_add_evidence(client, organization, role):
    log_in(client, organization, role)

    response = client.post(
        url("library", organization.slug),
        {"title": "制度链接", "kind": "url", "url": "https://intranet.example/a"},
    )

    assert response.status_code == 403
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"title": "缺链接", "kind": "url"},
        {"title": "缺摘录", "kind": "text"},
        {"title": "缺文件", "kind": "file"},
    ],
    ids=["url", "text", "file"],
)
def test_item_without_its_content_is_refused(client, organization, data):
    log_in(client, organization, Role.ASSESSOR)

    response = client.post(url("library", organization.slug), data)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [data["kind"]]
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [("tool.exe", PDF), ("制度.pdf", b"<html><script>alert(1)</script>")],
    ids=["exe-extension", "pdf-name-other-content"],
)
def test_library_refuses_a_file_it_does_not_accept(
    client, organization, media, name, content
):
    log_in(client, organization, Role.ASSESSOR)

    response = client.post(
        url("library", organization.slug),
        {"title": "可疑", "kind": "file", "file": pdf_upload(name, content)},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["file"]
    assert not Evidence.objects.exists()
