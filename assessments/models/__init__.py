from assessments.models.catalogue import Area, Clause, Framework, LevelDefinition
from assessments.models.organizations import Membership, Organization, Role

__all__ = [
    "Area",
    "Clause",
    "Framework",
    "LevelDefinition",
    "Membership",
    "Organization",
    "Role",
]
