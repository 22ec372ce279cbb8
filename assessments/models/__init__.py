from assessments.models.assessments import (
    Answer,
    AreaAssignment,
    Assessment,
    Citation,
    Evidence,
)
from assessments.models.catalogue import Area, Clause, Framework, LevelDefinition
from assessments.models.organizations import Membership, Organization, Role
from assessments.models.reviews import AuditHead, AuditRecord, IssuedReport, Review

__all__ = [
    "Answer",
    "AreaAssignment",
    "Area",
    "AuditHead",
    "AuditRecord",
    "Assessment",
    "Citation",
    "Clause",
    "Evidence",
    "Framework",
    "IssuedReport",
    "LevelDefinition",
    "Membership",
    "Organization",
    "Review",
    "Role",
]
