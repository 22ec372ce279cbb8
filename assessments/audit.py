"""The hash chain that makes the audit trail tamper-evident, in plain Python.

Each record's hash covers its own content and the previous record's hash, so editing
a record breaks its own hash, and deleting or reordering records breaks the link
from the record after them.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def record_hash(previous_hash: str, content: Mapping[str, Any]) -> str:
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256((previous_hash + canonical).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainedRecord:
    sequence: int
    content: Mapping[str, Any]
    previous_hash: str
    hash: str


@dataclass(frozen=True)
class BrokenLink:
    sequence: int
    problem: str

    def __str__(self) -> str:
        return f"record {self.sequence}: {self.problem}"


def first_broken_link(
    records: Iterable[ChainedRecord], head: tuple[int, str]
) -> BrokenLink | None:
    """Walk the records in the order stored; None when the chain is whole.

    head is the sequence and hash of the last record appended, kept apart from the
    records, so that deleting the newest records is noticed too.
    """
    expected_sequence = 1
    previous = GENESIS
    for record in records:
        if record.sequence != expected_sequence:
            return BrokenLink(
                record.sequence,
                f"expected record {expected_sequence} here: a record is missing "
                "or out of order",
            )
        if record.previous_hash != previous:
            return BrokenLink(
                record.sequence, "does not link to the record before it (reordered?)"
            )
        if record_hash(record.previous_hash, record.content) != record.hash:
            return BrokenLink(
                record.sequence, "its content does not match its hash (edited)"
            )
        previous = record.hash
        expected_sequence += 1
    if (expected_sequence - 1, previous) != head:
        return BrokenLink(
            head[0], "the newest records are missing (the trail ends too early)"
        )
    return None
