"""The demo organization that the setup command creates, one user per role."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from assessments.models import Assessment, Framework, Membership, Organization, Role
from assessments.services.organizations import AssessmentPlan, create_assessment

DEMO_SLUG = "demo"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role


DEMO_USERS = tuple(DemoUser(f"demo-{role.value}", role) for role in Role)


@transaction.atomic
def ensure_demo_organization(password: str) -> Organization:
    """Create the demo organization and users, or reset them to the known password."""
    organization, _ = Organization.objects.get_or_create(
        slug=DEMO_SLUG, defaults={"name": "示范机构 Demo Organization"}
    )
    User = get_user_model()
    for demo in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=demo.username)
        user.set_password(password)
        # The demo organization admin also gets the site admin, to browse the catalogue.
        user.is_staff = user.is_superuser = demo.role == Role.ADMIN
        user.save()
        Membership.objects.update_or_create(
            organization=organization, user=user, defaults={"role": demo.role}
        )
    _ensure_demo_assessment(organization)
    return organization


def _ensure_demo_assessment(organization: Organization) -> None:
    """An empty assessment against the newest framework, for the demo assessor."""
    framework = Framework.objects.order_by("-published").first()
    if (
        framework is None
        or Assessment.objects.filter(organization=organization).exists()
    ):
        return
    plan = AssessmentPlan(
        title="2024 年度自评估 / 2024 self-assessment",
        framework=framework,
        target_level=3,
    )
    create_assessment(organization, plan, user=None)
