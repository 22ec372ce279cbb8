"""Who may see and do what. Every view loads its objects through these helpers.

Anything an organization owns is reachable only by its members: for anyone else the
object does not exist (404), whatever their role, so URLs reveal nothing.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import Http404

from assessments.models import Assessment, Evidence, Membership, Organization, Role

ANSWERING_ROLES = {Role.ADMIN, Role.ASSESSOR}


@dataclass(frozen=True)
class Access:
    membership: Membership

    @property
    def role(self) -> str:
        return self.membership.role

    @property
    def manages(self) -> bool:
        return self.role == Role.ADMIN

    def may_review(self, assessment: Assessment) -> bool:
        return self.role == Role.AUDITOR and assessment.reviewable

    def may_answer(self, assessment: Assessment, area_code: str) -> bool:
        """Admins and assessors answer; an area with named assessors is theirs alone."""
        if self.role not in ANSWERING_ROLES or not assessment.in_scope(area_code):
            return False
        if not assessment.editable:
            return False
        if self.role == Role.ADMIN:
            return True
        named = {
            a.assessor_id
            for a in assessment.assignments.all()
            if a.area_code == area_code
        }
        return not named or self.membership.user_id in named


def access_to(user: AbstractBaseUser | AnonymousUser, organization_id: int) -> Access:
    membership = (
        Membership.objects.filter(user_id=user.pk, organization_id=organization_id)
        .select_related("organization")
        .first()
    )
    if membership is None:
        raise Http404("no such organization")
    return Access(membership)


def organization_for(user: AbstractBaseUser, slug: str) -> tuple[Organization, Access]:
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None:
        raise Http404("no such organization")
    return organization, access_to(user, organization.pk)


def assessment_for(
    user: AbstractBaseUser, assessment_id: int
) -> tuple[Assessment, Access]:
    assessment = (
        Assessment.objects.select_related("organization", "framework")
        .prefetch_related("assignments")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None:
        raise Http404("no such assessment")
    return assessment, access_to(user, assessment.organization_id)


def evidence_for(user: AbstractBaseUser, evidence_id: int) -> tuple[Evidence, Access]:
    evidence = Evidence.objects.filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404("no such evidence")
    return evidence, access_to(user, evidence.organization_id)
