import pytest

from cmmrm.env import ConfigurationError, database_from_url, env_bool, env_list


def test_postgres_url_becomes_django_settings():
    settings = database_from_url("postgres://app:s%40cret@db.local:5433/cmmrm")

    assert settings == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "cmmrm",
        "USER": "app",
        "PASSWORD": "s@cret",
        "HOST": "db.local",
        "PORT": "5433",
    }


def test_sqlite_url_keeps_absolute_paths():
    assert (
        database_from_url("sqlite:////var/lib/cmmrm.db")["NAME"] == "/var/lib/cmmrm.db"
    )


def test_unknown_database_scheme_fails_loudly():
    with pytest.raises(ConfigurationError, match="mysql"):
        database_from_url("mysql://x/y")


def test_booleans_are_read_strictly(monkeypatch):
    monkeypatch.setenv("DEBUG", "no")
    assert env_bool("DEBUG", True) is False

    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ConfigurationError, match="DEBUG='maybe'"):
        env_bool("DEBUG", True)


def test_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example, b.example,")

    assert env_list("ALLOWED_HOSTS", []) == ["a.example", "b.example"]
