"""The PDF maturity report: HTML from a template, laid out by WeasyPrint."""

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from weasyprint import HTML

from assessments.models import Assessment
from assessments.presenters import overall_summary
from assessments.reports.content import report_context
from assessments.services.frameworks import catalogue_for
from assessments.services.scores import score_verified

LANGUAGES = {"zh": "zh-hans", "en": "en"}


def report_html(assessment: Assessment, language: str, fingerprint: str = "") -> str:
    """The report's HTML; fingerprint, when issued, identifies the content reported."""
    with translation.override(LANGUAGES[language]):
        catalogue = catalogue_for(assessment.framework)
        context = report_context(assessment, catalogue)
        _catalogue, verified = score_verified(assessment)
        context |= {
            "assessment": assessment,
            "framework": assessment.framework,
            "generated": timezone.localdate(),
            "language": language,
            "verified_overall": overall_summary(catalogue, verified),
            "fingerprint": fingerprint,
        }
        if assessment.verified:
            context["status_label"] = _("Verified")
            context["status_note"] = _(
                "Verified: an auditor reviewed the answers and approved the "
                "assessment. The verified level counts only the answers the auditor "
                "accepted."
            )
        else:
            context["status_label"] = _("Self-assessed")
            context["status_note"] = _(
                "Self-assessed: the answers are the organization's own and have not "
                "been verified by an auditor."
            )
        return render_to_string("reports/report.html", context)


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html).write_pdf()


def render_report(assessment: Assessment, language: str = "zh") -> bytes:
    return html_to_pdf(report_html(assessment, language))
