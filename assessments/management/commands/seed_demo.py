"""Fill the database with realistic demo organizations, to try the app or measure it."""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.services.seeding import (
    BATCH,
    SEED_PASSWORD,
    SeedError,
    SeedPlan,
    seed_demo,
)

BAD_INPUT = 2


class Command(BaseCommand):
    help = (
        "Create ORGS organizations, each with members of every role, an evidence "
        "library and ASSESSMENTS assessments in every state (answers, citations, "
        "review decisions and an audit trail that verifies), against the newest "
        "framework loaded. The same --seed gives the same data. Organizations are "
        "named seed<SEED>-0001, ...; users seed<SEED>-0001-admin1, -assessor1, "
        f"-auditor1, -executive1, ..., all with the password {SEED_PASSWORD}. "
        "Re-running with a seed already planted changes nothing and says so; "
        f"another seed adds a new set beside it. Each batch of {BATCH} organizations "
        "is one transaction, so an interrupted run leaves whole organizations only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # Read as text and checked here, so a bad value gives one line, not usage.
        parser.add_argument("--orgs", default="10", help="organizations (default 10)")
        parser.add_argument(
            "--assessments", default="5", help="assessments each (default 5)"
        )
        parser.add_argument("--seed", default="1", help="random seed (default 1)")
        parser.add_argument(
            "--jobs",
            default="",
            help="processes writing side by side, on PostgreSQL (default: one per CPU)",
        )

    def handle(self, *args: object, **options: object) -> None:
        plan = SeedPlan(
            organizations=_whole(options, "orgs"),
            assessments=_whole(options, "assessments"),
            seed=_whole(options, "seed"),
        )
        started = time.perf_counter()
        tenths = [0]

        def progress(done: int) -> None:
            tenth = done * 10 // plan.organizations
            if tenth > tenths[0]:
                tenths[0] = tenth
                self.stdout.write(f"  {done}/{plan.organizations} organizations")

        jobs = _whole(options, "jobs") if options["jobs"] else None
        if jobs == 0:
            raise CommandError("--jobs must be 1 or more", returncode=BAD_INPUT)
        try:
            counts = seed_demo(plan, progress, jobs)
        except SeedError as error:
            raise CommandError(str(error), returncode=BAD_INPUT) from None
        seconds = time.perf_counter() - started
        rows = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(f"seeded in {seconds:.1f} s: {rows}")
        self.stdout.write(f"every seeded user's password: {SEED_PASSWORD}")


def _whole(options: dict, name: str) -> int:
    value = str(options[name])
    if not value.isdigit():
        raise CommandError(
            f"--{name}: expected a whole number, got {value!r}", returncode=BAD_INPUT
        )
    return int(value)
