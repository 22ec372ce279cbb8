"""Results, what-if, and the report and spreadsheet downloads of an assessment."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from assessments.permissions import assessment_for
from assessments.presenters import overall_summary
from assessments.reports.content import results_context
from assessments.reports.pdf import LANGUAGES, render_report
from assessments.reports.spreadsheets import as_csv, as_xlsx, clause_rows
from assessments.services.frameworks import catalogue_for
from assessments.services.issuing import find_issued, issued_report
from assessments.services.scores import answers_for_scoring, score_verified

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def show_results(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment, access = assessment_for(request.user, assessment_id)
    catalogue = catalogue_for(assessment.framework)
    known = {clause.code for clause in catalogue.clauses()}
    assume = [code for code in request.GET.getlist("assume") if code in known]
    answers = answers_for_scoring(assessment)
    context = results_context(assessment, catalogue, assume, answers)
    _catalogue, verified = score_verified(assessment, answers)
    context["verified_overall"] = overall_summary(catalogue, verified)
    context["issued"] = assessment.issued_reports.all()
    context |= {
        "assessment": assessment,
        "access": access,
        "language": _language(request),
    }
    return render(request, "results/results.html", context)


def _language(request: HttpRequest) -> str:
    requested = request.GET.get("lang", "")
    if requested in LANGUAGES:
        return requested
    return "en" if (get_language() or "").startswith("en") else "zh"


@login_required
def download_report(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """A verified assessment's report is issued once and served from storage after."""
    assessment, _access = assessment_for(request.user, assessment_id)
    language = _language(request)
    name = f"cmmrm-report-{assessment.pk}-{language}.pdf"
    if assessment.verified:
        issued = issued_report(assessment, language, request.user)
        response = FileResponse(
            issued.pdf.open("rb"), as_attachment=True, filename=name
        )
        response["Content-Type"] = "application/pdf"
        return response
    response = HttpResponse(render_report(assessment, language), "application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def check_copy(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Say whether an uploaded PDF is exactly a report this assessment issued."""
    assessment, access = assessment_for(request.user, assessment_id)
    upload = request.FILES.get("copy") if request.method == "POST" else None
    found = None
    if upload is not None and upload.size <= settings.EVIDENCE_MAX_BYTES:
        found = find_issued(upload.read())
    context = {
        "assessment": assessment,
        "access": access,
        "checked": upload is not None,
        "found": found if found and found.assessment_id == assessment.pk else None,
        "issued": assessment.issued_reports.select_related("issued_by"),
    }
    return render(request, "results/check_copy.html", context)


@login_required
def export_clauses(request: HttpRequest, assessment_id: int, kind: str) -> HttpResponse:
    if kind not in ("csv", "xlsx"):
        raise Http404("no such export")
    assessment, _access = assessment_for(request.user, assessment_id)
    rows = clause_rows(assessment, catalogue_for(assessment.framework))
    if kind == "csv":
        content, content_type = as_csv(rows), "text/csv; charset=utf-8"
    else:
        content = as_xlsx(rows, assessment.title)
        content_type = (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response = HttpResponse(content, content_type=content_type)
    name = f"cmmrm-assessment-{assessment.pk}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
