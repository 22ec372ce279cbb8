"""export_all and import_all: a whole organization moved to another database.

The organization is built through the services, as its people would have made it.
A move is judged by what must survive it: members, roles and passwords, the levels
self-assessed and verified, evidence files and issued reports by SHA-256, and the
audit trail record by record.
"""

import datetime
import hashlib
import json
import shutil
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import DatabaseError, connection

from assessments.lifecycle import Action
from assessments.models import (
    Assessment,
    AuditHead,
    AuditRecord,
    Evidence,
    IssuedReport,
    Membership,
    Organization,
    Role,
)
from assessments.scoring import Status
from assessments.services import archive, issuing
from assessments.services.answers import add_evidence, add_uploaded_evidence
from assessments.services.audit import first_broken_link_of
from assessments.services.exchange import audit_trail_of
from assessments.services.issuing import fingerprint, issued_report
from assessments.services.lifecycle import (
    change_state,
    respond_to_review,
    review_answer,
    start_from,
)
from assessments.services.organizations import AssessmentPlan, create_assessment
from assessments.services.scores import score_assessment, score_verified
from tests.conftest import (
    assert_one_line_error,
    make_member,
    run_manage,
    write_framework,
)
from tests.review_support import LEVEL_ONE, access_of, answer
from tests.views_support import PDF, pdf_upload

pytestmark = pytest.mark.usefixtures("fast_passwords", "media")

PASSWORD = "cmmrm-move-2024"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
# Run in the new server's process, after the import: the facts, the trail's check,
# an export, and last a password check (which may rehash and save the password).
ON_NEW_SERVER = (
    "import json; from tests.test_archive import on_new_server; "
    "print(json.dumps(on_new_server({again!r}), ensure_ascii=False))"
)


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def stored_sha256(fieldfile) -> str | None:
    if not fieldfile:
        return None
    with fieldfile.open("rb") as content:
        return sha256(content.read())


def move(assessment: Assessment, action: Action, user, reason: str = "") -> None:
    access = access_of(user, assessment.organization)
    change_state(assessment, action, user, access, reason)
    assessment.refresh_from_db()


def review(assessment: Assessment, code: str, auditor, decision: str, why: str = ""):
    saved = assessment.answers.get(clause__code=code)
    access = access_of(auditor, assessment.organization)
    return review_answer(saved, decision, why, auditor, access)


@pytest.fixture
def fake_pdf(monkeypatch):
    # Laying out a real report takes seconds; the archive only needs its bytes.
    monkeypatch.setattr(
        issuing,
        "html_to_pdf",
        lambda html: b"%PDF-1.7 " + sha256(html.encode()).encode(),
    )


@pytest.fixture
def source(small_framework, organization, team, fake_pdf) -> Organization:
    """Three assessments: one final with two issued reports, one started from it and
    returned from review, and a draft with an area left out of scope. A former
    assessor's answers stay after they left the organization."""
    admin, assessor = team[Role.ADMIN], team[Role.ASSESSOR]
    auditor, executive = team[Role.AUDITOR], team[Role.EXECUTIVE]
    # The default hasher of a real server, so the new server can check a login.
    admin.password = PBKDF2PasswordHasher().encode(PASSWORD, "moved", iterations=1000)
    admin.first_name, admin.last_name = "晓明", "王"
    admin.save()
    former = make_member(organization, "former-a", Role.ASSESSOR)
    library = [
        add_uploaded_evidence(
            organization.pk, pdf_upload("制度.pdf"), "制度", assessor
        ),
        add_uploaded_evidence(
            organization.pk, pdf_upload("副本.pdf"), "副本", assessor
        ),
        add_uploaded_evidence(
            organization.pk, SimpleUploadedFile("流程.png", PNG), "", assessor
        ),
        add_evidence(
            Evidence(
                organization=organization,
                title="评审规程",
                kind="url",
                url="https://intranet/review",
            ),
            admin,
        ),
        # A file known by name only, as an imported document leaves it.
        add_evidence(
            Evidence(
                organization=organization,
                title="签字扫描件",
                kind="file",
                file_name="signed.pdf",
            ),
            admin,
        ),
        add_evidence(
            Evidence(
                organization=organization,
                title="会议纪要",
                kind="text",
                text="会议同意发布策略。",
            ),
            assessor,
        ),
    ]
    ids = [item.pk for item in library]

    final = create_assessment(
        organization,
        AssessmentPlan(
            "2023 年度自评估",
            small_framework,
            period_start=datetime.date(2023, 1, 1),
            period_end=datetime.date(2023, 12, 31),
            target_level=2,
            assessors={"5.2.1": [assessor.pk]},
        ),
        admin,
    )
    codes = [*LEVEL_ONE, "5.2.1.2.b", "5.2.1.2.c"]
    for n, code in enumerate(codes):
        answer(
            final, code, assessor, note=f"见制度 {n}", evidence_ids=(ids[n % 6], ids[5])
        )
    move(final, Action.SUBMIT, assessor)
    move(final, Action.START_REVIEW, auditor)
    for code in codes[:-1]:
        review(final, code, auditor, "accepted")
    review(final, codes[-1], auditor, "more_evidence", "缺少会议纪要")
    move(final, Action.APPROVE, auditor)
    issued_report(final, "zh", executive)
    issued_report(final, "en", admin)
    move(final, Action.FINALIZE, admin)

    returned = start_from(final, "2024 年度自评估", admin)
    answer(returned, "5.2.1.1.b", former, Status.PARTIAL, note="试点中")
    move(returned, Action.SUBMIT, assessor)
    move(returned, Action.START_REVIEW, auditor)
    rejected = review(returned, "5.2.1.1.b", auditor, "rejected", "仅为试点")
    review(returned, "5.2.1.1.a", auditor, "accepted")
    move(returned, Action.RETURN, auditor, "请补充证据")
    respond_to_review(rejected, "已全面推行", assessor)

    draft = create_assessment(
        organization,
        AssessmentPlan(
            "2024 专项评估",
            small_framework,
            target_level=3,
            exclusions={"5.2.3.1": "本期不涉及模型开发"},
            assessors={"5.2.1": [assessor.pk, former.pk]},
        ),
        admin,
    )
    answer(draft, "5.2.1.1.a", assessor, None, note="待补充", evidence_ids=(ids[2],))
    answer(draft, "5.2.1.1.b", former, Status.NOT_APPLICABLE, justification="不开展")
    answer(
        draft, "5.2.1.1.b", assessor, Status.NOT_APPLICABLE, justification="无此业务"
    )
    Membership.objects.filter(user=former).delete()
    return organization


def describe(slug: str) -> dict:
    """What a move must keep, as plain data that compares across databases."""
    organization = Organization.objects.get(slug=slug)
    members = organization.memberships.select_related("user").order_by("user__username")
    head = AuditHead.objects.get(organization=organization)
    return {
        "organization": [organization.name, organization.created_at.isoformat()],
        "accounts": sorted(get_user_model().objects.values_list("username", flat=True)),
        "members": [
            [
                m.user.username,
                m.role,
                m.user.email,
                m.user.get_full_name(),
                m.user.password,
            ]
            for m in members
        ],
        "evidence": sorted(
            [item.title, item.kind, item.url, item.text, item.file_name]
            + [stored_sha256(item.file), item.created_by.username]
            for item in organization.evidence.select_related("created_by")
        ),
        "assessments": {
            str(assessment.pk): assessment_facts(assessment)
            for assessment in organization.assessments.order_by("pk")
        },
        "trail": [
            [record.sequence, record.assessment_ref, record.hash]
            for record in organization.audit_records.order_by("sequence")
        ],
        "head": [head.sequence, head.hash],
        "broken": str(first_broken_link_of(organization)),
    }


def assessment_facts(assessment: Assessment) -> dict:
    _catalogue, result = score_assessment(assessment)
    _catalogue, verified = score_verified(assessment)
    return {
        "what": [assessment.title, assessment.state, assessment.return_reason]
        + [assessment.based_on_id, assessment.scope, assessment.exclusion_reasons]
        + [str(assessment.period_start), str(assessment.period_end)]
        + [assessment.target_level],
        "levels": {
            code: [area.level, verified.areas[code].level]
            for code, area in result.areas.items()
        },
        "overall": [result.overall_level, verified.overall_level],
        "fingerprint": fingerprint(assessment),
        "assignments": sorted(
            [each.area_code, each.assessor.username]
            for each in assessment.assignments.all()
        ),
        "reports": [
            [report.language, report.sha256, stored_sha256(report.pdf)]
            + [
                report.fingerprint,
                report.issued_at.isoformat(),
                report.issued_by.username,
            ]
            for report in assessment.issued_reports.order_by("language")
        ],
        "trail": [record["hash"] for record in audit_trail_of(assessment)],
    }


def export(path: Path, slug: str = "org-a") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    call_command("export_all", slug, str(path), stdout=StringIO())
    return path


def import_archive(path: Path) -> str:
    out = StringIO()
    call_command("import_all", str(path), stdout=out)
    return out.getvalue()


def vacate(organization: Organization, accounts: bool = True) -> None:
    """Remove the organization, and its accounts unless told not to."""
    IssuedReport.objects.filter(assessment__organization=organization).delete()
    organization.delete()
    if accounts:
        get_user_model().objects.all().delete()


def media_files() -> set[str]:
    return {
        str(path) for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()
    }


def manifest_of(path: Path) -> dict:
    with zipfile.ZipFile(path) as packed:
        return json.loads(packed.read("manifest.json"))


@pytest.fixture
def vacated(source, tmp_path) -> Path:
    """The organization's archive, in a database that no longer holds it."""
    path = export(tmp_path / "out" / "org-a.zip")
    vacate(source)
    return path


def on_new_server(again: str) -> dict:
    verified = StringIO()
    call_command("verify_audit_trail", stdout=verified)
    facts = describe("org-a")
    call_command("export_all", "org-a", again, stdout=StringIO())
    admin = ModelBackend().authenticate(None, username="admin-a", password=PASSWORD)
    return {"facts": facts, "verified": verified.getvalue(), "logs_in": str(admin)}


def manage(env: dict[str, str], *args: str):
    # System checks import every view, which costs seconds and proves nothing here.
    return run_manage(env, *args, "--skip-checks")


@pytest.fixture(scope="module")
def empty_database_file(tmp_path_factory) -> Path:
    """A migrated SQLite file with the same framework as the tests, and nothing else."""
    folder = tmp_path_factory.mktemp("empty-database")
    env = {"DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}", "PATH": ""}
    framework = write_framework(folder / "small")
    for command in (["migrate"], ["load_framework", str(framework)]):
        run_manage(env, *command).check_returncode()
    return folder / "db.sqlite3"


@pytest.fixture
def fresh_database(empty_database_file, tmp_path) -> dict[str, str]:
    """An empty database of the test's own, with its own media folder."""
    shutil.copy(empty_database_file, tmp_path / "fresh.sqlite3")
    return {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "fresh-media"),
        "PATH": "",
    }


# Moving.


def test_the_archive_holds_the_manifest_and_each_file_once_by_sha256(source, tmp_path):
    path = export(tmp_path / "out" / "org-a.zip")

    with zipfile.ZipFile(path) as packed:
        names = packed.namelist()
        contents = {name: packed.read(name) for name in names}
    manifest = json.loads(contents["manifest.json"])
    reports = set(IssuedReport.objects.values_list("sha256", flat=True))
    digests = {sha256(PDF), sha256(PNG)} | reports
    assert names == ["manifest.json", *sorted(f"files/{d}" for d in digests)]
    assert all(sha256(contents[f"files/{d}"]) == d for d in digests)
    assert manifest["format"] == "cmmrm-organization/1"
    assert {
        account["username"]: account["role"] for account in manifest["accounts"]
    } == {
        "admin-a": "admin",
        "assessor-a": "assessor",
        "auditor-a": "auditor",
        "executive-a": "executive",
        "former-a": None,
    }
    assert {a["framework"] for a in manifest["assessments"]} == {"T/TEST 0001—2024"}
    assert len(manifest["audit_trail"]["records"]) == source.audit_head.sequence


def test_an_organization_moves_to_an_empty_database_unchanged(
    source, tmp_path, fresh_database
):
    original = export(tmp_path / "out" / "org-a.zip")
    before = describe("org-a")
    again = tmp_path / "out" / "again.zip"
    script = ON_NEW_SERVER.format(again=str(again))

    imported = manage(fresh_database, "import_all", str(original))
    checked = run_manage(fresh_database, "shell", "--no-imports", "-c", script)

    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("imported organization org-a: 5 accounts")
    assert checked.returncode == 0, checked.stderr
    after = json.loads(checked.stdout.splitlines()[-1])
    # The premise: levels differ between self-assessed and verified, and by area.
    final = before["assessments"][min(before["assessments"], key=int)]
    assert final["levels"] == {"5.2.1": [2, 1], "5.2.3.1": [1, 1]}
    assert after["facts"] == before
    assert after["verified"] == f"org-a: whole ({len(before['trail'])} records)\n"
    assert again.read_bytes() == original.read_bytes()
    assert after["logs_in"] == "admin-a"


def test_an_organization_restored_in_place_is_the_same_to_the_byte(vacated, tmp_path):
    before_path = tmp_path / "out" / "before.zip"
    shutil.copy(vacated, before_path)

    output = import_archive(vacated)

    organization = Organization.objects.get(slug="org-a")
    assert output.startswith("imported organization org-a: 5 accounts (0 already")
    assert first_broken_link_of(organization) is None
    again = export(tmp_path / "out" / "again.zip")
    assert again.read_bytes() == before_path.read_bytes()


def test_restoring_keeps_every_fact_of_the_organization(source, tmp_path):
    path = export(tmp_path / "out" / "org-a.zip")
    before = describe("org-a")
    vacate(source)

    import_archive(path)

    assert describe("org-a") == before


def test_site_wide_rights_never_travel_with_an_archive(source, team, tmp_path):
    team[Role.ADMIN].is_staff = team[Role.ADMIN].is_superuser = True
    team[Role.ADMIN].save()
    team[Role.EXECUTIVE].is_active = False
    team[Role.EXECUTIVE].save()
    path = export(tmp_path / "out" / "org-a.zip")
    vacate(source)

    import_archive(path)

    users = {user.username: user for user in get_user_model().objects.all()}
    admin, executive = users["admin-a"], users["executive-a"]
    assert (admin.is_staff, admin.is_superuser, admin.is_active) == (False, False, True)
    assert executive.is_active is False


def test_accounts_moved_with_an_earlier_organization_are_used_as_they_are(
    source, team, tmp_path
):
    path = export(tmp_path / "out" / "org-a.zip")
    vacate(source, accounts=False)
    accounts = set(get_user_model().objects.values_list("pk", "username"))

    output = import_archive(path)

    organization = Organization.objects.get(slug="org-a")
    assert "5 accounts (5 already here)" in output
    assert set(get_user_model().objects.values_list("pk", "username")) == accounts
    roles = {m.user_id: m.role for m in organization.memberships.all()}
    assert roles == {user.pk: role for role, user in team.items()}


def test_assessments_made_after_an_import_get_ids_of_their_own(
    vacated, small_framework, other_organization
):
    ids = sorted(entry["id"] for entry in manifest_of(vacated)["assessments"])
    if ids[0] > 1:
        # The database's counter stands just below the archived ids, as it would
        # in a database that never held them.
        Assessment.objects.create(
            id=ids[0] - 1, organization=other_organization, framework=small_framework
        )
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Assessment]):
            cursor.execute(statement)

    import_archive(vacated)

    made = Assessment.objects.create(
        organization=other_organization, framework=small_framework, title="新评估"
    )
    assert made.pk > ids[-1]


# Refusing.


def test_export_of_an_unknown_organization_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="no organization 'nowhere'") as raised:
        export(tmp_path / "out" / "x.zip", slug="nowhere")

    assert raised.value.returncode == 2
    assert list((tmp_path / "out").iterdir()) == []


def test_export_refuses_a_broken_trail_and_writes_nothing(source, tmp_path):
    source.audit_records.filter(sequence=3).update(actor="mallory")

    with pytest.raises(CommandError, match="record 3: its content") as raised:
        export(tmp_path / "out" / "org-a.zip")

    assert raised.value.returncode == 1
    assert list((tmp_path / "out").iterdir()) == []


def rebuilt(original: Path, change=None, add=None, drop=()) -> Path:
    """A copy of the archive with its manifest changed, members added or dropped."""
    with zipfile.ZipFile(original) as packed:
        members = {name: packed.read(name) for name in packed.namelist()}
    if change:
        manifest = json.loads(members["manifest.json"])
        change(manifest)
        members["manifest.json"] = json.dumps(manifest).encode()
    members |= add or {}
    target = original.with_name("rebuilt.zip")
    with zipfile.ZipFile(target, "w") as packed:
        for name, content in members.items():
            if name not in drop:
                packed.writestr(name, content)
    return target


def first_file(path: Path) -> str:
    with zipfile.ZipFile(path) as packed:
        return next(name for name in packed.namelist() if name.startswith("files/"))


def not_a_zip(path: Path) -> Path:
    target = path.with_name("plain.zip")
    target.write_bytes(b"PK but not really a zip archive")
    return target


def set_value(*keys: object, value: object):
    def change(manifest: dict) -> None:
        *route, last = keys
        for key in route:
            manifest = manifest[key]
        manifest[last] = value

    return change


BAD_ARCHIVES = {
    "not a zip": (not_a_zip, "not a ZIP archive"),
    "no manifest": (
        lambda path: rebuilt(path, drop={"manifest.json"}),
        "manifest.json: missing",
    ),
    "manifest not json": (
        lambda path: rebuilt(path, add={"manifest.json": b'{"format": '}),
        "manifest.json: not valid JSON at line 1",
    ),
    "another format": (
        lambda path: rebuilt(path, set_value("format", value="cmmrm-organization/2")),
        "manifest.json: format: expected 'cmmrm-organization/1', got "
        "'cmmrm-organization/2'",
    ),
    "altered file": (
        lambda path: rebuilt(path, add={first_file(path): b"altered"}),
        "its content does not match its SHA-256",
    ),
    "file missing": (
        lambda path: rebuilt(path, drop={first_file(path)}),
        "named in the manifest but missing from the archive",
    ),
    "climbing name": (
        lambda path: rebuilt(path, add={"files/../../../etc/cron.d/x": b"x"}),
        "files/../../../etc/cron.d/x: unsafe member name",
    ),
    "absolute name": (
        lambda path: rebuilt(path, add={"/etc/x": b"x"}),
        "/etc/x: unsafe member name",
    ),
    "stray member": (
        lambda path: rebuilt(path, add={"notes.txt": b"x"}),
        "notes.txt: unexpected member",
    ),
    "edited trail": (
        lambda path: rebuilt(
            path, set_value("audit_trail", "records", 2, "actor", value="mallory")
        ),
        "manifest.json: audit_trail: the hash chain is broken at record 3",
    ),
    "unknown state": (
        lambda path: rebuilt(path, set_value("assessments", 0, "state", value="done")),
        "manifest.json: assessments[0].state: unknown value 'done'",
    ),
    "unknown account": (
        lambda path: rebuilt(
            path, set_value("assessments", 1, "created_by", value="nobody")
        ),
        "manifest.json: assessments[1].created_by: names no account of the archive",
    ),
    "missing field": (
        lambda path: rebuilt(
            path, lambda manifest: manifest["evidence"][0].pop("created_at")
        ),
        "manifest.json: evidence[0].created_at: missing",
    ),
}


def assert_nothing_restored(media_before: set[str]) -> None:
    assert not Organization.objects.exists()
    assert not get_user_model().objects.exists()
    assert not AuditRecord.objects.exists()
    assert media_files() == media_before


@pytest.mark.parametrize("make, message", BAD_ARCHIVES.values(), ids=BAD_ARCHIVES)
def test_a_bad_archive_is_refused_saying_where_and_nothing_is_written(
    vacated, make, message
):
    bad = make(vacated)
    media_before = media_files()

    with pytest.raises(CommandError) as raised:
        import_archive(bad)

    assert raised.value.returncode == 2
    assert str(raised.value).startswith(f"{bad}: ")
    assert message in str(raised.value)
    assert_nothing_restored(media_before)


def test_an_oversized_member_is_refused_before_it_is_read(vacated, monkeypatch):
    monkeypatch.setattr(archive.reading, "MEMBER_LIMIT", 1000)
    media_before = media_files()

    with pytest.raises(CommandError, match="more than the 1000 allowed") as raised:
        import_archive(vacated)

    assert raised.value.returncode == 2
    assert f"files/{sha256(PNG)}: 1032 bytes" in str(raised.value)
    assert_nothing_restored(media_before)


def test_a_framework_not_loaded_here_is_named(vacated):
    bad = rebuilt(vacated, set_value("assessments", 2, "framework", value="T/X 1"))
    media_before = media_files()

    with pytest.raises(CommandError, match="'T/X 1' is not loaded") as raised:
        import_archive(bad)

    assert raised.value.returncode == 2
    assert "assessments[2].framework" in str(raised.value)
    assert_nothing_restored(media_before)


def test_an_existing_organization_is_not_overwritten(source, tmp_path):
    path = export(tmp_path / "out" / "org-a.zip")
    rows = (Assessment.objects.count(), AuditRecord.objects.count())

    with pytest.raises(CommandError, match="'org-a' already exists") as raised:
        import_archive(path)

    assert raised.value.returncode == 2
    assert (Assessment.objects.count(), AuditRecord.objects.count()) == rows


def test_an_account_here_with_another_password_stops_the_import(vacated):
    get_user_model().objects.create_user("auditor-a", password="另一个人的密码")
    media_before = media_files()

    with pytest.raises(
        CommandError, match="other accounts in this database: auditor-a"
    ):
        import_archive(vacated)

    assert not Organization.objects.exists()
    assert list(get_user_model().objects.values_list("username", flat=True)) == [
        "auditor-a"
    ]
    assert media_files() == media_before


def test_an_assessment_id_taken_here_stops_the_import(
    vacated, small_framework, other_organization
):
    taken = manifest_of(vacated)["assessments"][1]["id"]
    Assessment.objects.create(
        id=taken, organization=other_organization, framework=small_framework
    )

    with pytest.raises(CommandError, match=f"assessment id {taken} is taken"):
        import_archive(vacated)

    assert not Organization.objects.filter(slug="org-a").exists()


def test_a_failure_in_the_last_step_leaves_nothing_behind(vacated, monkeypatch):
    media_before = media_files()
    written = []

    def fail(*args: object) -> None:
        written.append(media_files() - media_before)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(archive.restore._Restorer, "trail", fail)

    with pytest.raises(RuntimeError, match="the disk is full"):
        import_archive(vacated)

    # Evidence files and reports had been stored when it failed: 5 of them.
    assert len(written[0]) == 5
    assert_nothing_restored(media_before)


def test_a_database_failure_midway_is_one_line_and_leaves_nothing(vacated, monkeypatch):
    media_before = media_files()

    def fail(self, *args: object, **kwargs: object) -> None:
        raise DatabaseError("connection lost")

    monkeypatch.setattr(AuditHead, "save", fail)

    with pytest.raises(
        CommandError, match="nothing was kept: connection lost"
    ) as raised:
        import_archive(vacated)

    assert raised.value.returncode == 1
    assert_nothing_restored(media_before)


def test_commands_report_bad_input_in_one_line(fresh_database, tmp_path):
    not_zip = tmp_path / "plain.zip"
    not_zip.write_text("plain text", encoding="utf-8")

    refused = manage(fresh_database, "import_all", str(not_zip))
    unknown = manage(fresh_database, "export_all", "nowhere", str(tmp_path / "x.zip"))

    assert_one_line_error(refused, f"{not_zip}: not a ZIP archive")
    assert_one_line_error(unknown, "no organization 'nowhere'")
    assert not (tmp_path / "x.zip").exists()
