"""The seed_demo command: every state and role, repeatable, scorable, verifiable."""

import hashlib
import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from assessments.lifecycle import State
from assessments.models import (
    Answer,
    Assessment,
    AuditHead,
    AuditRecord,
    Citation,
    Evidence,
    Membership,
    Organization,
    Review,
    Role,
)
from assessments.services.audit import first_broken_link_of
from assessments.services.scores import score_assessment, score_verified
from assessments.services.seeding import BATCH, SEED_PASSWORD, SeedPlan, seed_demo
from tests.conftest import assert_one_line_error, run_manage

pytestmark = pytest.mark.usefixtures("fast_passwords", "media")

SIZE = ["--orgs", "2", "--assessments", "3"]


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(small_framework) -> list[Assessment]:
    seed(*SIZE, "--seed", "5")
    return list(Assessment.objects.select_related("framework"))


def row_counts() -> dict[str, int]:
    models = (Organization, Membership, Evidence, Assessment, Answer, Citation)
    models += (Review, AuditRecord, get_user_model())
    return {model.__name__: model.objects.count() for model in models}


def test_seed_makes_assessments_in_every_state(seeded):
    states = {assessment.state for assessment in seeded}

    assert states == {state.value for state in State}
    assert len(seeded) == 6


def test_every_seeded_organization_has_every_role_and_a_library(seeded):
    for organization in Organization.objects.all():
        roles = set(organization.memberships.values_list("role", flat=True))
        kinds = set(organization.evidence.values_list("kind", flat=True))

        assert roles == set(Role.values)
        assert {Evidence.Kind.URL, Evidence.Kind.TEXT} <= kinds


def test_seeded_files_are_stored(seeded):
    files = Evidence.objects.filter(kind=Evidence.Kind.FILE)

    assert files.exists()
    assert all(default_storage.exists(item.file.name) for item in files)


def test_seeded_users_share_the_documented_password(seeded):
    users = get_user_model().objects.all()

    assert all(user.check_password(SEED_PASSWORD) for user in users)


def askable(assessment: Assessment) -> int:
    _catalogue, result = score_assessment(assessment)
    return sum(area.askable for area in result.areas.values())


def test_submitted_assessments_are_complete_and_drafts_partial(seeded):
    for assessment in seeded:
        answered = assessment.answers.exclude(status="").count()

        if assessment.state == State.DRAFT:
            assert 0 < answered < askable(assessment)
        else:
            assert answered == askable(assessment)


def test_verified_level_of_approved_assessments_is_the_self_assessed_one(seeded):
    for assessment in seeded:
        _catalogue, result = score_assessment(assessment)
        _catalogue, verified = score_verified(assessment)

        assert verified.overall_level <= result.overall_level
        if assessment.verified:
            assert verified.overall_level == result.overall_level
            assert not assessment.answers.filter(reviews__isnull=True).exists()


def test_returned_assessment_has_refusals_and_reasons(seeded):
    returned = next(a for a in seeded if a.state == State.RETURNED)
    reviews = Review.objects.filter(answer__assessment=returned)

    assert returned.return_reason
    assert reviews.exclude(decision=Review.Decision.ACCEPTED).exists()


def test_every_seeded_trail_verifies(seeded):
    out = StringIO()

    call_command("verify_audit_trail", stdout=out)

    for organization in Organization.objects.all():
        head = AuditHead.objects.get(organization=organization)
        assert first_broken_link_of(organization) is None
        assert head.sequence == organization.audit_records.count() > 0
    assert out.getvalue().count("whole") == 2


def test_trail_holds_each_answer_version_and_state_change(seeded):
    for assessment in seeded:
        records = AuditRecord.objects.filter(assessment_ref=assessment.pk)
        versions = sum(assessment.answers.values_list("version", flat=True))
        states = records.filter(kind="state").values_list("after__state", flat=True)

        assert records.filter(kind="answer").count() == versions
        if assessment.state != State.DRAFT:
            assert list(states)[-1] == assessment.state


def digest() -> str:
    """The seeded data by natural keys, without ids, which differ between runs."""
    titles = dict(Evidence.objects.values_list("pk", "title"))
    reviews = {
        review.pk: f"{review.answer.clause.code} {review.created_at}"
        for review in Review.objects.select_related("answer__clause")
    }
    assessments = dict(Assessment.objects.values_list("pk", "title"))

    def plain(values):
        if isinstance(values, dict):
            values = dict(values)
            values["evidence"] = [titles[pk] for pk in values.get("evidence", [])]
            if "review" in values:
                values["review"] = reviews[values["review"]]
        return values

    rows = [
        list(Organization.objects.values_list("slug", "name", "created_at")),
        list(get_user_model().objects.values_list("username", "password")),
        list(Membership.objects.values_list("organization__slug", "user__username")),
        list(Evidence.objects.values_list("title", "kind", "url", "text", "file")),
        list(
            Assessment.objects.values_list(
                "title", "state", "scope", "target_level", "created_at"
            )
        ),
        list(
            Answer.objects.values_list(
                "assessment__title", "clause__code", "status", "note", "version"
            )
        ),
        list(Citation.objects.values_list("answer__clause__code", "evidence__title")),
        list(Review.objects.values_list("decision", "reason", "created_at")),
        [
            (r.sequence, r.actor, r.kind, assessments.get(r.assessment_ref))
            + (titles.get(int(r.subject[9:])) if r.kind == "evidence" else r.subject,)
            + (plain(r.before), plain(r.after), r.at)
            for r in AuditRecord.objects.order_by("organization__slug", "sequence")
        ],
    ]
    text = json.dumps([sorted(map(str, group)) for group in rows], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def test_same_seed_gives_the_same_data(small_framework):
    with transaction.atomic():
        seed(*SIZE, "--seed", "5")
        first = digest()
        transaction.set_rollback(True)

    seed(*SIZE, "--seed", "5")

    assert digest() == first


def test_another_seed_gives_other_data_beside_the_first(small_framework):
    seed(*SIZE, "--seed", "5")
    first = digest()

    seed(*SIZE, "--seed", "6")

    assert digest() != first
    assert Organization.objects.filter(slug__startswith="seed6-").count() == 2
    assert Organization.objects.filter(slug__startswith="seed5-").count() == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="only PostgreSQL is written side by side"
)
@pytest.mark.django_db(transaction=True)
def test_writing_side_by_side_gives_the_same_data_as_one_by_one(small_framework):
    plan = SeedPlan(organizations=BATCH + 2, assessments=2, seed=5)
    seed_demo(plan, jobs=2)
    side_by_side = digest()
    Organization.objects.all().delete()
    get_user_model().objects.all().delete()

    seed_demo(plan, jobs=1)

    assert digest() == side_by_side
    assert all(first_broken_link_of(o) is None for o in Organization.objects.all())


def test_reseeding_the_same_seed_refuses_and_writes_nothing(seeded):
    before = row_counts()

    with pytest.raises(CommandError, match="--seed 5 is already planted") as error:
        seed(*SIZE, "--seed", "5")

    assert error.value.returncode == 2
    assert row_counts() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--orgs", "0"], "--orgs must be from 1 to"),
        (["--assessments", "51"], "--assessments must be from 1 to 50"),
        (["--seed", "-1"], "--seed: expected a whole number, got '-1'"),
        (["--orgs", "many"], "--orgs: expected a whole number, got 'many'"),
        (["--jobs", "0"], "--jobs must be 1 or more"),
    ],
)
def test_bad_sizes_are_refused_before_writing(small_framework, args, message):
    with pytest.raises(CommandError, match=message) as error:
        seed(*args)

    assert error.value.returncode == 2
    assert not Organization.objects.exists()


def test_seeding_without_a_framework_says_what_to_do(db):
    with pytest.raises(CommandError, match="run manage.py load_framework first"):
        seed(*SIZE)


def test_bad_size_gives_one_line_on_stderr(process_database):
    result = run_manage(process_database, "seed_demo", "--orgs", "x")

    assert_one_line_error(result, "--orgs: expected a whole number, got 'x'")
