"""Creating an assessment, and its overview."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from assessments.forms import AssessmentForm
from assessments.lifecycle import State, allowed_actions
from assessments.models import Area, Framework, Role
from assessments.permissions import assessment_for, organization_for
from assessments.presenters import area_summaries, domain_label, overall_summary
from assessments.services.organizations import AssessmentPlan, create_assessment
from assessments.services.scores import (
    answers_for_scoring,
    score_assessment,
    score_verified,
)


@login_required
def new_assessment(request: HttpRequest, slug: str) -> HttpResponse:
    organization, access = organization_for(request.user, slug)
    if not access.manages:
        raise PermissionDenied
    framework = Framework.objects.order_by("-published").first()
    areas = Area.objects.filter(framework=framework, assessable=True).order_by(
        "position"
    )
    assessors = (
        get_user_model()
        .objects.filter(
            memberships__organization=organization, memberships__role=Role.ASSESSOR
        )
        .order_by("username")
        .values_list("pk", "username")
    )
    form = AssessmentForm(request.POST or None, areas=areas, assessors=assessors)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = AssessmentPlan(
            title=data["title"],
            framework=data["framework"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            target_level=data["target_level"],
            exclusions=form.exclusions(),
            assessors=form.assessors_by_area(),
        )
        assessment = create_assessment(organization, plan, request.user)
        return redirect("assessments:assessment", assessment.pk)
    context = {"organization": organization, "form": form}
    return render(request, "assessments/new.html", context)


@login_required
def show_assessment(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment, access = assessment_for(request.user, assessment_id)
    answers = answers_for_scoring(assessment)
    catalogue, result = score_assessment(assessment, answers)
    _catalogue, verified = score_verified(assessment, answers)
    context = {
        "assessment": assessment,
        "access": access,
        "actions": allowed_actions(State(assessment.state), access.role),
        "overall": overall_summary(catalogue, result),
        "verified": overall_summary(catalogue, verified),
        "summaries": area_summaries(assessment, catalogue, result),
        "lifecycle": domain_label(catalogue, result, "5.2.3"),
        "excluded": sorted(assessment.exclusion_reasons.items()),
    }
    return render(request, "assessments/overview.html", context)
