"""Median time to score one complete assessment of T/ISC 0028—2023.

Every askable clause is answered (a realistic mix: mostly met, some partial, not met
and not applicable), and the whole catalogue is scored with a target level, as the
results page does. Run: .venv/bin/python bench/score_benchmark.py [--runs N]
"""

import argparse
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assessments.catalogue import read_catalogue  # noqa: E402
from assessments.scoring import Answer, Status, score  # noqa: E402

FRAMEWORK = (
    Path(__file__).resolve().parent.parent / "framework_data" / "t-isc-0028-2023"
)


def complete_answers(catalogue, seed: int) -> dict[str, Answer]:
    # Reproducible benchmark data.
    rng = random.Random(seed)  # nosec B311
    statuses = [Status.MET] * 7 + [
        Status.PARTIAL,
        Status.NOT_MET,
        Status.NOT_APPLICABLE,
    ]
    answers = {}
    for clause in catalogue.clauses():
        if not clause.baseline:
            status = rng.choice(statuses)
            answers[clause.code] = Answer(status, "不适用理由")
    return answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    runs = parser.parse_args().runs

    catalogue = read_catalogue(FRAMEWORK)
    answers = complete_answers(catalogue, seed=7)
    for _ in range(50):  # warm up
        score(catalogue, answers, target_level=3)

    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        score(catalogue, answers, target_level=3)
        timings.append(time.perf_counter() - started)

    clauses = sum(1 for _ in catalogue.clauses())
    machine = platform.processor() or platform.machine()
    print(f"machine: {machine}, Python {platform.python_version()}")
    print(f"scored {clauses} clauses ({len(answers)} answered) {runs} times")
    median = statistics.median(timings) * 1000
    p95 = sorted(timings)[int(runs * 0.95)] * 1000
    print(f"median {median:.3f} ms")
    print(f"p95    {p95:.3f} ms")

    from bench.perfdoc import write_section

    body = (
        f"The whole catalogue ({clauses} clauses, {len(answers)} answered) scored "
        f"{runs} times with a target level: **median {median:.3f} ms**, "
        f"p95 {p95:.3f} ms (aim: under 1 ms)."
    )
    print(f"written to {write_section('score', 'Scoring one assessment', body)}")


if __name__ == "__main__":
    main()
