"""The audit trail in the database: what each change appends, and verifying it."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments.exchange import FORMAT
from assessments.lifecycle import Action, LifecycleError, State
from assessments.models import (
    Assessment,
    AuditRecord,
    Evidence,
)
from assessments.scoring import Status
from assessments.services.answers import AnswerError, add_evidence
from assessments.services.audit import first_broken_link_of
from assessments.services.lifecycle import (
    change_state,
    respond_to_review,
    review_answer,
    start_from,
)
from tests.conftest import run_manage, write_json
from tests.review_support import access_of, answer, set_state

pytestmark = pytest.mark.usefixtures("fast_passwords")


def records(organization) -> list[AuditRecord]:
    return list(organization.audit_records.order_by("sequence"))


def last_record(organization) -> AuditRecord:
    return organization.audit_records.order_by("-sequence").first()


def verify(*args: str) -> str:
    out = StringIO()
    call_command("verify_audit_trail", *args, stdout=out)
    return out.getvalue()


def library_item(organization, title: str = "风险管理制度") -> Evidence:
    return Evidence.objects.create(
        organization=organization, title=title, kind="url", url="https://intranet/x"
    )


@pytest.fixture
def busy(assessment, organization, team):
    """A trail of eight changes: answers, evidence, the workflow, a review, a reply."""
    admin, assessor, auditor = team["admin"], team["assessor"], team["auditor"]
    item = add_evidence(
        Evidence(organization=organization, title="制度", kind="text", text="第三条"),
        assessor,
    )
    answer(assessment, "5.2.1.1.a", assessor, evidence_ids=(item.pk,))
    answer(assessment, "5.2.1.1.b", assessor, Status.PARTIAL, note="试点中")
    change_state(assessment, Action.SUBMIT, admin, access_of(admin, organization))
    auditing = access_of(auditor, organization)
    change_state(assessment, Action.START_REVIEW, auditor, auditing)
    assessment.refresh_from_db()
    rejected = review_answer(
        assessment.answers.get(clause__code="5.2.1.1.b"),
        "rejected",
        "仅为试点",
        auditor,
        auditing,
    )
    change_state(assessment, Action.RETURN, auditor, auditing, "请补充")
    respond_to_review(rejected, "已全面推行", assessor)
    return assessment


# What each change appends.


def test_first_save_of_an_answer_is_recorded_with_nothing_before(
    assessment, organization, team
):
    item = library_item(organization)

    saved = answer(
        assessment,
        "5.2.1.1.a",
        team["assessor"],
        note="见制度",
        evidence_ids=(item.pk,),
    )

    record = last_record(organization)
    assert (record.kind, record.subject, record.actor) == (
        "answer",
        "5.2.1.1.a",
        "assessor-a",
    )
    assert record.assessment_ref == assessment.pk
    assert record.before is None
    assert record.after == {
        "version": 1,
        "status": "met",
        "note": "见制度",
        "justification": "",
        "evidence": [item.pk],
    }
    assert saved.version == 1


def test_later_save_records_the_previous_answer_as_before(
    assessment, organization, team
):
    answer(assessment, "5.2.1.1.a", team["assessor"], Status.PARTIAL, note="试点")

    answer(assessment, "5.2.1.1.a", team["admin"], Status.MET, note="已推行")

    record = last_record(organization)
    assert record.actor == "admin-a"
    assert record.before == {
        "version": 1,
        "status": "partial",
        "note": "试点",
        "justification": "",
        "evidence": [],
    }
    assert record.after["version"] == 2
    assert record.after["status"] == "met"
    assert record.after["note"] == "已推行"


def test_added_evidence_is_recorded(organization, team):
    item = Evidence(
        organization=organization, title="会议纪要", kind="text", text="通过"
    )

    add_evidence(item, team["assessor"])

    record = last_record(organization)
    assert (record.kind, record.subject, record.actor) == (
        "evidence",
        f"evidence:{item.pk}",
        "assessor-a",
    )
    assert record.before is None
    assert record.after == {
        "title": "会议纪要",
        "kind": "text",
        "content": "通过",
        "file": "",
    }


def test_review_decision_is_recorded(assessment, organization, team):
    saved = answer(assessment, "5.2.1.1.a", team["assessor"])
    set_state(assessment, State.IN_REVIEW)
    auditor = team["auditor"]

    review_answer(
        saved,
        "more_evidence",
        "请附会议纪要",
        auditor,
        access_of(auditor, organization),
    )

    record = last_record(organization)
    assert (record.kind, record.subject, record.actor) == (
        "review",
        "5.2.1.1.a",
        "auditor-a",
    )
    assert record.before is None
    assert record.after == {
        "decision": "more_evidence",
        "reason": "请附会议纪要",
        "answer_version": 1,
    }


def test_response_to_a_review_is_recorded(assessment, organization, team):
    saved = answer(assessment, "5.2.1.1.a", team["assessor"])
    set_state(assessment, State.IN_REVIEW)
    auditor = team["auditor"]
    review = review_answer(
        saved, "rejected", "证据过期", auditor, access_of(auditor, organization)
    )

    respond_to_review(review, "  已更新为2024版  ", team["assessor"])

    record = last_record(organization)
    assert (record.kind, record.subject, record.actor) == (
        "response",
        "5.2.1.1.a",
        "assessor-a",
    )
    assert record.assessment_ref == assessment.pk
    assert record.after == {"review": review.pk, "response": "已更新为2024版"}


def test_state_change_is_recorded_with_before_and_after(assessment, organization, team):
    set_state(assessment, State.IN_REVIEW)
    auditor = team["auditor"]

    change_state(
        assessment, Action.RETURN, auditor, access_of(auditor, organization), "缺纪要"
    )

    record = last_record(organization)
    assert (record.kind, record.subject, record.actor) == (
        "state",
        "assessment",
        "auditor-a",
    )
    assert record.assessment_ref == assessment.pk
    assert record.before == {"state": "in_review"}
    assert record.after == {"state": "returned", "reason": "缺纪要"}


def test_import_records_each_answer_it_creates(small_framework, organization, tmp_path):
    document = {
        "format": FORMAT,
        "framework": small_framework.code,
        "title": "导入的评估",
        "answers": {
            "5.2.1.1.a": {"status": "met", "note": "已发布"},
            "5.2.1.1.b": {"status": "partial"},
        },
    }
    path = write_json(tmp_path / "document.json", document)

    call_command(
        "import_assessment", path, "--organization", "org-a", stdout=StringIO()
    )

    imported = Assessment.objects.get()
    trail = [
        (r.actor, r.kind, r.subject, r.before, r.after["status"], r.assessment_ref)
        for r in records(organization)
    ]
    assert trail == [
        ("import", "answer", "5.2.1.1.a", None, "met", imported.pk),
        ("import", "answer", "5.2.1.1.b", None, "partial", imported.pk),
    ]


def test_copy_from_a_baseline_records_each_copied_answer(
    assessment, organization, team
):
    answer(assessment, "5.2.1.1.a", team["assessor"], note="见制度")
    answer(assessment, "5.2.3.1.1.a", team["assessor"], Status.NOT_MET)
    set_state(assessment, State.FINAL)
    copied_from = organization.audit_records.count()

    new = start_from(assessment, "2025 自评估", team["admin"])

    trail = [
        (r.actor, r.kind, r.subject, r.before, r.after["status"], r.assessment_ref)
        for r in records(organization)[copied_from:]
    ]
    assert trail == [
        ("admin-a", "answer", "5.2.1.1.a", None, "met", new.pk),
        ("admin-a", "answer", "5.2.3.1.1.a", None, "not_met", new.pk),
    ]
    assert first_broken_link_of(organization) is None


def test_refused_changes_append_nothing(assessment, organization, team):
    answer(assessment, "5.2.1.1.a", team["assessor"])
    set_state(assessment, State.SUBMITTED)
    before = organization.audit_records.count()

    with pytest.raises(AnswerError):
        answer(assessment, "5.2.1.1.b", team["assessor"])
    with pytest.raises(LifecycleError):
        change_state(
            assessment,
            Action.APPROVE,
            team["executive"],
            access_of(team["executive"], organization),
        )

    assert organization.audit_records.count() == before


# The chain per organization.


def test_records_are_numbered_one_to_n_and_linked(busy, organization):
    trail = records(organization)

    assert [record.sequence for record in trail] == list(range(1, 9))
    assert [record.kind for record in trail] == [
        "evidence",
        "answer",
        "answer",
        "state",
        "state",
        "review",
        "state",
        "response",
    ]
    assert [record.previous_hash for record in trail[1:]] == [
        record.hash for record in trail[:-1]
    ]
    assert organization.audit_head.sequence == 8
    assert organization.audit_head.hash == trail[-1].hash
    assert first_broken_link_of(organization) is None


def test_each_organization_has_a_chain_of_its_own(
    busy, organization, other_organization, small_framework
):
    theirs = Assessment.objects.create(
        organization=other_organization, framework=small_framework, title="乙"
    )

    answer(theirs, "5.2.1.1.a", None)
    answer(theirs, "5.2.1.1.b", None)

    their_trail = records(other_organization)
    assert [record.sequence for record in their_trail] == [1, 2]
    assert their_trail[0].previous_hash == "0" * 64
    assert {record.actor for record in their_trail} == {"system"}
    assert [record.sequence for record in records(organization)] == list(range(1, 9))
    assert first_broken_link_of(organization) is None
    assert first_broken_link_of(other_organization) is None


# verify_audit_trail.


def test_verify_says_each_intact_trail_is_whole(busy, other_organization):
    output = verify()

    assert output == "org-a: whole (8 records)\norg-b: whole (0 records)\n"


def test_verify_of_one_organization_checks_only_it(busy, other_organization):
    output = verify("--organization", "org-a")

    assert output == "org-a: whole (8 records)\n"


def test_verify_of_an_unknown_organization_is_refused(busy):
    with pytest.raises(CommandError, match="no organization 'org-z'") as refused:
        verify("--organization", "org-z")

    assert refused.value.returncode == 2


def edit_an_after(organization) -> None:
    organization.audit_records.filter(sequence=3).update(
        after={"version": 1, "status": "met", "note": "", "justification": ""}
    )


def delete_a_middle_record(organization) -> None:
    organization.audit_records.filter(sequence=3).delete()


def delete_the_newest_record(organization) -> None:
    organization.audit_records.filter(sequence=8).delete()


def swap_two_sequences(organization) -> None:
    # Through a free number, or the unique (organization, sequence) would refuse.
    rows = organization.audit_records
    rows.filter(sequence=3).update(sequence=1000)
    rows.filter(sequence=4).update(sequence=3)
    rows.filter(sequence=1000).update(sequence=4)


TAMPERING = {
    "after-edited": (edit_an_after, "record 3: its content does not match its hash"),
    "middle-deleted": (delete_a_middle_record, "record 4: expected record 3 here"),
    "newest-deleted": (delete_the_newest_record, "record 8: the newest records"),
    "sequences-swapped": (swap_two_sequences, "record 3: does not link"),
}


@pytest.mark.parametrize("tampering", TAMPERING)
def test_verify_names_the_organization_and_the_first_broken_record(
    busy, organization, other_organization, tampering
):
    tamper, broken = TAMPERING[tampering]
    tamper(organization)
    out = StringIO()

    with pytest.raises(CommandError) as refused:
        call_command("verify_audit_trail", stdout=out)

    assert refused.value.returncode == 1
    assert str(refused.value).startswith(f"org-a: {broken}")
    assert "org-b" not in str(refused.value)
    assert out.getvalue() == "org-b: whole (0 records)\n"


def test_verify_as_a_process_exits_zero_on_an_intact_trail(process_database):
    result = run_manage(process_database, "verify_audit_trail")

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines
    assert all(": whole (" in line for line in lines)


# export_assessment --with-trail.


def export_with_trail(assessment) -> dict:
    out = StringIO()
    call_command("export_assessment", str(assessment.pk), "--with-trail", stdout=out)
    return json.loads(out.getvalue())


def test_export_with_trail_lists_the_assessments_records_with_hashes(
    busy, organization
):
    document = export_with_trail(busy)

    stored = [r for r in records(organization) if r.assessment_ref == busy.pk]
    trail = document["audit_trail"]
    assert [entry["sequence"] for entry in trail] == [r.sequence for r in stored]
    assert [entry["hash"] for entry in trail] == [r.hash for r in stored]
    assert [entry["previous_hash"] for entry in trail] == [
        r.previous_hash for r in stored
    ]
    content = stored[0].content()
    assert {key: trail[0][key] for key in content} == content
    assert "evidence" not in {entry["kind"] for entry in trail}


def test_export_without_the_option_has_no_trail(busy):
    out = StringIO()

    call_command("export_assessment", str(busy.pk), stdout=out)

    assert "audit_trail" not in json.loads(out.getvalue())


def test_document_with_a_trail_still_imports_and_its_trail_is_ignored(
    busy, other_organization, tmp_path
):
    path = write_json(tmp_path / "with-trail.json", export_with_trail(busy))

    call_command(
        "import_assessment", path, "--organization", "org-b", stdout=StringIO()
    )

    imported = Assessment.objects.get(organization=other_organization)
    assert sorted(imported.answers.values_list("clause__code", "status")) == [
        ("5.2.1.1.a", "met"),
        ("5.2.1.1.b", "partial"),
    ]
    their_trail = records(other_organization)
    assert [(r.sequence, r.actor) for r in their_trail if r.kind == "answer"] == [
        (2, "import"),
        (3, "import"),
    ]
    assert their_trail[0].kind == "evidence"
    assert first_broken_link_of(other_organization) is None
