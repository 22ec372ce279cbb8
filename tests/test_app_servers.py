"""The app as deployed: gunicorn processes with production settings.

One database, several app servers: sessions, saves and conflicts must behave the
same whichever server a request lands on. These tests start real gunicorn processes
on loopback ports, so they see what a load balancer in front of them would.
"""

import json
import re
import threading
import urllib.request
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection

from assessments.models import Answer, Assessment, AuditRecord, Membership, Role
from assessments.services.audit import first_broken_link_of
from bench.servers import gunicorn, production_env
from tests.server_support import Browser
from tests.views_support import AREA_CLAUSES

PASSWORD = "Two-servers-1-database"


def test_a_database_outage_shows_a_plain_error_page(static_root):
    # Nothing listens on port 1: every database call fails.
    env = production_env("postgres://cmmrm@127.0.0.1:1/cmmrm", static_root)
    with gunicorn(env, workers=1) as server:
        browser = Browser()
        assert browser.request(f"{server}/accounts/login/")[0] == 200
        status, page = browser.request(
            f"{server}/accounts/login/",
            {
                "username": "someone",
                "password": "anything",
                "csrfmiddlewaretoken": browser.csrf_token(),
            },
        )
        ready, _ = browser.request(f"{server}/health/ready")

    assert status == 500
    assert "服务暂时不可用" in page and "Service unavailable" in page
    for leak in ("Traceback", "OperationalError", "psycopg2", "127.0.0.1:1"):
        assert leak not in page
    assert ready == 503


def test_production_server_sends_security_headers_and_hashed_static(
    static_root, process_database
):
    env = production_env(process_database["DATABASE_URL"], static_root)
    with gunicorn(env, workers=1) as server:
        request = urllib.request.Request(f"{server}/accounts/login/")
        with urllib.request.urlopen(request) as response:
            headers = response.headers
            page = response.read().decode()
        stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, "the page links the hashed name collectstatic made"
        with urllib.request.urlopen(f"{server}{stylesheet[1]}") as response:
            static_headers = response.headers

    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe" not in policy
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=315360000" in static_headers["Cache-Control"]


@dataclass
class Tally:
    saved: dict[str, list[int]] = field(default_factory=dict)
    notes: dict[tuple[str, int], str] = field(default_factory=dict)
    conflicts: int = 0
    cross_reads: int = 0
    stale_reads: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _version_on_page(page: str, code: str) -> int:
    found = re.search(rf'name="{re.escape(code)}-version" value="(\d+)"', page)
    assert found, f"no version field for {code}"
    return int(found[1])


def _assessor_works(
    browser: Browser,
    servers: list[str],
    assessment_id: int,
    clauses: list[str],
    name: str,
    rounds: int,
    tally: Tally,
) -> None:
    """Each round, read every clause from one server and save it through the other."""
    area = f"/assessments/{assessment_id}/areas/5.2.1/"
    for round_number in range(rounds):
        here, there = servers[round_number % 2], servers[(round_number + 1) % 2]
        status, page = browser.request(f"{there}{area}")
        if status != 200:
            tally.failures.append(f"{name}: area page answered {status}")
            return
        for code in clauses:
            note = f"{name} round {round_number}"
            status, body = browser.request(
                f"{here}/assessments/{assessment_id}/clauses/{code}/",
                {
                    f"{code}-status": "met",
                    f"{code}-note": note,
                    f"{code}-version": _version_on_page(page, code),
                    "csrfmiddlewaretoken": browser.csrf_token(),
                },
                accept="application/json",
            )
            if status == 409:
                with tally.lock:
                    tally.conflicts += 1
                continue
            if status != 200:
                tally.failures.append(f"{name}: save of {code} answered {status}")
                continue
            version = json.loads(body)["version"]
            with tally.lock:
                tally.saved.setdefault(code, []).append(version)
                tally.notes[(code, version)] = note
            # What one server saved, the other shows at once.
            status, fresh = browser.request(f"{there}{area}")
            seen = _version_on_page(fresh, code) if status == 200 else -1
            with tally.lock:
                tally.cross_reads += 1
                if seen < version:
                    tally.stale_reads.append(f"{code}: saved {version}, saw {seen}")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="several servers share one database only on PostgreSQL",
)
def test_two_servers_on_one_database_lose_no_save(
    transactional_db, small_framework, organization, static_root
):
    User = get_user_model()
    password = make_password(PASSWORD)
    names = [f"assessor-{n}" for n in range(6)]
    for name in names:
        user = User.objects.create(username=name, password=password)
        Membership.objects.create(
            organization=organization, user=user, role=Role.ASSESSOR
        )
    assessment = Assessment.objects.create(
        organization=organization, framework=small_framework, title="两台服务器"
    )
    clauses = AREA_CLAUSES[:4]
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    env = production_env(url, static_root, AXES_FAILURE_LIMIT="50")
    tally = Tally()
    with gunicorn(env) as first, gunicorn(env) as second:
        servers = [first, second]
        browsers = []
        for index, name in enumerate(names):
            browser = Browser()
            # Logged in on one server, the session works on the other too.
            browser.log_in(servers[index % 2], name, PASSWORD)
            browsers.append(browser)
        workers = [
            threading.Thread(
                target=_assessor_works,
                args=(browser, servers if i % 2 else servers[::-1]),
                kwargs={
                    "assessment_id": assessment.pk,
                    "clauses": clauses,
                    "name": names[i],
                    "rounds": 6,
                    "tally": tally,
                },
            )
            for i, browser in enumerate(browsers)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()

    assert not tally.failures, tally.failures
    assert not tally.stale_reads, tally.stale_reads
    saves = sum(len(versions) for versions in tally.saved.values())
    assert saves > len(clauses) and tally.conflicts > 0, "the saves did conflict"
    stored = {a.clause.code: a for a in Answer.objects.select_related("clause")}
    for code in clauses:
        versions = sorted(tally.saved[code])
        # Every accepted save made a version of its own, none was overwritten
        # silently, and the stored answer is the last one accepted.
        assert versions == list(range(1, len(versions) + 1)), (code, versions)
        assert stored[code].version == versions[-1]
        assert stored[code].note == tally.notes[(code, versions[-1])]
    # Each accepted save left exactly one link in the trail, and the chain holds.
    changes = AuditRecord.objects.filter(assessment_ref=assessment.pk, kind="answer")
    assert Counter(changes.values_list("subject", flat=True)) == Counter(
        {code: len(tally.saved[code]) for code in clauses}
    )
    assert first_broken_link_of(organization) is None
    print(
        f"\n{saves} saves accepted, {tally.conflicts} refused as conflicts, "
        f"{tally.cross_reads} read back from the other server, none lost"
    )
