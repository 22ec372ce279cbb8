"""Importing and exporting assessments in the cmmrm-assessment/1 format."""

from django.db import transaction

from assessments import exchange
from assessments.catalogue import Catalogue
from assessments.models import (
    Answer,
    Assessment,
    Citation,
    Evidence,
    Framework,
    Organization,
)
from assessments.scoring import Status, areas_in_scope
from assessments.services.answers import add_evidence
from assessments.services.audit import answer_snapshot, record_change
from assessments.services.frameworks import catalogue_for


def find_catalogue(code: str) -> Catalogue | None:
    framework = Framework.objects.filter(code=code).first()
    return catalogue_for(framework) if framework else None


def read_document(raw: bytes | str) -> tuple[exchange.AssessmentDocument, Catalogue]:
    return exchange.parse_document(raw, find_catalogue)


@transaction.atomic
def import_document(
    document: exchange.AssessmentDocument, organization: Organization
) -> Assessment:
    """Create an assessment from a validated document, all of it or nothing."""
    framework = Framework.objects.get(code=document.framework)
    scope = None
    if document.scope is not None:
        # Stored as area codes only: a domain's code stands for its stages.
        catalogue = catalogue_for(framework)
        scope = [area.code for area in areas_in_scope(catalogue, document.scope)]
    assessment = Assessment.objects.create(
        organization=organization,
        framework=framework,
        title=document.title or document.framework,
        target_level=document.target_level,
        scope=scope,
    )
    clause_ids = dict(framework.clauses.values_list("code", "pk"))
    library: dict[exchange.EvidenceRecord, Evidence] = {}
    for code, record in document.answers.items():
        answer = Answer.objects.create(
            assessment=assessment,
            clause_id=clause_ids[code],
            status=record.status.value if record.status else "",
            note=record.note,
            justification=record.justification,
        )
        for position, item in enumerate(record.evidence):
            if item not in library:
                library[item] = _library_item(organization, item)
            Citation.objects.get_or_create(
                answer=answer, evidence=library[item], defaults={"position": position}
            )
        record_change(
            organization.pk,
            "import",
            "answer",
            code,
            None,
            answer_snapshot(answer),
            assessment.pk,
        )
    return assessment


def _library_item(
    organization: Organization, item: exchange.EvidenceRecord
) -> Evidence:
    """An item the library already holds is cited again, not copied."""
    fields = {
        "title": item.title,
        "kind": item.kind,
        _evidence_field(item.kind): item.value,
    }
    existing = organization.evidence.filter(**fields).order_by("pk").first()
    return existing or add_evidence(Evidence(organization=organization, **fields), None)


def _evidence_field(kind: str) -> str:
    return "file_name" if kind == "file" else kind


def export_document(
    assessment: Assessment,
) -> tuple[exchange.AssessmentDocument, Catalogue]:
    catalogue = catalogue_for(assessment.framework)
    answers = (
        assessment.answers.select_related("clause")
        .prefetch_related("citations__evidence")
        .order_by("clause__position")
    )
    records = {
        answer.clause.code: exchange.AnswerRecord(
            status=Status(answer.status) if answer.status else None,
            note=answer.note,
            justification=answer.justification,
            evidence=tuple(
                exchange.EvidenceRecord(
                    citation.evidence.title,
                    citation.evidence.kind,
                    citation.evidence.content,
                )
                for citation in answer.citations.all()
            ),
        )
        for answer in answers
    }
    document = exchange.AssessmentDocument(
        framework=assessment.framework.code,
        title=assessment.title,
        organization=assessment.organization.name,
        target_level=assessment.target_level,
        scope=tuple(assessment.scope) if assessment.scope is not None else None,
        answers=records,
    )
    return document, catalogue


def audit_trail_of(assessment: Assessment) -> list[dict[str, object]]:
    """The assessment's records of its organization's trail, with their hashes."""
    records = assessment.organization.audit_records.filter(assessment_ref=assessment.pk)
    return [
        record.content() | {"previous_hash": record.previous_hash, "hash": record.hash}
        for record in records.order_by("sequence")
    ]
