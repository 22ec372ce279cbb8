"""Filling a database with realistic demo data, to try the app and to measure it.

simulation makes each organization's history in memory; writing stores the rows in
batches, one transaction each, side by side on PostgreSQL.
"""

from assessments.services.seeding.shared import (
    BATCH,
    MAX_ASSESSMENTS,
    MAX_ORGANIZATIONS,
    SEED_PASSWORD,
    SeedError,
    SeedPlan,
)
from assessments.services.seeding.writing import seed_demo

__all__ = [
    "BATCH",
    "MAX_ASSESSMENTS",
    "MAX_ORGANIZATIONS",
    "SEED_PASSWORD",
    "SeedError",
    "SeedPlan",
    "seed_demo",
]
