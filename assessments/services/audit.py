"""Appending to an organization's audit trail, and checking it.

Every change of an answer, an evidence item, a review decision or an assessment's
state is appended in the same transaction as the change itself, so the trail never
misses a change nor records one that did not happen.
"""

from django.db import transaction
from django.utils import timezone

from assessments.audit import (
    GENESIS,
    BrokenLink,
    ChainedRecord,
    first_broken_link,
    record_hash,
)
from assessments.models import Answer, AuditHead, AuditRecord, Evidence, Organization


@transaction.atomic
def record_change(
    organization_id: int,
    actor: str,
    kind: str,
    subject: str,
    before: object,
    after: object,
    assessment_id: int | None = None,
) -> AuditRecord:
    # The head row is locked so that appends to one organization's chain take turns.
    head, _ = AuditHead.objects.select_for_update().get_or_create(
        organization_id=organization_id
    )
    record = AuditRecord(
        organization_id=organization_id,
        sequence=head.sequence + 1,
        at=timezone.now(),
        actor=actor,
        assessment_ref=assessment_id,
        kind=kind,
        subject=subject,
        before=before,
        after=after,
        previous_hash=head.hash,
    )
    record.hash = record_hash(record.previous_hash, record.content())
    record.save()
    head.sequence, head.hash = record.sequence, record.hash
    head.save(update_fields=["sequence", "hash"])
    return record


def actor_name(user: object) -> str:
    return getattr(user, "username", "") or "system"


def answer_snapshot(answer: Answer | None) -> dict[str, object] | None:
    if answer is None or answer.pk is None:
        return None
    return {
        "version": answer.version,
        "status": answer.status,
        "note": answer.note,
        "justification": answer.justification,
        "evidence": [citation.evidence_id for citation in answer.citations.all()],
    }


def evidence_snapshot(item: Evidence) -> dict[str, object]:
    return {
        "title": item.title,
        "kind": item.kind,
        "content": item.content,
        "file": item.file.name if item.file else "",
    }


def first_broken_link_of(organization: Organization) -> BrokenLink | None:
    head = AuditHead.objects.filter(organization=organization).first()
    records = (
        ChainedRecord(
            record.sequence, record.content(), record.previous_hash, record.hash
        )
        for record in organization.audit_records.order_by("sequence").iterator()
    )
    expected = (head.sequence, head.hash) if head else (0, GENESIS)
    return first_broken_link(records, expected)
