"""Start the app under gunicorn with production settings, for tests and benchmarks.

Used by the tests that run two app servers against one database and by the load
benchmark: both need real processes on loopback ports, not Django's test client.
"""

import os
import secrets
import signal
import socket

# Starts this project's own servers.
import subprocess  # nosec B404
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def production_env(database_url: str, folder: Path, **extra: str) -> dict[str, str]:
    """Production settings for a loopback server: no TLS, files under folder."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(folder)),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Loopback has no TLS; production behind a balancer keeps HTTPS on.
        "HTTPS": "false",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "GUNICORN_ACCESS_LOG": "",
        "LOG_LEVEL": "ERROR",
    }
    env.update(extra)
    return env


def collect_static(env: dict[str, str]) -> None:
    """collectstatic into env's STATIC_ROOT, as a deployment does before starting."""
    # Fixed argument list.
    subprocess.run(  # nosec B603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=REPO,
        env=env,
        check=True,
    )


def wait_until_up(address: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            # Loopback http only.
            with urllib.request.urlopen(f"{address}/health/alive", timeout=2):  # noqa: S310  # nosec B310
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn at {address} did not start") from None
            time.sleep(0.2)


@contextmanager
def gunicorn(env: dict[str, str], workers: int = 2, threads: int = 1) -> Iterator[str]:
    """Serve the app with gunicorn on a free loopback port; yield its address."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(REPO / "deploy" / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "cmmrm.wsgi",
    ]
    # Beside the collected static files: a folder of the run's own.
    log = open(Path(env["STATIC_ROOT"]).parent / f"gunicorn-{port}.log", "wb")  # noqa: SIM115
    # Fixed argument list.
    process = subprocess.Popen(  # nosec B603
        command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    address = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(address)
        yield address
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
