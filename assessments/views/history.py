"""An organization's dashboard of assessments over time, and comparing two of them."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from assessments.permissions import organization_for
from assessments.reports.trends import dashboard_context
from assessments.services.history import compare


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    organization, access = organization_for(request.user, slug)
    context = dashboard_context(organization)
    context |= {"organization": organization, "access": access}
    return render(request, "history/dashboard.html", context)


@login_required
def compare_assessments(request: HttpRequest, slug: str) -> HttpResponse:
    organization, access = organization_for(request.user, slug)
    assessments = organization.assessments.select_related("framework").order_by(
        "created_at"
    )
    chosen = {a.pk: a for a in assessments}
    earlier = chosen.get(_int(request.GET.get("a")))
    later = chosen.get(_int(request.GET.get("b")))
    comparison, problem = None, ""
    if earlier and later:
        if earlier.framework_id != later.framework_id:
            problem = _("The two assessments use different versions of the framework.")
        else:
            comparison = compare(earlier, later)
    context = {
        "organization": organization,
        "access": access,
        "assessments": assessments,
        "earlier": earlier,
        "later": later,
        "comparison": comparison,
        "problem": problem,
    }
    return render(request, "history/compare.html", context)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None
