"""Render the PDF report of a complete assessment and print its figures.

Builds a throwaway SQLite database with the real framework, one organization and one
assessment with every askable clause answered (a realistic mix of statuses) and
evidence cited, then reports pages, size, seconds, and the ratio of the whole report
time to WeasyPrint rendering the same final HTML alone. It then approves the
assessment and times the report's download: issued (rendered and stored) on the
first request, served from storage after. The figures go to docs/performance.md.

Run: .venv/bin/python bench/report_benchmark.py [--lang zh|en] [--runs N]
"""

import argparse
import io
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_database(folder: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["MEDIA_ROOT"] = f"{folder}/media"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmmrm.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_framework", stdout=quiet)


def complete_assessment(seed: int = 7):
    from assessments.models import (
        Answer,
        Assessment,
        Citation,
        Evidence,
        Framework,
        Organization,
    )

    # Reproducible benchmark data.
    rng = random.Random(seed)  # nosec B311
    framework = Framework.objects.get()
    organization = Organization.objects.create(name="基准测试机构", slug="bench")
    assessment = Assessment.objects.create(
        organization=organization, framework=framework, title="完整评估", target_level=3
    )
    library = Evidence.objects.bulk_create(
        Evidence(
            organization=organization,
            title=f"制度文件 {n:02d}",
            kind="url",
            url=f"https://intranet.example/policies/{n}",
        )
        for n in range(40)
    )
    statuses = ["met"] * 7 + ["partial", "not_met", "not_applicable"]
    answers = Answer.objects.bulk_create(
        Answer(
            assessment=assessment,
            clause=clause,
            status=rng.choice(statuses),
            justification="本组织不开展此类业务。",
            note="见相关制度及会议纪要。",
        )
        for clause in framework.clauses.filter(baseline=False)
    )
    Citation.objects.bulk_create(
        Citation(answer=answer, evidence=item, position=position)
        for answer in answers
        for position, item in enumerate(rng.sample(library, 2))
    )
    return assessment


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        setup_database(folder)
        from pypdf import PdfReader

        from assessments.reports.pdf import html_to_pdf, render_report, report_html

        assessment = complete_assessment()
        render_report(assessment, options.lang)  # warm up fonts and caches
        whole, alone = [], []
        for _ in range(options.runs):
            started = time.perf_counter()
            pdf = render_report(assessment, options.lang)
            whole.append(time.perf_counter() - started)
            html = report_html(assessment, options.lang)
            started = time.perf_counter()
            html_to_pdf(html)
            alone.append(time.perf_counter() - started)

        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        python = platform.python_version()
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {python}")
        print(f"edition: {options.lang}, {pages} pages, {len(pdf) / 1024:.0f} KiB")
        whole_s, alone_s = statistics.median(whole), statistics.median(alone)
        print(f"whole report: median {whole_s:.2f} s over {options.runs} runs")
        print(f"WeasyPrint alone on the same HTML: median {alone_s:.2f} s")
        print(f"ratio: {whole_s / alone_s:.3f}")
        issuing, serving = time_issued_downloads(assessment, options.lang, runs=20)
        print(f"issued on first download: {issuing:.2f} s")
        print(f"served from storage after: median {serving * 1000:.1f} ms")

    from bench.perfdoc import write_section

    body = "\n".join(
        [
            "A complete assessment: every askable clause answered, two evidence items "
            "cited per answer.",
            "",
            "| edition | pages | size | whole report (median) | WeasyPrint alone "
            "| ratio | issued report, first download | served from storage |",
            "|---|---|---|---|---|---|---|---|",
            f"| {options.lang} | {pages} | {len(pdf) / 1024:.0f} KiB | {whole_s:.2f} s "
            f"| {alone_s:.2f} s | {whole_s / alone_s:.2f} | {issuing:.2f} s "
            f"| {serving * 1000:.1f} ms |",
        ]
    )
    title = f"PDF report ({options.lang})"
    print(f"written to {write_section(f'report-{options.lang}', title, body)}")


def time_issued_downloads(assessment, language: str, runs: int):
    """Seconds for the first download of the approved report, and the median after."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from assessments.models import Membership, Role

    assessment.state = "approved"
    assessment.save(update_fields=["state"])
    user = get_user_model().objects.create(username="bench-executive")
    Membership.objects.create(
        organization=assessment.organization, user=user, role=Role.EXECUTIVE
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    address = reverse("assessments:report", args=[assessment.pk]) + f"?lang={language}"

    def download() -> float:
        started = time.perf_counter()
        response = client.get(address)
        if response.status_code != 200:
            raise SystemExit(f"the report download answered {response.status_code}")
        b"".join(response.streaming_content)
        return time.perf_counter() - started

    first = download()
    return first, statistics.median(download() for _ in range(runs))


if __name__ == "__main__":
    main()
