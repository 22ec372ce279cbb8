"""Throughput of the area page and autosave latency under load, against gunicorn.

Starts gunicorn with production settings on a loopback port, against the database
named by DATABASE_URL (a PostgreSQL database filled by `manage.py seed_demo`), then:

1. wrk (Debian's package) requests a trivial view, the area questionnaire, and the
   trivial view again; the area page's requests per second are given as a ratio of
   the trivial view's, served by the same server in the same run;
2. simulated assessors, each in a session of their own, save one clause of their own
   assessment every two seconds; the autosave latency percentiles are printed.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/cmmrm_bench \\
     .venv/bin/python bench/load_benchmark.py [--seconds 20] [--assessors 50]
The load generator shares the machine's cores with the server: the figures are what
one small machine does, client included.
"""

import argparse
import json
import os
import random
import re
import secrets
import shutil
import subprocess  # nosec B404
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmmrm.settings")
# Sessions made here must verify on the server: both sign with this key.
os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402

from assessments.lifecycle import State  # noqa: E402
from assessments.models import Answer, Assessment, Clause, Membership, Role  # noqa: E402
from assessments.permissions import Access  # noqa: E402
from bench.perfdoc import write_section  # noqa: E402
from bench.servers import collect_static, gunicorn, production_env  # noqa: E402

# A page that needs a login and renders the site's frame with almost nothing in it.
MINIMAL_PAGE = "/accounts/password/done/"
CSRF = "benchmarkcsrftokenbenchmarkcsrf0"  # any 32 letters and digits will do


@dataclass(frozen=True)
class Assessor:
    session: str
    assessment_id: int
    clause_code: str
    area_code: str
    version: int  # of the clause's stored answer when the run starts; 0 for none

    def headers(self) -> dict[str, str]:
        return {
            "Cookie": f"sessionid={self.session}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
            "Accept": "application/json",
        }


def session_for(user) -> str:
    """A logged-in session, as the login view would store it."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return str(store.session_key)


def pick_assessors(count: int, rng: random.Random) -> list[Assessor]:
    """Assessors of editable assessments, each with a clause they may answer."""
    editable = (
        Assessment.objects.filter(state__in=[State.DRAFT, State.RETURNED])
        .select_related("organization")
        .prefetch_related("assignments")
        .order_by("pk")
    )
    assessors = []
    for assessment in editable:
        members = Membership.objects.filter(
            organization=assessment.organization, role=Role.ASSESSOR
        ).select_related("user")
        clauses = list(
            Clause.objects.filter(framework=assessment.framework, baseline=False)
            .select_related("area")
            .order_by("code")
        )
        for membership in members:
            access = Access(membership)
            mine = [c for c in clauses if access.may_answer(assessment, c.area.code)]
            if mine:
                clause = rng.choice(mine)
                stored = Answer.objects.filter(assessment=assessment, clause=clause)
                assessors.append(
                    Assessor(
                        session_for(membership.user),
                        assessment.pk,
                        clause.code,
                        clause.area.code,
                        stored.values_list("version", flat=True).first() or 0,
                    )
                )
                break
        if len(assessors) == count:
            return assessors
    raise SystemExit(
        f"the database holds only {len(assessors)} editable assessments with an "
        "assessor; fill it with: manage.py seed_demo --orgs 1000 --assessments 5"
    )


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def check_page(url: str, cookie: str) -> None:
    """The area page answers in full: a redirect to the login would measure nothing."""
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with opener.open(request, timeout=30) as response:  # nosec B310
            page = response.read().decode()
    except urllib.error.HTTPError as error:
        raise SystemExit(f"{url} answered {error.code}, not the page") from None
    if "data-clause-form" not in page:
        raise SystemExit(f"{url} did not give the questionnaire")


def wrk(url: str, seconds: int, cookie: str = "") -> dict[str, float]:
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(  # nosec B603
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    statuses = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if statuses:
        raise SystemExit(f"{url} answered {statuses[1]} errors under load:\n{output}")
    latency = re.search(r"\s99%\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[latency[2]]
    return {"rate": rate, "p99_ms": float(latency[1]) * scale}


def autosaves(
    server: str, assessors: list[Assessor], seconds: int, rng: random.Random
) -> tuple[list[float], list[str]]:
    """Each assessor saves their clause every two seconds; latencies in ms."""
    latencies: list[float] = []
    problems: list[str] = []
    lock = threading.Lock()
    opener = urllib.request.build_opener(NoRedirect)
    stop_at = time.monotonic() + seconds

    def work(assessor: Assessor, phase: float) -> None:
        version = assessor.version
        url = (
            f"{server}/assessments/{assessor.assessment_id}"
            f"/clauses/{assessor.clause_code}/"
        )
        due = time.monotonic() + phase
        turn = 0
        while due < stop_at:
            time.sleep(max(0.0, due - time.monotonic()))
            code = assessor.clause_code
            fields = {
                f"{code}-status": "met" if turn % 2 else "partial",
                f"{code}-note": f"第 {turn} 次保存",
                f"{code}-version": str(version),
            }
            request = urllib.request.Request(
                url,
                data=urllib.parse.urlencode(fields).encode(),
                headers=assessor.headers(),
            )
            started = time.perf_counter()
            try:
                with opener.open(request, timeout=30) as response:  # nosec B310
                    body = json.loads(response.read())
                elapsed = (time.perf_counter() - started) * 1000
                version = body["version"]
                with lock:
                    latencies.append(elapsed)
            except urllib.error.HTTPError as error:
                with lock:
                    problems.append(f"{code}: {error.code}")
                if error.code == 409:
                    return  # nobody else saves this clause: a conflict is a bug
            turn += 1
            due += 2.0

    threads = [
        threading.Thread(target=work, args=(assessor, rng.uniform(0, 2)))
        for assessor in assessors
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, problems


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--assessors", type=int, default=50)
    parser.add_argument("--workers", type=int, default=os.cpu_count() * 2 + 1)
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit(
            "set DATABASE_URL to a PostgreSQL database filled by seed_demo"
        )
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: sudo apt-get install wrk")
    rng = random.Random(11)  # nosec B311

    assessors = pick_assessors(options.assessors, rng)
    page_user = assessors[0]
    database_url = os.environ["DATABASE_URL"]
    connection.close()

    with tempfile.TemporaryDirectory() as folder:
        env = production_env(
            database_url,
            Path(folder),
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
            SECRET_KEY=os.environ["SECRET_KEY"],
            # Steady state: no worker is recycled (and reloads the catalogue) midway.
            GUNICORN_MAX_REQUESTS="0",
            DATABASE_CONN_MAX_AGE="60",
        )
        collect_static(env)
        with gunicorn(env, workers=options.workers) as server:
            area = (
                f"{server}/assessments/{page_user.assessment_id}"
                f"/areas/{page_user.area_code}/"
            )
            cookie = f"sessionid={page_user.session}"
            check_page(area, cookie)
            # Warm up every worker: its first requests load the catalogue.
            wrk(area, 2, cookie)
            wrk(f"{server}/health/alive", 2)
            runs = {
                "trivial": wrk(f"{server}/health/alive", options.seconds),
                "logged_in": wrk(f"{server}{MINIMAL_PAGE}", options.seconds, cookie),
                "area": wrk(area, options.seconds, cookie),
                "trivial_after": wrk(f"{server}/health/alive", options.seconds),
            }
            latencies, problems = autosaves(server, assessors, options.seconds * 2, rng)

    if not latencies:
        raise SystemExit(f"no save went through: {problems[:5]}")
    body = summary(options, page_user, runs, assessors, latencies, problems)
    print(body)
    if problems:
        print("refused saves:", ", ".join(problems[:10]))
    print(f"written to {write_section('load', 'Under load (gunicorn)', body)}")


def summary(options, page_user, runs, assessors, latencies, problems) -> str:
    trivial = (runs["trivial"]["rate"] + runs["trivial_after"]["rate"]) / 2
    ratio = runs["area"]["rate"] / trivial
    p50, p95, p99 = (percentile(latencies, s) for s in (0.5, 0.95, 0.99))
    names = {
        "trivial": "trivial view (`/health/alive`: no session, no template)",
        "logged_in": f"smallest logged-in page (`{MINIMAL_PAGE}`)",
        "area": f"area questionnaire ({page_user.area_code}, as its assessor)",
        "trivial_after": "trivial view again, after",
    }
    rows = [
        f"| {names[key]} | {run['rate']:.0f} | {run['p99_ms']:.1f} ms |"
        for key, run in runs.items()
    ]
    return "\n".join(
        [
            f"gunicorn, {options.workers} sync workers, production settings, "
            f"PostgreSQL; wrk -t2 -c8 for {options.seconds} s per URL, on the same "
            "2 cores as the server.",
            "",
            "| URL | requests/s | p99 |",
            "|---|---:|---:|",
            *rows,
            "",
            f"**Area page throughput: {ratio:.3f} of the trivial view's** (aim: 0.5), "
            f"{runs['area']['rate'] / runs['logged_in']['rate']:.2f} of the smallest "
            "logged-in page's.",
            "",
            f"Autosave: {len(assessors)} assessors, each saving a clause of their own "
            f"every 2 s for {options.seconds * 2} s: {len(latencies)} saves, "
            f"{len(problems)} refused; latency median {p50:.0f} ms, "
            f"**p95 {p95:.0f} ms** (aim: under 100 ms), p99 {p99:.0f} ms, "
            f"max {max(latencies):.0f} ms.",
        ]
    )


if __name__ == "__main__":
    main()
