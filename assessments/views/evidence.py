"""An organization's evidence library, and downloading its files."""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from assessments.forms import EvidenceForm
from assessments.models import Evidence
from assessments.permissions import ANSWERING_ROLES, evidence_for, organization_for
from assessments.services.answers import add_evidence


@login_required
def library(request: HttpRequest, slug: str) -> HttpResponse:
    organization, access = organization_for(request.user, slug)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if access.role not in ANSWERING_ROLES:
            raise PermissionDenied
        if form.is_valid():
            item = form.save(commit=False)
            item.organization = organization
            if item.kind == Evidence.Kind.FILE:
                item.file_name = form.cleaned_data["file"].name[:255]
            add_evidence(item, request.user)
            messages.success(request, _("Evidence added to the library."))
            return redirect("assessments:library", slug)
    items = organization.evidence.order_by("title")
    context = {
        "organization": organization,
        "access": access,
        "form": form,
        "items": items,
    }
    return render(request, "evidence/library.html", context)


@login_required
def download_evidence(request: HttpRequest, evidence_id: int) -> FileResponse:
    item, _access = evidence_for(request.user, evidence_id)
    if item.kind != Evidence.Kind.FILE or not item.file:
        raise Http404("this evidence has no file")
    # Always a download, never shown inline: an uploaded file must not run in the
    # app's origin whatever it really contains.
    response = FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.file_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Kinds a browser shows without running anything of the file's; everything else is
# only ever downloaded.
INLINE_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
}


@login_required
def open_evidence(request: HttpRequest, evidence_id: int) -> HttpResponse:
    item, _access = evidence_for(request.user, evidence_id)
    if item.kind != Evidence.Kind.FILE or not item.file:
        raise Http404("this evidence has no file")
    content_type = INLINE_TYPES.get(PurePath(item.file.name).suffix.lower())
    if content_type is None:
        return redirect("assessments:evidence-download", item.pk)
    response = FileResponse(item.file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    if content_type != "application/pdf":
        # Chromium's PDF viewer shows nothing in a sandboxed document; images can be.
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
