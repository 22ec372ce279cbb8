"""Auditors' decisions on answers, the audit trail, and reports issued once."""

import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.audit import GENESIS
from assessments.models.assessments import Answer, Assessment
from assessments.models.organizations import Organization


class Review(models.Model):
    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        MORE_EVIDENCE = "more_evidence", _("More evidence requested")

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="reviews")
    # The answer's version the decision was made on: a later change of the answer
    # leaves the decision behind, and an acceptance of an older version does not count.
    answer_version = models.PositiveIntegerField()
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    reason = models.TextField(_("reason"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    response = models.TextField(_("assessor's response"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["answer", "-created_at", "-pk"]
        verbose_name = _("review")

    def __str__(self) -> str:
        return f"{self.answer}: {self.decision}"

    @property
    def current(self) -> bool:
        return self.answer_version == self.answer.version


class AuditHead(models.Model):
    """The newest record of an organization's trail, kept apart from the records so
    that deleting the newest records is noticed, and locked while appending."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="audit_head"
    )
    sequence = models.PositiveIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    def __str__(self) -> str:
        return f"{self.organization}: #{self.sequence}"


class AuditRecord(models.Model):
    """One change, append-only: who, when, what before, what after, hash-chained."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="audit_records"
    )
    sequence = models.PositiveIntegerField()
    at = models.DateTimeField()
    # A name and a plain id, not keys: the record must outlive the account and the
    # assessment it speaks of.
    actor = models.CharField(max_length=150)
    assessment_ref = models.PositiveBigIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=20)
    subject = models.CharField(max_length=100)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["organization", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "sequence"], name="one_record_per_place"
            )
        ]
        indexes = [models.Index(fields=["assessment_ref", "subject"])]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.kind} {self.subject}"

    def content(self) -> dict[str, object]:
        """What the hash covers."""
        return {
            "sequence": self.sequence,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "assessment": self.assessment_ref,
            "kind": self.kind,
            "subject": self.subject,
            "before": self.before,
            "after": self.after,
        }

    # As the trail page shows them: JSON as stored, keys sorted, Chinese left as is.
    @property
    def before_text(self) -> str:
        return _as_json(self.before)

    @property
    def after_text(self) -> str:
        return _as_json(self.after)


def _as_json(value: object) -> str:
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class IssuedReport(models.Model):
    """A verified report, rendered once and kept, so every copy can be checked."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="issued_reports"
    )
    language = models.CharField(max_length=5)
    pdf = models.FileField(upload_to="issued-reports/")
    sha256 = models.CharField(max_length=64, unique=True)
    # Printed on the report itself, which cannot carry its own SHA-256.
    fingerprint = models.CharField(max_length=64)
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "language"], name="issue_once_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} ({self.language}) {self.sha256[:12]}"
