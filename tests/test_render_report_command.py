"""manage.py render_report: an assessment's PDF report written to a file."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments.models import Assessment
from assessments.services.frameworks import load_framework
from tests.conftest import assert_one_line_error, run_manage
from tests.test_results_views import three_area_framework_dir


@pytest.fixture
def assessment(db, tmp_path, organization) -> Assessment:
    # Three areas, so that the report draws its radar (it needs three spokes).
    framework = load_framework(three_area_framework_dir(tmp_path / "three")).framework
    return Assessment.objects.create(
        organization=organization, framework=framework, title="2024 自评估"
    )


@pytest.fixture
def fake_render(monkeypatch) -> list[str]:
    """Lay nothing out; keep the languages asked for."""
    from assessments.management.commands import render_report

    languages: list[str] = []

    def fake(assessment: Assessment, language: str) -> bytes:
        languages.append(language)
        return b"%PDF-1.7"

    monkeypatch.setattr(render_report, "render_report", fake)
    return languages


def render(*args: str) -> str:
    out = StringIO()
    call_command("render_report", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_writes_the_report_as_a_pdf(assessment, tmp_path, language):
    target = tmp_path / f"report-{language}.pdf"

    output = render(str(assessment.pk), "--out", str(target), "--lang", language)

    assert target.read_bytes().startswith(b"%PDF")
    assert output.startswith(f"wrote {target} (")


def test_language_defaults_to_chinese(assessment, tmp_path, fake_render):
    render(str(assessment.pk), "--out", str(tmp_path / "report.pdf"))

    assert fake_render == ["zh"]
    assert (tmp_path / "report.pdf").read_bytes() == b"%PDF-1.7"


def test_unknown_assessment_is_refused_with_status_2(db, tmp_path):
    target = tmp_path / "report.pdf"

    with pytest.raises(CommandError, match="no assessment with id 999999") as error:
        render("999999", "--out", str(target))

    assert error.value.returncode == 2
    assert not target.exists()


def test_unknown_assessment_exits_with_status_2_and_one_line(
    process_database, tmp_path
):
    result = run_manage(
        process_database, "render_report", "999999", "--out", str(tmp_path / "r.pdf")
    )

    assert_one_line_error(result, "no assessment with id 999999")


def test_unknown_language_is_refused(assessment, tmp_path):
    with pytest.raises(CommandError, match="invalid choice: 'fr'"):
        render(str(assessment.pk), "--out", str(tmp_path / "r.pdf"), "--lang", "fr")


def test_out_in_a_missing_folder_is_refused_naming_the_path(
    assessment, tmp_path, fake_render
):
    target = tmp_path / "missing" / "report.pdf"

    with pytest.raises(CommandError) as error:
        render(str(assessment.pk), "--out", str(target))

    assert str(error.value) == f"{target}: No such file or directory"


def test_out_naming_a_folder_is_refused_naming_the_path(
    assessment, tmp_path, fake_render
):
    with pytest.raises(CommandError) as error:
        render(str(assessment.pk), "--out", str(tmp_path))

    assert str(error.value) == f"{tmp_path}: Is a directory"


def test_writes_the_report_of_a_two_area_framework(
    small_framework, organization, tmp_path
):
    assessment = Assessment.objects.create(
        organization=organization, framework=small_framework, title="2024 自评估"
    )
    target = tmp_path / "report.pdf"

    render(str(assessment.pk), "--out", str(target))

    assert target.read_bytes().startswith(b"%PDF")
