"""Production settings, login throttling, security headers and health probes."""

import os
import secrets

import pytest
from django.test import RequestFactory
from django.urls import reverse

from cmmrm.middleware import client_ip
from tests.conftest import make_member, run_manage

pytestmark = pytest.mark.usefixtures("fast_passwords")


def production(**extra: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "cmmrm.example.cn",
    }
    env.update(extra)
    return env


def test_deploy_check_passes_with_production_variables():
    result = run_manage(production(), "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_without_https():
    result = run_manage(
        production(HTTPS="false"), "check", "--deploy", "--fail-level", "WARNING"
    )

    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage(production(SECRET_KEY=""), "check")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_unknown_evidence_storage_is_refused():
    result = run_manage(production(EVIDENCE_STORAGE="ftp"), "check")

    assert result.returncode != 0
    assert "EVIDENCE_STORAGE must be filesystem or s3" in result.stderr


def test_s3_storage_without_a_bucket_is_refused():
    result = run_manage(production(EVIDENCE_STORAGE="s3", S3_BUCKET=""), "check")

    assert result.returncode != 0
    assert "S3_BUCKET must be set when EVIDENCE_STORAGE=s3" in result.stderr


def test_pages_carry_a_policy_without_inline_script(client, organization):
    client.force_login(make_member(organization, "admin-a", "admin"))

    response = client.get(reverse("assessments:organization", args=["org-a"]))

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def log_in(client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_repeated_wrong_passwords_lock_out_that_user_from_that_address(
    client, organization, settings
):
    make_member(organization, "alice", "assessor")
    make_member(organization, "bob", "assessor")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "alice", "wrong").status_code == 200
    assert log_in(client, "alice", "wrong").status_code == 429

    # Locked out: even the right password is refused now.
    locked = log_in(client, "alice", "pw")

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "登录失败次数过多" in locked.content.decode()
    # Another user at that address, and the same user elsewhere, still log in.
    assert log_in(client, "bob", "pw").status_code == 302
    client.logout()
    assert log_in(client, "alice", "pw", address="10.0.0.2").status_code == 302


def test_a_successful_login_clears_earlier_failures(client, organization, settings):
    make_member(organization, "alice", "assessor")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "alice", "wrong")
    assert log_in(client, "alice", "pw").status_code == 302
    client.logout()

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "alice", "wrong")

    assert log_in(client, "alice", "pw").status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.5"),  # no proxy: the header is the client's lie
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # left part is forged
        (2, "198.51.100.1, 203.0.113.9", "198.51.100.1"),
        (2, "203.0.113.9", "10.0.0.5"),  # fewer hops than proxies: not trusted
    ],
)
def test_client_address_is_read_through_trusted_proxies_only(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded
    )

    assert client_ip(request) == expected


def test_health_probes_answer_without_login(client, db):
    alive = client.get(reverse("health-alive"))
    ready = client.get(reverse("health-ready"))

    assert (alive.status_code, alive.content) == (200, b"ok")
    assert (ready.status_code, ready.content) == (200, b"ok")
    assert client.post(reverse("health-alive")).status_code == 405


def test_readiness_fails_when_the_database_does(client, db, monkeypatch):
    from django.db import OperationalError
    from django.db.backends.utils import CursorWrapper

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(CursorWrapper, "execute", refuse)
        response = client.get(reverse("health-ready"))

    assert response.status_code == 503


def test_sessions_are_kept_in_the_database(settings):
    # Several app servers behind one balancer must all see every session.
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_password_validators_refuse_weak_passwords(settings):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    names = {v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert {"MinimumLengthValidator", "CommonPasswordValidator"} <= names
    for weak in ("12345678", "password", "short"):
        with pytest.raises(ValidationError):
            validate_password(weak)
