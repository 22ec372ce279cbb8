"""Assessments, the answers given clause by clause, and the evidence they cite."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.lifecycle import EDITABLE, REVIEWABLE, VERIFIED, State
from assessments.models.catalogue import Clause, Framework
from assessments.models.organizations import Organization
from assessments.scoring import Answer as ScoringAnswer
from assessments.scoring import Status


class Assessment(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="assessments"
    )
    # Earlier assessments keep the framework they were made against.
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT)
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    target_level = models.PositiveSmallIntegerField(
        _("target level"), null=True, blank=True
    )
    # The in-scope area codes; None means all areas of the framework.
    scope = models.JSONField(_("scope"), null=True, blank=True)
    # Why each area left out of scope was left out, keyed by area code.
    exclusion_reasons = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=[(state.value, state.value) for state in State],
        default=State.DRAFT.value,
    )
    # The reviewer's reasons when the assessment was last returned to its assessors.
    return_reason = models.TextField(_("reasons for returning"), blank=True)
    # The final assessment whose answers this one started from.
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["organization", "-created_at"]
        verbose_name = _("assessment")

    def __str__(self) -> str:
        return self.title

    @property
    def editable(self) -> bool:
        return self.state in EDITABLE

    @property
    def reviewable(self) -> bool:
        return self.state in REVIEWABLE

    @property
    def verified(self) -> bool:
        return self.state in VERIFIED

    def get_state_display(self) -> str:
        return STATE_LABELS[State(self.state)]

    def in_scope(self, area_code: str) -> bool:
        # A domain's code in the scope stands for its stages, as in scoring.
        parent = area_code.rpartition(".")[0]
        return self.scope is None or area_code in self.scope or parent in self.scope


STATE_LABELS = {
    State.DRAFT: _("Draft"),
    State.SUBMITTED: _("Submitted"),
    State.IN_REVIEW: _("In review"),
    State.RETURNED: _("Returned"),
    State.APPROVED: _("Approved"),
    State.FINAL: _("Final"),
}


class AreaAssignment(models.Model):
    """An assessor named for one area of an assessment."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="assignments"
    )
    area_code = models.CharField(max_length=20)
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

    class Meta:
        ordering = ["assessment", "area_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "area_code", "assessor"], name="assign_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.area_code}: {self.assessor}"


def evidence_path(instance: "Evidence", filename: str) -> str:
    # A random stored name: the user's file name never reaches the file system.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"evidence/{instance.organization_id}/{uuid.uuid4().hex}{suffix}"


class Evidence(models.Model):
    """An item of an organization's evidence library; it may support many clauses."""

    class Kind(models.TextChoices):
        FILE = "file", _("File")
        URL = "url", _("Link")
        TEXT = "text", _("Text excerpt")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="evidence"
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    text = models.TextField(_("text excerpt"), blank=True)
    # The file's name as the user gave it; the stored copy is named at random.
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file = models.FileField(upload_to=evidence_path, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["organization", "title"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.title

    @property
    def content(self) -> str:
        """What identifies the item in the exchange format: URL, text or file name."""
        return {"url": self.url, "text": self.text, "file": self.file_name}[self.kind]


class Answer(models.Model):
    class StatusChoice(models.TextChoices):
        MET = Status.MET.value, _("Met")
        PARTIAL = Status.PARTIAL.value, _("Partially met")
        NOT_MET = Status.NOT_MET.value, _("Not met")
        NOT_APPLICABLE = Status.NOT_APPLICABLE.value, _("Not applicable")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="answers"
    )
    clause = models.ForeignKey(Clause, on_delete=models.PROTECT)
    # Blank while the assessor has written a note but chosen no status yet.
    status = models.CharField(
        _("status"), max_length=20, choices=StatusChoice.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    justification = models.TextField(_("justification"), blank=True)
    evidence = models.ManyToManyField(
        Evidence, through="Citation", related_name="answers"
    )
    # Raised on every save, so a save based on an older version is refused.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["assessment", "clause__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "clause"], name="one_answer_per_clause"
            )
        ]
        verbose_name = _("answer")

    def __str__(self) -> str:
        return f"{self.clause.code}: {self.status or '-'}"

    def for_scoring(self) -> ScoringAnswer:
        return ScoringAnswer(
            Status(self.status) if self.status else None, self.justification
        )


class Citation(models.Model):
    """An answer citing an evidence item, in the order the assessor gave them."""

    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, related_name="citations"
    )
    evidence = models.ForeignKey(
        Evidence, on_delete=models.CASCADE, related_name="citations"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["answer", "position"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "evidence"], name="cite_once")
        ]

    def __str__(self) -> str:
        return f"{self.answer} ← {self.evidence}"
