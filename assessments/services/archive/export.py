"""Writing an organization to an archive.

The manifest is built from the database and every stored file it names is copied in
by SHA-256. A stored file that cannot be read, an issued report that no longer
matches its hash, or a broken audit trail stops the export: such an archive could
never be restored.
"""

import datetime
import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.storage import Storage
from django.db import models
from django.utils.translation import gettext as _

from assessments.models import (
    Answer,
    Assessment,
    AuditHead,
    Evidence,
    IssuedReport,
    Organization,
)
from assessments.services.archive.format import (
    ACCOUNT_FIELDS,
    ANSWER_FIELDS,
    ASSESSMENT_FIELDS,
    CHUNK,
    EVIDENCE_FIELDS,
    FORMAT,
    MANIFEST,
    ORGANIZATION_FIELDS,
    RECORD_FIELDS,
    REPORT_FIELDS,
    REVIEW_FIELDS,
    ArchiveError,
    ArchiveSummary,
)
from assessments.services.audit import first_broken_link_of

# Every member gets the same time, so exporting the same data gives the same bytes.
MEMBER_TIME = (1980, 1, 1, 0, 0, 0)


def export_organization(organization: Organization, path: Path) -> ArchiveSummary:
    """Write the organization to path, replacing it only once complete."""
    manifest, files = organization_manifest(organization)
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with (
            os.fdopen(handle, "wb") as raw,
            zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive,
        ):
            text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
            _write_member(archive, MANIFEST, [text.encode("utf-8")])
            for digest, (storage, name) in sorted(files.items()):
                with storage.open(name, "rb") as content:
                    _write_member(archive, f"files/{digest}", content.chunks(CHUNK))
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return ArchiveSummary(
        organization.slug,
        len(manifest["accounts"]),
        len(manifest["assessments"]),
        len(files),
    )


def _write_member(archive: zipfile.ZipFile, name: str, chunks: Iterable[bytes]) -> None:
    info = zipfile.ZipInfo(name, date_time=MEMBER_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    with archive.open(info, "w") as member:
        for chunk in chunks:
            member.write(chunk)


StoredFiles = dict[str, tuple[Storage, str]]


def organization_manifest(organization: Organization) -> tuple[dict, StoredFiles]:
    """The manifest, and the stored files it names by SHA-256."""
    trail = _trail_entry(organization)
    people = _People(organization)
    files: StoredFiles = {}
    library = list(organization.evidence.order_by("pk"))
    evidence = [_evidence_entry(item, people, files) for item in library]
    index = {item.pk: position for position, item in enumerate(library)}
    assessments = [
        _assessment_entry(assessment, index, people, files)
        for assessment in organization.assessments.select_related("framework").order_by(
            "pk"
        )
    ]
    manifest = {
        "format": FORMAT,
        "organization": _plain(organization, ORGANIZATION_FIELDS),
        "accounts": people.entries(),
        "evidence": evidence,
        "assessments": assessments,
        "audit_trail": trail,
    }
    return manifest, files


class _People:
    """The accounts an archive names: every member, and anyone else a row names (a
    former member's review, say), who then carries no role."""

    def __init__(self, organization: Organization) -> None:
        memberships = organization.memberships.select_related("user")
        self.users = {membership.user_id: membership.user for membership in memberships}
        self.roles = {membership.user_id: membership.role for membership in memberships}

    def name(self, user_id: int | None) -> str | None:
        if user_id is None:
            return None
        if user_id not in self.users:
            self.users[user_id] = get_user_model().objects.get(pk=user_id)
        return self.users[user_id].get_username()

    def entries(self) -> list[dict]:
        users = sorted(self.users.values(), key=lambda user: user.get_username())
        return [
            _plain(user, ACCOUNT_FIELDS) | {"role": self.roles.get(user.pk)}
            for user in users
        ]


def _plain(row: models.Model, names: Iterable[str]) -> dict[str, Any]:
    return {name: _json_value(getattr(row, name)) for name in names}


def _json_value(value: object) -> object:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        # PostgreSQL reorders the keys of JSON values; sorted, both databases agree.
        return json.loads(json.dumps(value, sort_keys=True))
    return value


def _stored_digest(storage: Storage, name: str, place: str) -> str:
    digest = hashlib.sha256()
    try:
        with storage.open(name, "rb") as content:
            for chunk in content.chunks(CHUNK):
                digest.update(chunk)
    except OSError as error:
        raise ArchiveError(
            place,
            _("stored file %(name)s cannot be read (%(error)s)")
            % {
                "name": name,
                "error": error.strerror or error,
            },
        ) from None
    return digest.hexdigest()


def _evidence_entry(item: Evidence, people: _People, files: StoredFiles) -> dict:
    digest = None
    if item.file:
        storage, name = item.file.storage, item.file.name
        digest = _stored_digest(storage, name, f"evidence {item.pk}")
        files[digest] = (storage, name)
    return _plain(item, EVIDENCE_FIELDS) | {
        "sha256": digest,
        "created_by": people.name(item.created_by_id),
    }


def _assessment_entry(
    assessment: Assessment, index: dict[int, int], people: _People, files: StoredFiles
) -> dict:
    assignments = sorted(
        (assignment.area_code, people.name(assignment.assessor_id))
        for assignment in assessment.assignments.all()
    )
    answers = (
        assessment.answers.select_related("clause")
        .prefetch_related("citations", "reviews")
        .order_by("clause__position", "pk")
    )
    return _plain(assessment, ASSESSMENT_FIELDS) | {
        "framework": assessment.framework.code,
        "based_on": assessment.based_on_id,
        "created_by": people.name(assessment.created_by_id),
        "assignments": [
            {"area_code": area, "assessor": assessor} for area, assessor in assignments
        ],
        "answers": [_answer_entry(answer, index, people) for answer in answers],
        "issued_reports": [
            _report_entry(report, people, files)
            for report in assessment.issued_reports.order_by("language")
        ],
    }


def _answer_entry(answer: Answer, index: dict[int, int], people: _People) -> dict:
    citations = sorted(answer.citations.all(), key=lambda c: (c.position, c.pk))
    reviews = sorted(answer.reviews.all(), key=lambda review: review.pk)
    return _plain(answer, ANSWER_FIELDS) | {
        "clause": answer.clause.code,
        "updated_by": people.name(answer.updated_by_id),
        "citations": [
            {"evidence": index[c.evidence_id], "position": c.position}
            for c in citations
        ],
        "reviews": [
            _plain(review, REVIEW_FIELDS)
            | {
                "reviewer": people.name(review.reviewer_id),
                "responded_by": people.name(review.responded_by_id),
            }
            for review in reviews
        ],
    }


def _report_entry(report: IssuedReport, people: _People, files: StoredFiles) -> dict:
    place = f"issued report {report.pk}"
    storage, name = report.pdf.storage, report.pdf.name
    if _stored_digest(storage, name, place) != report.sha256:
        raise ArchiveError(place, _("the stored PDF does not match its SHA-256"))
    files[report.sha256] = (storage, name)
    return _plain(report, REPORT_FIELDS) | {
        "sha256": report.sha256,
        "issued_by": people.name(report.issued_by_id),
    }


def _trail_entry(organization: Organization) -> dict:
    # An archive carries the trail exactly, so a broken one could never be restored:
    # say so now rather than at the import.
    link = first_broken_link_of(organization)
    if link is not None:
        raise ArchiveError(
            "audit trail", _("the hash chain is broken at %(link)s") % {"link": link}
        )
    head = AuditHead.objects.filter(organization=organization).first()
    records = organization.audit_records.order_by("sequence")
    return {
        "head": {"sequence": head.sequence, "hash": head.hash} if head else None,
        "records": [_plain(record, RECORD_FIELDS) for record in records],
    }
