"""Saving one clause's answer with its version check."""

import threading

import pytest
from django.db import connection

from assessments.models import Answer, Assessment, Clause, Evidence
from assessments.scoring import Status
from assessments.services.answers import AnswerError, AnswerInput, save_answer


@pytest.fixture
def assessment(small_framework, organization):
    return Assessment.objects.create(
        organization=organization, framework=small_framework, title="2024 自评估"
    )


@pytest.fixture
def clause(small_framework):
    return Clause.objects.get(framework=small_framework, code="5.2.1.2.b")


def library_item(organization, title: str) -> Evidence:
    return Evidence.objects.create(
        organization=organization, title=title, kind="url", url="https://intranet/x"
    )


def test_first_save_creates_version_one_with_citations_in_order(
    assessment, clause, organization, assessor
):
    second, first = library_item(organization, "b"), library_item(organization, "a")
    data = AnswerInput(Status.MET, note="见制度", evidence_ids=(first.pk, second.pk))

    outcome = save_answer(assessment, clause, data, loaded_version=0, user=assessor)

    assert not outcome.conflict
    assert outcome.answer.version == 1
    assert outcome.answer.updated_by == assessor
    cited = [c.evidence.title for c in outcome.answer.citations.all()]
    assert cited == ["a", "b"]


def test_save_from_an_outdated_version_is_refused_and_keeps_theirs(
    assessment, clause, assessor
):
    save_answer(assessment, clause, AnswerInput(Status.MET), 0, assessor)
    save_answer(assessment, clause, AnswerInput(Status.PARTIAL), 1, assessor)

    outcome = save_answer(assessment, clause, AnswerInput(Status.NOT_MET), 1, assessor)

    assert outcome.conflict
    assert outcome.answer.status == "partial"
    assert Answer.objects.get().status == "partial"
    assert Answer.objects.get().version == 2


def test_save_of_a_clause_someone_else_answered_first_is_refused(
    assessment, clause, assessor
):
    save_answer(assessment, clause, AnswerInput(Status.MET), 0, assessor)

    outcome = save_answer(assessment, clause, AnswerInput(Status.NOT_MET), 0, assessor)

    assert outcome.conflict
    assert Answer.objects.get().status == "met"


def test_not_applicable_without_justification_is_refused(assessment, clause, assessor):
    with pytest.raises(AnswerError, match="justification"):
        save_answer(assessment, clause, AnswerInput(Status.NOT_APPLICABLE), 0, assessor)

    assert not Answer.objects.exists()


def test_evidence_of_another_organization_cannot_be_cited(
    assessment, clause, other_organization, assessor
):
    foreign = library_item(other_organization, "别人的证据")

    with pytest.raises(AnswerError, match="own library"):
        save_answer(
            assessment,
            clause,
            AnswerInput(Status.MET, evidence_ids=(foreign.pk,)),
            0,
            assessor,
        )

    assert not Answer.objects.exists()


def test_baseline_clause_takes_no_answer(assessment, assessor, small_framework):
    Clause.objects.filter(code="5.2.1.1.a").update(baseline=True)
    baseline = Clause.objects.get(code="5.2.1.1.a")

    with pytest.raises(AnswerError, match="takes no answer"):
        save_answer(assessment, baseline, AnswerInput(Status.MET), 0, assessor)


@pytest.mark.parametrize("loaded_version", [0, 1], ids=["new", "existing"])
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_from_one_version_let_exactly_one_through(
    assessment, clause, assessor, loaded_version
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers; the race needs PostgreSQL")
    if loaded_version:
        save_answer(assessment, clause, AnswerInput(None, note="草稿"), 0, assessor)
    outcomes = []

    def save(status: Status) -> None:
        try:
            data = AnswerInput(status, note=status.value)
            outcomes.append(
                save_answer(assessment, clause, data, loaded_version, assessor)
            )
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(status,))
        for status in [Status.MET, Status.PARTIAL, Status.NOT_MET] * 4
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    winners = [outcome for outcome in outcomes if not outcome.conflict]
    assert len(outcomes) == 12 and len(winners) == 1
    saved = Answer.objects.get()
    assert saved.version == loaded_version + 1
    assert saved.note == winners[0].answer.note
