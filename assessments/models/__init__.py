from assessments.models.assessments import (
    Answer,
    AreaAssignment,
    Assessment,
    Citation,
    Evidence,
)
from assessments.models.catalogue import Area, Clause, Framework, LevelDefinition
from assessments.models.organizations import Membership, Organization, Role

__all__ = [
    "Answer",
    "AreaAssignment",
    "Area",
    "Assessment",
    "Citation",
    "Clause",
    "Evidence",
    "Framework",
    "LevelDefinition",
    "Membership",
    "Organization",
    "Role",
]
