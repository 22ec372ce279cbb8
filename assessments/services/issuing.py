"""Reports issued for approved assessments: rendered once, stored, checkable."""

import hashlib
import json

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from assessments.exchange import document_as_json
from assessments.lifecycle import LifecycleError, gettext_noop
from assessments.models import Assessment, AuditHead, IssuedReport
from assessments.reports.pdf import html_to_pdf, report_html
from assessments.services.exchange import export_document
from assessments.services.scores import accepted_clause_codes


def fingerprint(assessment: Assessment) -> str:
    """SHA-256 of what the report states: the answers, the accepted clauses, the state
    and the trail's head. A PDF cannot carry its own hash, so the report carries this
    and the app shows both."""
    head = AuditHead.objects.filter(organization_id=assessment.organization_id).first()
    content = {
        "document": document_as_json(*export_document(assessment)),
        "accepted": sorted(accepted_clause_codes(assessment)),
        "state": assessment.state,
        "trail_head": head.hash if head else "",
    }
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def issued_report(
    assessment: Assessment, language: str, user: AbstractBaseUser
) -> IssuedReport:
    """The stored report, issuing it on first request: asking again serves the same."""
    existing = assessment.issued_reports.filter(language=language).first()
    if existing:
        return existing
    if not assessment.verified:
        raise LifecycleError(
            gettext_noop("Reports are issued only for approved assessments.")
        )
    printed = fingerprint(assessment)
    pdf = html_to_pdf(report_html(assessment, language, printed))
    digest = hashlib.sha256(pdf).hexdigest()
    try:
        with transaction.atomic():
            report = IssuedReport(
                assessment=assessment,
                language=language,
                sha256=digest,
                fingerprint=printed,
                issued_by=user,
            )
            report.pdf.save(f"{digest}.pdf", ContentFile(pdf), save=False)
            report.save()
            return report
    except IntegrityError:
        # Someone issued it at the same moment: theirs is the one and only.
        return assessment.issued_reports.get(language=language)


def find_issued(pdf: bytes) -> IssuedReport | None:
    return IssuedReport.objects.filter(sha256=hashlib.sha256(pdf).hexdigest()).first()
