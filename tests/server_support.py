"""Talking to the app as deployed: gunicorn processes on loopback ports.

Loaded for every test module through tests/conftest.py.
"""

import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from bench.servers import collect_static, production_env


class Browser:
    """One user's cookies and CSRF token, shared by every server on 127.0.0.1."""

    def __init__(self) -> None:
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies)
        )

    def request(
        self, url: str, data: dict | None = None, accept: str = "text/html"
    ) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data else None
        status, content, _headers = self._send(url, body, {"Accept": accept})
        return status, content.decode()

    def download(self, url: str) -> tuple[int, bytes, dict[str, str]]:
        return self._send(url, None, {})

    def upload(
        self, url: str, fields: dict[str, str], name: str, filename: str, data: bytes
    ) -> tuple[int, str]:
        """Post a form with one file, as a browser sends it (multipart/form-data)."""
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
            f"{value}\r\n".encode()
            for key, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream'
            "\r\n\r\n".encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        status, content, _headers = self._send(url, b"".join(parts), headers)
        return status, content.decode()

    def _send(
        self, url: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, bytes, dict[str, str]]:
        request = urllib.request.Request(url, data=body, headers=headers)
        if body is not None:
            request.add_header("X-CSRFToken", self.csrf_token())
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read(), dict(error.headers)

    def csrf_token(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken")

    def log_in(self, server: str, username: str, password: str) -> None:
        status, _ = self.request(f"{server}/accounts/login/")
        assert status == 200
        status, page = self.request(
            f"{server}/accounts/login/",
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": self.csrf_token(),
            },
        )
        assert status == 200 and "logout" in page, page[:500]


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """Static files collected as a deployment does, for the servers to serve."""
    folder = tmp_path_factory.mktemp("served")
    collect_static(production_env("sqlite:///unused.sqlite3", folder))
    return folder
