"""Server time and SQL queries of the main pages, against a seeded database.

Runs the app in-process with DEBUG off and asks each page through Django's test
client, for many different seeded assessments and organizations, as their admin.
Requests go as HTTPS, as in production. Prints per page the median and 95th
percentile time and the queries, and writes them to docs/performance.md. Times include
the test client's own small overhead and the recording of queries.

Run against a database filled by seed_demo, e.g.:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/cmmrm_bench \\
      .venv/bin/python bench/page_benchmark.py [--requests 200]
"""

import argparse
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django() -> None:
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "page-benchmark-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmmrm.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # Static files as they are: production's manifest would need collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@dataclass
class Figures:
    page: str
    times: list[float]
    queries: list[int]

    def row(self) -> str:
        times = sorted(self.times)
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        return (
            f"| {self.page} | {len(times)} | {statistics.median(times) * 1000:.1f} | "
            f"{p95 * 1000:.1f} | {statistics.median(self.queries):.0f} | "
            f"{max(self.queries)} |"
        )


def sample(count: int, seed: int) -> list:
    """count seeded assessments chosen at random, with their organization's admin."""
    from assessments.models import Assessment, Membership, Role

    ids = list(
        Assessment.objects.filter(organization__slug__startswith="seed").values_list(
            "pk", flat=True
        )
    )
    if not ids:
        sys.exit("no seeded assessment: run manage.py seed_demo first")
    rng = random.Random(seed)  # nosec B311
    chosen = Assessment.objects.select_related("organization").in_bulk(
        rng.sample(ids, min(count, len(ids)))
    )
    admins = dict(
        Membership.objects.filter(
            organization__in={a.organization_id for a in chosen.values()},
            role=Role.ADMIN,
        ).values_list("organization_id", "user")
    )
    return [(a, admins[a.organization_id]) for a in chosen.values()]


def addresses(assessment, rng: random.Random) -> dict[str, str]:
    from django.urls import reverse

    from assessments.services.frameworks import catalogue_for

    areas = [
        area.code
        for area in catalogue_for(assessment.framework).assessable_areas()
        if assessment.in_scope(area.code)
    ]
    slug, pk = assessment.organization.slug, assessment.pk
    return {
        "area questionnaire": reverse("assessments:area", args=[pk, rng.choice(areas)]),
        "assessment overview": reverse("assessments:assessment", args=[pk]),
        "results": reverse("assessments:results", args=[pk]),
        "dashboard": reverse("assessments:dashboard", args=[slug]),
        "organization": reverse("assessments:organization", args=[slug]),
        "evidence library": reverse("assessments:library", args=[slug]),
        "audit trail": reverse("assessments:trail", args=[pk]),
    }


def measure(requests: int, warm_up: int, seed: int) -> list[Figures]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    rng = random.Random(seed)  # nosec B311
    chosen = sample(requests + warm_up, seed)
    clients = {}
    for _assessment, admin in chosen:
        if admin not in clients:
            clients[admin] = Client()
            clients[admin].force_login(_user(admin))
    figures: dict[str, Figures] = {}
    for number, (assessment, admin) in enumerate(chosen):
        for page, address in addresses(assessment, rng).items():
            # The query log keeps 9,000 queries at most, and then counts none.
            reset_queries()
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = clients[admin].get(address, secure=True)
            spent = time.perf_counter() - started
            if response.status_code != 200:
                sys.exit(f"{address}: status {response.status_code}")
            if number >= warm_up:
                entry = figures.setdefault(page, Figures(page, [], []))
                entry.times.append(spent)
                entry.queries.append(len(queries))
    return list(figures.values())


def _user(pk: int):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=pk)


def describe_data() -> str:
    from django.db import connection

    from assessments.models import Answer, Assessment, AuditRecord, Organization

    counts = ", ".join(
        f"{model.objects.count()} {model.__name__} rows"
        for model in (Organization, Assessment, Answer, AuditRecord)
    )
    return f"{connection.vendor}, {counts}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="per page")
    parser.add_argument("--warm-up", type=int, default=20, help="per page, unmeasured")
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    setup_django()

    figures = measure(options.requests, options.warm_up, options.seed)

    data = describe_data()
    table = "\n".join(
        [
            "| page | requests | median ms | p95 ms | queries (median) | "
            "queries (max) |",
            "|---|---:|---:|---:|---:|---:|",
            *(entry.row() for entry in figures),
        ]
    )
    print(f"data: {data}\n\n{table}")
    from bench.perfdoc import write_section

    body = (
        f"Data: {data}. Each request asks for a different seeded assessment or "
        f"organization, as its admin, after {options.warm_up} unmeasured requests "
        "per page; DEBUG off; times include the test client.\n\n" + table
    )
    path = write_section("pages", "Page server time and queries", body)
    print(f"\nwritten to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
