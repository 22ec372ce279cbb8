"""import_assessment and export_assessment: the cmmrm-assessment/1 round trip."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments.exchange import FORMAT
from assessments.models import Assessment, Citation, Evidence
from tests.conftest import (
    assert_one_line_error,
    row_counts,
    run_manage,
    write_json,
)

POLICY = {"title": "风险管理策略", "url": "https://example.org/policy"}
MINUTES = {"title": "评审会议纪要", "text": "会议同意发布策略。"}
SCAN = {"title": "签字扫描件", "file": "signed.pdf"}
# Written as an export writes it: keys in order, clauses in the catalogue's order.
DOCUMENT = {
    "format": FORMAT,
    "framework": "T/TEST 0001—2024",
    "title": "2024 年度自评",
    "organization": "甲机构",
    "target_level": 3,
    "scope": ["5.2.1", "5.2.3"],
    "answers": {
        "5.2.1.1.a": {
            "status": "met",
            "note": "已发布",
            "evidence": [POLICY, MINUTES],
        },
        "5.2.1.1.b": {"status": "not_applicable", "justification": "不开展此类业务"},
        "5.2.3.1.1.a": {"status": None, "note": "待补充", "evidence": [SCAN]},
    },
}


def import_file(path: str, slug: str = "org-a") -> str:
    out = StringIO()
    call_command("import_assessment", path, "--organization", slug, stdout=out)
    return out.getvalue()


def export(assessment_id: int) -> str:
    out = StringIO()
    call_command("export_assessment", str(assessment_id), stdout=out)
    return out.getvalue()


@pytest.fixture
def imported(small_framework, organization, tmp_path) -> Assessment:
    import_file(write_json(tmp_path / "document.json", DOCUMENT))
    return Assessment.objects.get()


def test_import_creates_one_assessment_with_answers_and_evidence(
    small_framework, organization, tmp_path
):
    path = write_json(tmp_path / "document.json", DOCUMENT)

    output = import_file(path)

    assessment = Assessment.objects.get()
    assert output == f"imported assessment {assessment.pk} with 3 answers\n"
    assert assessment.organization == organization
    assert (assessment.title, assessment.target_level, assessment.scope) == (
        "2024 年度自评",
        3,
        ["5.2.1", "5.2.3.1"],
    )
    answers = {
        answer.clause.code: (answer.status, answer.note, answer.justification)
        for answer in assessment.answers.all()
    }
    assert answers == {
        "5.2.1.1.a": ("met", "已发布", ""),
        "5.2.1.1.b": ("not_applicable", "", "不开展此类业务"),
        "5.2.3.1.1.a": ("", "待补充", ""),
    }
    evidence = {
        (item.title, item.kind, item.content, item.organization_id)
        for item in Evidence.objects.all()
    }
    assert evidence == {
        ("风险管理策略", "url", "https://example.org/policy", organization.pk),
        ("评审会议纪要", "text", "会议同意发布策略。", organization.pk),
        ("签字扫描件", "file", "signed.pdf", organization.pk),
    }


def test_export_gives_back_the_imported_document_with_domains_as_stages(imported):
    text = export(imported.pk)

    # The domain 5.2.3 in the scope is stored, and so exported, as its stages.
    assert json.loads(text) == DOCUMENT | {"scope": ["5.2.1", "5.2.3.1"]}
    assert text.endswith("}\n")


def test_reimporting_an_export_and_exporting_again_gives_identical_text(
    imported, tmp_path
):
    first = export(imported.pk)
    (tmp_path / "export.json").write_text(first, encoding="utf-8")
    import_file(str(tmp_path / "export.json"))
    again = Assessment.objects.exclude(pk=imported.pk).get()

    second = export(again.pk)

    assert second == first


def test_export_to_a_file_writes_the_same_text_as_to_stdout(imported, tmp_path):
    out = StringIO()
    target = tmp_path / "out.json"

    call_command(
        "export_assessment", str(imported.pk), "--out", str(target), stdout=out
    )

    assert out.getvalue() == ""
    assert target.read_text(encoding="utf-8") == export(imported.pk)


def test_evidence_shared_by_two_clauses_is_one_row_cited_twice(
    small_framework, organization, tmp_path
):
    shared = {"title": "风险管理策略", "url": "https://example.org/policy"}
    answers = {
        "5.2.1.1.a": {"status": "met", "evidence": [shared]},
        "5.2.1.1.b": {"status": "partial", "evidence": [dict(shared)]},
    }
    path = write_json(tmp_path / "shared.json", {**DOCUMENT, "answers": answers})

    import_file(path)

    evidence = Evidence.objects.get()
    cited_by = sorted(evidence.answers.values_list("clause__code", flat=True))
    assert cited_by == ["5.2.1.1.a", "5.2.1.1.b"]
    assert Citation.objects.count() == 2


def test_bad_answer_after_valid_ones_refuses_the_whole_document(
    small_framework, organization, tmp_path
):
    answers = {**DOCUMENT["answers"], "5.2.3.1.6.b": {"status": "met"}}
    path = write_json(tmp_path / "late.json", {**DOCUMENT, "answers": answers})

    with pytest.raises(CommandError) as refused:
        import_file(path)

    assert refused.value.returncode == 2
    assert str(refused.value) == f"{path}: answers.5.2.3.1.6.b: unknown clause code"
    assert row_counts() == (0, 0, 0, 0)


def test_unknown_organization_is_refused_with_exit_status_2(
    small_framework, organization, tmp_path
):
    path = write_json(tmp_path / "document.json", DOCUMENT)

    with pytest.raises(CommandError) as refused:
        import_file(path, slug="org-z")

    assert refused.value.returncode == 2
    assert str(refused.value) == "--organization: no organization 'org-z'"
    assert row_counts() == (0, 0, 0, 0)


def test_export_of_an_unknown_id_is_refused(imported):
    missing = imported.pk + 1

    with pytest.raises(CommandError) as refused:
        export(missing)

    assert refused.value.returncode == 2
    assert str(refused.value) == f"no assessment with id {missing}"


def test_import_of_a_bad_document_exits_2_with_one_line_on_stderr(
    process_database, tmp_path
):
    path = write_json(tmp_path / "bad.json", {**DOCUMENT, "target_level": 6})

    result = run_manage(
        process_database, "import_assessment", path, "--organization", "demo"
    )

    assert_one_line_error(
        result, f"{path}: target_level: must be a level from 1 to 5, got 6"
    )


def test_export_of_an_unknown_id_exits_2_with_one_line_on_stderr(process_database):
    result = run_manage(process_database, "export_assessment", "4040")

    assert_one_line_error(result, "no assessment with id 4040")


def test_importing_twice_cites_the_library_items_already_held(
    small_framework, organization, tmp_path
):
    path = write_json(tmp_path / "document.json", DOCUMENT)
    import_file(path)
    items = Evidence.objects.count()

    import_file(path)

    assert Evidence.objects.count() == items
    assert Assessment.objects.count() == 2
