"""The hash chain of the audit trail: plain Python, no database."""

import dataclasses

import pytest

from assessments.audit import (
    GENESIS,
    BrokenLink,
    ChainedRecord,
    first_broken_link,
    record_hash,
)


def chain(count: int) -> list[ChainedRecord]:
    """count records, each linked to the one before, as record_change appends them."""
    records = []
    previous = GENESIS
    for sequence in range(1, count + 1):
        content = {
            "sequence": sequence,
            "actor": "assessor-a",
            "kind": "answer",
            "subject": f"5.2.1.1.{'ab'[sequence % 2]}",
            "before": None,
            "after": {"status": "met", "version": sequence, "note": "见制度"},
        }
        record = ChainedRecord(
            sequence, content, previous, record_hash(previous, content)
        )
        records.append(record)
        previous = record.hash
    return records


def head_of(records: list[ChainedRecord]) -> tuple[int, str]:
    return (records[-1].sequence, records[-1].hash) if records else (0, GENESIS)


def test_intact_chain_is_whole():
    records = chain(4)

    result = first_broken_link(records, head_of(records))

    assert result is None


def test_empty_trail_is_whole():
    result = first_broken_link([], (0, GENESIS))

    assert result is None


def test_record_hash_covers_the_previous_hash_and_the_content():
    content = {"kind": "state", "after": {"state": "submitted"}}

    first = record_hash(GENESIS, content)

    assert len(first) == 64
    assert record_hash(GENESIS, dict(reversed(content.items()))) == first
    assert record_hash("1" * 64, content) != first
    assert record_hash(GENESIS, {**content, "after": {"state": "final"}}) != first


def test_edited_record_is_found_by_its_own_hash():
    records = chain(4)
    head = head_of(records)
    edited = {**records[1].content, "after": {"status": "not_met", "version": 2}}
    records[1] = dataclasses.replace(records[1], content=edited)

    result = first_broken_link(records, head)

    assert result.sequence == 2
    assert "edited" in result.problem


def test_edited_record_with_a_recomputed_hash_breaks_the_next_link():
    records = chain(4)
    head = head_of(records)
    edited = {**records[1].content, "actor": "someone-else"}
    records[1] = dataclasses.replace(
        records[1], content=edited, hash=record_hash(records[1].previous_hash, edited)
    )

    result = first_broken_link(records, head)

    assert result.sequence == 3
    assert "does not link" in result.problem


def test_deleted_middle_record_is_found_where_it_is_missing():
    records = chain(4)
    head = head_of(records)
    del records[1]

    result = first_broken_link(records, head)

    assert result.sequence == 3
    assert "expected record 2" in result.problem
    assert "missing" in result.problem


def test_deleted_last_record_is_found_through_the_head():
    records = chain(4)
    head = head_of(records)
    del records[-1]

    result = first_broken_link(records, head)

    assert result.sequence == 4
    assert "newest records are missing" in result.problem


def test_deleting_every_record_is_found_through_the_head():
    records = chain(2)
    head = head_of(records)

    result = first_broken_link([], head)

    assert result.sequence == 2
    assert "missing" in result.problem


def test_swapped_records_are_found_out_of_order():
    records = chain(4)
    head = head_of(records)
    records[1], records[2] = records[2], records[1]

    result = first_broken_link(records, head)

    assert result.sequence == 3
    assert "out of order" in result.problem


def test_swapped_records_renumbered_to_fit_break_the_link():
    records = chain(4)
    head = head_of(records)
    second, third = records[1], records[2]
    records[1] = dataclasses.replace(third, sequence=2)
    records[2] = dataclasses.replace(second, sequence=3)

    result = first_broken_link(records, head)

    assert result.sequence == 2
    assert "does not link" in result.problem


@pytest.mark.parametrize(
    "link, text",
    [
        (BrokenLink(3, "edited"), "record 3: edited"),
        (BrokenLink(12, "missing"), "record 12: missing"),
    ],
)
def test_broken_link_names_the_record_and_the_problem(link, text):
    assert str(link) == text
