"""Writes that touch several rows happen whole or not at all, and none is lost."""

import json
import threading
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from assessments.lifecycle import Action, State
from assessments.models import Answer, Assessment, AuditRecord, Clause, Evidence
from assessments.scoring import Status
from assessments.services import answers as answer_service
from assessments.services import exchange as exchange_service
from assessments.services import lifecycle as lifecycle_service
from assessments.services.answers import AnswerInput, add_uploaded_evidence, save_answer
from assessments.services.audit import first_broken_link_of
from tests.conftest import make_member, row_counts
from tests.review_support import access_of
from tests.test_import_export_commands import DOCUMENT
from tests.views_support import AREA_CLAUSES, pdf_upload

pytestmark = pytest.mark.usefixtures("fast_passwords")


class Outage(Exception):
    """Stands for whatever can fail halfway: a lost connection, a full disk."""


def fail_on_call(number: int, real):
    calls = Counter()

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == number:
            raise Outage("the database went away")
        return real(*args, **kwargs)

    return failing


def test_an_import_failing_halfway_leaves_nothing(
    small_framework, organization, monkeypatch
):
    raw = json.dumps(DOCUMENT, ensure_ascii=False)
    document, _ = exchange_service.read_document(raw)
    before = row_counts(), AuditRecord.objects.count()
    # The third answer's trail record fails, after two answers and their evidence.
    monkeypatch.setattr(
        exchange_service,
        "record_change",
        fail_on_call(3, exchange_service.record_change),
    )

    with pytest.raises(Outage):
        exchange_service.import_document(document, organization)

    assert (row_counts(), AuditRecord.objects.count()) == before


def test_a_stored_upload_is_removed_when_its_row_cannot_be_written(
    organization, assessor, media, monkeypatch
):
    monkeypatch.setattr(
        answer_service, "record_change", fail_on_call(1, answer_service.record_change)
    )

    with pytest.raises(Outage):
        add_uploaded_evidence(organization.pk, pdf_upload(), "制度", assessor)

    assert not Evidence.objects.exists()
    stored = (
        [p for p in Path(media).rglob("*") if p.is_file()] if media.exists() else []
    )
    assert stored == []


def test_a_state_change_failing_halfway_keeps_the_old_state(
    assessment, team, organization, monkeypatch
):
    monkeypatch.setattr(
        lifecycle_service,
        "record_change",
        fail_on_call(1, lifecycle_service.record_change),
    )
    admin = team["admin"]

    with pytest.raises(Outage):
        lifecycle_service.change_state(
            assessment, Action.SUBMIT, admin, access_of(admin, organization)
        )

    assessment.refresh_from_db()
    assert assessment.state == State.DRAFT
    assert not AuditRecord.objects.filter(kind="state").exists()


@pytest.mark.django_db(transaction=True)
def test_many_conflicting_saves_from_threads_lose_no_update(
    small_framework, organization
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers; the race needs PostgreSQL")
    assessment = Assessment.objects.create(
        organization=organization, framework=small_framework, title="并发保存"
    )
    users = [make_member(organization, f"assessor-{n}", "assessor") for n in range(8)]
    codes = AREA_CLAUSES[:5]
    clauses = {c.code: c for c in Clause.objects.filter(code__in=codes)}
    accepted: dict[str, list[tuple[int, str]]] = {code: [] for code in codes}
    refused = Counter()
    lock = threading.Lock()

    def assessor_saves(user, rounds: int) -> None:
        try:
            for round_number in range(rounds):
                for code in codes:
                    stored = Answer.objects.filter(
                        assessment=assessment, clause=clauses[code]
                    ).first()
                    loaded = stored.version if stored else 0
                    note = f"{user.username}/{round_number}"
                    outcome = save_answer(
                        assessment,
                        clauses[code],
                        AnswerInput(Status.MET, note=note),
                        loaded,
                        user,
                    )
                    with lock:
                        if outcome.conflict:
                            refused[code] += 1
                        else:
                            accepted[code].append((outcome.answer.version, note))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=assessor_saves, args=(user, 12)) for user in users
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    attempts = len(users) * 12 * len(codes)
    assert sum(len(v) for v in accepted.values()) + sum(refused.values()) == attempts
    assert sum(refused.values()) > 0, "the saves did race"
    for code in codes:
        versions = sorted(version for version, _ in accepted[code])
        # One version per accepted save, none overwritten, the last one stored.
        assert versions == list(range(1, len(versions) + 1))
        answer = Answer.objects.get(assessment=assessment, clause=clauses[code])
        assert answer.version == versions[-1]
        assert answer.note == dict(accepted[code])[versions[-1]]
        assert AuditRecord.objects.filter(kind="answer", subject=code).count() == len(
            versions
        )
    assert first_broken_link_of(organization) is None
    saved = attempts - sum(refused.values())
    print(f"\n{attempts} saves from {len(users)} threads: {saved} accepted, none lost")
