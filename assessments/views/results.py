"""Results, what-if, and the report and spreadsheet downloads of an assessment."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from assessments.permissions import assessment_for
from assessments.reports.content import results_context
from assessments.reports.pdf import LANGUAGES, render_report
from assessments.reports.spreadsheets import as_csv, as_xlsx, clause_rows
from assessments.services.frameworks import catalogue_for

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def show_results(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment, access = assessment_for(request.user, assessment_id)
    catalogue = catalogue_for(assessment.framework)
    known = {clause.code for clause in catalogue.clauses()}
    assume = [code for code in request.GET.getlist("assume") if code in known]
    context = results_context(assessment, catalogue, assume_met=assume)
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
    assessment, _access = assessment_for(request.user, assessment_id)
    language = _language(request)
    pdf = render_report(assessment, language)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"cmmrm-report-{assessment.pk}-{language}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


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
