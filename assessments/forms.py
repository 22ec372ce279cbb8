from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from assessments.catalogue import LEVELS
from assessments.models import Answer, Evidence, Framework, Role
from assessments.uploads import ALLOWED_EXTENSIONS, upload_problem


def check_upload(upload: UploadedFile) -> UploadedFile:
    head = upload.read(2048)
    upload.seek(0)
    problem = upload_problem(
        upload.name or "", head, upload.size or 0, settings.EVIDENCE_MAX_BYTES
    )
    if problem:
        raise forms.ValidationError(problem)
    return upload


class MemberAddForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    password = forms.CharField(
        label=_("Initial password (new accounts only)"),
        required=False,
        # A password for someone else: the browser must not fill in the admin's own.
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class AssessmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    framework = forms.ModelChoiceField(
        label=_("Framework version"), queryset=Framework.objects.order_by("-published")
    )
    period_start = forms.DateField(
        label=_("Period start"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    period_end = forms.DateField(
        label=_("Period end"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    target_level = forms.TypedChoiceField(
        label=_("Target level"),
        choices=[("", "—")] + [(n, str(n)) for n in LEVELS],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args, areas=(), assessors=(), **kwargs) -> None:
        """areas: the framework's assessable areas; assessors: (user id, name) pairs."""
        super().__init__(*args, **kwargs)
        self.areas = list(areas)
        assessors = list(assessors)
        for area in self.areas:
            self.fields[f"include_{area.code}"] = forms.BooleanField(
                label=f"{area.code} {area.name}", required=False, initial=True
            )
            self.fields[f"reason_{area.code}"] = forms.CharField(
                label=_("Reason for leaving %(area)s out") % {"area": area.code},
                required=False,
                max_length=500,
            )
            self.fields[f"assessors_{area.code}"] = forms.TypedMultipleChoiceField(
                label=_("Assessors of %(area)s") % {"area": area.code},
                choices=assessors,
                coerce=int,
                required=False,
                widget=forms.SelectMultiple(attrs={"size": 2}),
            )

    def area_rows(self) -> list[tuple]:
        return [
            (
                area,
                self[f"include_{area.code}"],
                self[f"reason_{area.code}"],
                self[f"assessors_{area.code}"],
            )
            for area in self.areas
        ]

    def clean(self) -> dict:
        data = super().clean()
        included = [a for a in self.areas if data.get(f"include_{a.code}")]
        if self.areas and not included:
            raise forms.ValidationError(_("At least one area must be in scope."))
        for area in self.areas:
            if (
                not data.get(f"include_{area.code}")
                and not data.get(f"reason_{area.code}", "").strip()
            ):
                self.add_error(
                    f"reason_{area.code}", _("Say why this area is left out.")
                )
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        return data

    def exclusions(self) -> dict[str, str]:
        return {
            area.code: self.cleaned_data[f"reason_{area.code}"].strip()
            for area in self.areas
            if not self.cleaned_data[f"include_{area.code}"]
        }

    def assessors_by_area(self) -> dict[str, list]:
        return {
            a.code: list(self.cleaned_data[f"assessors_{a.code}"]) for a in self.areas
        }


class AnswerForm(forms.Form):
    """One clause's answer. version is the one the assessor loaded: see save_answer."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=Answer.StatusChoice.choices,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    justification = forms.CharField(
        label=_("Justification (required for not applicable)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    # Plain choices, not a queryset: a page renders one form per clause, and a
    # queryset would be read again for each of them.
    evidence = forms.TypedMultipleChoiceField(
        label=_("Evidence from the library"),
        coerce=int,
        choices=(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 3, "class": "form-select"}),
    )
    upload_file = forms.FileField(
        label=_("Upload a file as new evidence"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "form-control"}),
        help_text=", ".join(ALLOWED_EXTENSIONS),
    )
    upload_title = forms.CharField(
        label=_("Title of the uploaded file"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, library=(), prefix=None, **kwargs) -> None:
        super().__init__(*args, prefix=prefix, **kwargs)
        self.fields["evidence"].choices = list(library)

    def clean_upload_file(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("upload_file")
        return check_upload(upload) if upload else None

    def clean(self) -> dict:
        data = super().clean()
        if (
            data.get("status") == Answer.StatusChoice.NOT_APPLICABLE
            and not data.get("justification", "").strip()
        ):
            self.add_error(
                "justification", _("Not applicable needs a written justification.")
            )
        return data


class EvidenceForm(forms.ModelForm):
    url = forms.URLField(
        label=_("link"), required=False, max_length=1000, assume_scheme="https"
    )

    class Meta:
        model = Evidence
        fields = ["title", "kind", "url", "text", "file"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def clean_file(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("file")
        return check_upload(upload) if isinstance(upload, UploadedFile) else upload

    def clean(self) -> dict:
        data = super().clean()
        needed = {"url": "url", "text": "text", "file": "file"}.get(
            data.get("kind", "")
        )
        if needed and not data.get(needed):
            self.add_error(needed, _("This kind of evidence needs this field."))
        return data
