"""Managing an organization's members and creating its assessments."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from assessments.models import (
    AreaAssignment,
    Assessment,
    Framework,
    Membership,
    Organization,
    Role,
)


class MembershipError(Exception):
    pass


@transaction.atomic
def add_member(
    organization: Organization,
    username: str,
    role: Role,
    # Empty means "no new account wanted".
    password: str = "",  # nosec B107
) -> Membership:
    """Add an existing account, or create one with an initial password."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        if not password:
            raise MembershipError("a new account needs an initial password")
        candidate = User(username=username)
        try:
            validate_password(password, candidate)
        except ValidationError as error:
            raise MembershipError(" ".join(error.messages)) from None
        user = User.objects.create_user(username=username, password=password)
    membership, created = Membership.objects.get_or_create(
        organization=organization, user=user, defaults={"role": role}
    )
    if not created:
        raise MembershipError(f"{username} is already a member")
    return membership


@transaction.atomic
def change_role(membership: Membership, role: Role) -> None:
    _keep_an_admin(membership, leaving=role != Role.ADMIN)
    membership.role = role
    membership.save(update_fields=["role"])


@transaction.atomic
def remove_member(membership: Membership) -> None:
    _keep_an_admin(membership, leaving=True)
    membership.delete()


def _keep_an_admin(membership: Membership, leaving: bool) -> None:
    # Without an admin nobody could manage the organization's members any more.
    if not leaving or membership.role != Role.ADMIN:
        return
    admins = Membership.objects.select_for_update().filter(
        organization_id=membership.organization_id, role=Role.ADMIN
    )
    if admins.count() <= 1:
        raise MembershipError("an organization keeps at least one admin")


@dataclass(frozen=True)
class AssessmentPlan:
    title: str
    framework: Framework
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    target_level: int | None = None
    # Area codes left out of scope, each with the reason given.
    exclusions: Mapping[str, str] = field(default_factory=dict)
    # Per area code, the ids of the assessors named for it.
    assessors: Mapping[str, Iterable[int]] = field(default_factory=dict)


@transaction.atomic
def create_assessment(
    organization: Organization, plan: AssessmentPlan, user: AbstractBaseUser | None
) -> Assessment:
    areas = list(
        plan.framework.areas.filter(assessable=True).values_list("code", flat=True)
    )
    scope = [code for code in areas if code not in plan.exclusions]
    assessment = Assessment.objects.create(
        organization=organization,
        framework=plan.framework,
        title=plan.title,
        period_start=plan.period_start,
        period_end=plan.period_end,
        target_level=plan.target_level,
        scope=scope if plan.exclusions else None,
        exclusion_reasons=dict(plan.exclusions),
        created_by=user,
    )
    AreaAssignment.objects.bulk_create(
        AreaAssignment(assessment=assessment, area_code=code, assessor_id=user_id)
        for code, user_ids in plan.assessors.items()
        if code in scope
        for user_id in user_ids
    )
    return assessment
