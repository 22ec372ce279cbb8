"""The read-only catalogue pages."""

import pytest
from django.urls import reverse

from assessments.models import Area


@pytest.fixture
def logged_in(client, assessor):
    client.force_login(assessor)
    return client


def test_anonymous_user_is_sent_to_log_in(client, small_framework):
    for url in (
        reverse("assessments:home"),
        reverse("assessments:framework", args=[small_framework.pk]),
        reverse("assessments:framework-area", args=[small_framework.pk, "5.2.1"]),
    ):
        response = client.get(url)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_home_lists_loaded_frameworks(logged_in, small_framework):
    response = logged_in.get(reverse("assessments:home"))

    assert response.status_code == 200
    assert "T/TEST 0001—2024" in response.text
    assert reverse("assessments:framework", args=[small_framework.pk]) in response.text


def test_framework_page_shows_levels_objectives_and_modules(logged_in, small_framework):
    response = logged_in.get(
        reverse("assessments:framework", args=[small_framework.pk])
    )

    assert response.status_code == 200
    for text in ("第三级", "级3", "安全", "5.2.3.1 需求"):
        assert text in response.text


def test_area_page_groups_clauses_by_level_in_chinese_by_default(
    logged_in, small_framework
):
    url = reverse("assessments:framework-area", args=[small_framework.pk, "5.2.1"])

    response = logged_in.get(url)

    assert response.status_code == 200
    assert response.text.index("5.2.1.1.a") < response.text.index("5.2.1.2.b")
    assert "条款 5.2.1.1.a" in response.text
    assert "Clause 5.2.1.1.a" not in response.text


def test_switching_to_english_shows_english_texts(logged_in, small_framework):
    url = reverse("assessments:framework-area", args=[small_framework.pk, "5.2.1"])

    logged_in.post(reverse("set_language"), {"language": "en", "next": url})
    response = logged_in.get(url)

    assert "Clause 5.2.1.1.a" in response.text
    assert "Includes everything of the previous 2 levels." in response.text
    assert "Level 3 (L3)" in response.text


def test_domain_page_links_its_stages(logged_in, small_framework):
    url = reverse("assessments:framework-area", args=[small_framework.pk, "5.2.3"])

    response = logged_in.get(url)

    stage = Area.objects.get(code="5.2.3.1")
    link = reverse("assessments:framework-area", args=[small_framework.pk, stage.code])
    assert f'href="{link}"' in response.text


def test_unknown_area_answers_404(logged_in, small_framework):
    url = reverse("assessments:framework-area", args=[small_framework.pk, "5.2.9"])

    assert logged_in.get(url).status_code == 404


def test_catalogue_is_read_only_in_admin(admin_client, small_framework):
    clause = small_framework.clauses.first()

    listing = admin_client.get(reverse("admin:assessments_clause_changelist"))
    change = admin_client.post(
        reverse("admin:assessments_clause_change", args=[clause.pk]), {"text_zh": "x"}
    )

    assert listing.status_code == 200
    assert clause.code in listing.text
    assert change.status_code == 403
    clause.refresh_from_db()
    assert clause.text_zh != "x"


def test_pages_load_only_local_assets(logged_in, small_framework):
    response = logged_in.get(reverse("assessments:home"))

    assert "http://" not in response.text.replace("http://testserver", "")
    assert "https://" not in response.text


def test_interface_speaks_simplified_chinese_by_default(client, db):
    response = client.get(reverse("login"))

    assert '<html lang="zh-hans">' in response.text
    assert "登录" in response.text


def test_english_browser_still_gets_chinese_until_the_user_switches(
    logged_in, small_framework
):
    url = reverse("assessments:framework-area", args=[small_framework.pk, "5.2.1"])

    response = logged_in.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert "条款 5.2.1.1.a" in response.text
    assert "第三级（级3）" in response.text
