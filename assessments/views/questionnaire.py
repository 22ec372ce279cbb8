"""The assessor's questionnaire: one page per area, one form per clause.

Each clause saves on its own. The page's script posts a clause's form and asks for
JSON; without JavaScript the same form posts normally and the page comes back.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.catalogue import Clause as CatalogueClause
from assessments.forms import AnswerForm
from assessments.models import Answer, Clause
from assessments.permissions import assessment_for
from assessments.presenters import area_summary, overall_summary
from assessments.scoring import Status
from assessments.services.answers import (
    AnswerInput,
    SaveOutcome,
    add_uploaded_evidence,
    save_answer,
)
from assessments.services.scores import score_assessment
from assessments.views.questionnaire_page import (
    ClauseRow,
    LibraryOptions,
    area_page_context,
    clause_inputs,
    library_choices,
)


@login_required
def show_area(request: HttpRequest, assessment_id: int, area_code: str) -> HttpResponse:
    assessment, access = assessment_for(request.user, assessment_id)
    context = area_page_context(assessment, access, area_code)
    return render(request, "questionnaire/area.html", context)


@login_required
@require_POST
def save_clause(
    request: HttpRequest, assessment_id: int, clause_code: str
) -> HttpResponse:
    assessment, access = assessment_for(request.user, assessment_id)
    clause = Clause.objects.filter(
        framework_id=assessment.framework_id, code=clause_code
    )
    clause = clause.select_related("area").first()
    if clause is None or not assessment.in_scope(clause.area.code):
        raise Http404("no such clause in this assessment")
    if clause.baseline or not access.may_answer(assessment, clause.area.code):
        raise PermissionDenied("you may not answer this clause")
    library = library_choices(assessment)
    form = AnswerForm(request.POST, request.FILES, library=library, prefix=clause.code)
    as_json = "application/json" in request.headers.get("Accept", "")
    if not form.is_valid():
        return _refused(request, assessment, access, clause, form, as_json)

    data = form.cleaned_data
    loaded = _loaded_version(request.POST.get("overwrite"), data["version"])
    if loaded is None:
        form.add_error(None, _("The version to save over is not a number."))
        return _refused(request, assessment, access, clause, form, as_json)
    current = assessment.answers.filter(clause=clause).values_list("version", flat=True)
    if (current.first() or 0) != loaded:
        # Refused before the upload is stored, so a retry does not store it twice.
        outcome = SaveOutcome(assessment.answers.filter(clause=clause).first(), True)
        return _conflict(request, assessment, access, clause, form, outcome, as_json)
    evidence_ids = list(data["evidence"])
    upload = data.get("upload_file")
    if upload:
        item = add_uploaded_evidence(
            assessment.organization_id, upload, data["upload_title"], request.user
        )
        evidence_ids.append(item.pk)
    answer_input = AnswerInput(
        status=Status(data["status"]) if data["status"] else None,
        note=data["note"],
        justification=data["justification"],
        evidence_ids=tuple(evidence_ids),
    )
    outcome = save_answer(assessment, clause, answer_input, loaded, request.user)
    if outcome.conflict:
        return _conflict(request, assessment, access, clause, form, outcome, as_json)
    if not as_json:
        url = reverse("assessments:area", args=[assessment.pk, clause.area.code])
        return redirect(f"{url}#clause-{clause.code}")
    return JsonResponse(
        _saved_json(request, assessment, access, clause, outcome, upload)
    )


def _loaded_version(overwrite: str | None, version: int) -> int | None:
    """The version the save is based on: the form's, or theirs when overwriting."""
    if not overwrite:
        return version
    return int(overwrite) if overwrite.isdigit() else None


def _refused(request, assessment, access, clause, form, as_json) -> HttpResponse:
    if as_json:
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    context = area_page_context(assessment, access, clause.area.code, bound=form)
    return render(request, "questionnaire/area.html", context, status=400)


def _conflict(
    request, assessment, access, clause, form, outcome, as_json
) -> HttpResponse:
    if not as_json:
        context = area_page_context(
            assessment,
            access,
            clause.area.code,
            bound=form,
            conflicted=True,
            conflict=outcome.answer,
        )
        return render(request, "questionnaire/area.html", context, status=409)
    html = render_to_string(
        "questionnaire/_conflict.html",
        {"conflict": outcome.answer, "clause_code": clause.code},
        request=request,
    )
    return JsonResponse({"conflict_html": html}, status=409)


def _saved_json(request, assessment, access, clause, outcome, upload) -> dict:
    catalogue, result = score_assessment(assessment)
    area = catalogue.area(clause.area.code)
    summary = area_summary(assessment, catalogue, area, result.areas[area.code])
    answer = outcome.answer
    data = {
        "version": answer.version,
        "satisfied": answer.for_scoring().satisfied,
        "saved_at": timezone.localtime(answer.updated_at).strftime("%H:%M:%S"),
        "area": summary.as_json(),
        "overall": overall_summary(catalogue, result),
    }
    if upload:
        # A new library item: the clause comes back whole, with it selected.
        catalogue_clause = next(c for c in area.clauses if c.code == clause.code)
        data["clause_html"] = _clause_html(
            request, assessment, catalogue_clause, answer
        )
    return data


def _clause_html(request, assessment, clause: CatalogueClause, answer) -> str:
    answer = Answer.objects.prefetch_related("citations").get(pk=answer.pk)
    row = ClauseRow(
        clause=clause,
        answer=answer,
        inputs=clause_inputs(
            clause.code, answer, LibraryOptions(library_choices(assessment))
        ),
        satisfied=answer.for_scoring().satisfied,
    )
    context = {
        "row": row,
        "assessment": assessment,
        "may_answer": True,
    }
    return render_to_string("questionnaire/_clause.html", context, request=request)
