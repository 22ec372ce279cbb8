"""Saving one clause's answer, refusing a save based on an outdated version."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from assessments.models import Answer, Assessment, Citation, Clause, Evidence
from assessments.scoring import Status
from assessments.services.audit import (
    actor_name,
    answer_snapshot,
    evidence_snapshot,
    record_change,
)


class AnswerError(Exception):
    """An answer the rules refuse, such as not applicable without a reason."""


@dataclass(frozen=True)
class AnswerInput:
    status: Status | None
    note: str = ""
    justification: str = ""
    evidence_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class SaveOutcome:
    # On a conflict, the answer someone else saved since the assessor loaded the
    # clause (None if it has since gone): it is kept, shown, and never overwritten.
    answer: Answer | None
    conflict: bool = False


def save_answer(
    assessment: Assessment,
    clause: Clause,
    data: AnswerInput,
    loaded_version: int,
    user: AbstractBaseUser | None,
) -> SaveOutcome:
    """Save the answer if it is still at loaded_version (0: there was none).

    The row is locked while the version is compared and raised, so two concurrent
    saves from the same version cannot both succeed.
    """
    if not assessment.editable:
        raise AnswerError(
            f"the assessment is {assessment.state}: answers change only while it is "
            "a draft or returned"
        )
    if clause.framework_id != assessment.framework_id or clause.baseline:
        raise AnswerError(f"clause {clause.code} takes no answer in this assessment")
    if data.status is Status.NOT_APPLICABLE and not data.justification.strip():
        raise AnswerError("not applicable needs a written justification")
    evidence = list(
        Evidence.objects.filter(
            organization_id=assessment.organization_id, pk__in=data.evidence_ids
        )
    )
    if len(evidence) != len(set(data.evidence_ids)):
        raise AnswerError("evidence must come from the organization's own library")

    with transaction.atomic():
        answer, created = Answer.objects.select_for_update().get_or_create(
            assessment=assessment, clause=clause, defaults={"version": 0}
        )
        if answer.version != loaded_version:
            if created:
                answer.delete()
                return SaveOutcome(None, conflict=True)
            return SaveOutcome(answer, conflict=True)
        before = None if created else answer_snapshot(answer)
        answer.status = data.status.value if data.status else ""
        answer.note = data.note
        answer.justification = data.justification
        answer.version += 1
        answer.updated_by = user
        answer.save()
        by_id = {item.pk: item for item in evidence}
        answer.citations.all().delete()
        Citation.objects.bulk_create(
            Citation(answer=answer, evidence=by_id[pk], position=position)
            for position, pk in enumerate(dict.fromkeys(data.evidence_ids))
        )
        record_change(
            assessment.organization_id,
            actor_name(user),
            "answer",
            clause.code,
            before,
            answer_snapshot(answer),
            assessment.pk,
        )
    return SaveOutcome(answer)


@transaction.atomic
def add_evidence(item: Evidence, user: AbstractBaseUser | None) -> Evidence:
    """Keep a new item in its organization's library, and say so in the trail."""
    item.created_by = user
    item.save()
    record_change(
        item.organization_id,
        actor_name(user),
        "evidence",
        f"evidence:{item.pk}",
        None,
        evidence_snapshot(item),
    )
    return item


def add_uploaded_evidence(
    organization_id: int,
    upload: UploadedFile,
    title: str,
    user: AbstractBaseUser | None,
) -> Evidence:
    """Keep an uploaded file in the organization's library, under its own title."""
    item = Evidence(
        organization_id=organization_id,
        title=title.strip() or (upload.name or "")[:300],
        kind=Evidence.Kind.FILE,
        file_name=(upload.name or "")[:255],
        file=upload,
    )
    try:
        return add_evidence(item, user)
    except BaseException:
        # The row was rolled back; the file, stored first, must not stay behind.
        if item.file.name:
            item.file.storage.delete(item.file.name)
        raise
