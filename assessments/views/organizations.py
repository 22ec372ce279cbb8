"""The home page, an organization's page, and the management of its members."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.forms import MemberAddForm, RoleForm
from assessments.models import Framework, Role
from assessments.permissions import organization_for
from assessments.services.organizations import (
    MembershipError,
    add_member,
    change_role,
    remove_member,
)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related("organization").order_by(
        "organization__name"
    )
    context = {
        "memberships": memberships,
        "frameworks": Framework.objects.order_by("-published"),
    }
    return render(request, "organizations/home.html", context)


@login_required
def show_organization(request: HttpRequest, slug: str) -> HttpResponse:
    organization, access = organization_for(request.user, slug)
    context = {
        "organization": organization,
        "access": access,
        "assessments": organization.assessments.select_related("framework"),
        "members": organization.memberships.select_related("user").order_by(
            "user__username"
        ),
        "add_form": MemberAddForm(),
        "roles": Role.choices,
    }
    return render(request, "organizations/detail.html", context)


@login_required
@require_POST
def add_organization_member(request: HttpRequest, slug: str) -> HttpResponse:
    organization, access = organization_for(request.user, slug)
    if not access.manages:
        raise PermissionDenied
    form = MemberAddForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            add_member(
                organization, data["username"], Role(data["role"]), data["password"]
            )
            messages.success(request, _("Member added."))
        except MembershipError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _("Give a username and a role."))
    return redirect("assessments:organization", slug)


@login_required
@require_POST
def change_organization_member(
    request: HttpRequest, slug: str, membership_id: int
) -> HttpResponse:
    organization, access = organization_for(request.user, slug)
    if not access.manages:
        raise PermissionDenied
    membership = organization.memberships.filter(pk=membership_id).first()
    if membership is None:
        raise Http404("no such member")
    form = RoleForm(request.POST)
    try:
        if "remove" in request.POST:
            remove_member(membership)
        elif form.is_valid():
            change_role(membership, Role(form.cleaned_data["role"]))
        else:
            raise MembershipError(_("Choose one of the roles."))
        messages.success(request, _("Members updated."))
    except MembershipError as error:
        messages.error(request, str(error))
    return redirect("assessments:organization", slug)
