"""The questionnaire: an area's page, and saving one clause's answer."""

import pytest

from assessments.models import Answer, AreaAssignment, Citation, Clause, Evidence, Role
from assessments.scoring import Status
from assessments.services.answers import AnswerInput, save_answer
from tests.conftest import make_member
from tests.views_support import (
    AREA_CLAUSES,
    PDF,
    ROLES,
    assert_sent_to_log_in,
    clause_data,
    count_queries,
    file_evidence,
    link_evidence,
    log_in,
    pdf_upload,
    text_evidence,
    url,
)

CODE = "5.2.1.1.a"
JSON = {"HTTP_ACCEPT": "application/json"}


def save(client, assessment, code: str = CODE, as_json=True, overwrite=None, **fields):
    """Post one clause's form, as the page's script (JSON) or as a plain form."""
    headers = JSON if as_json else {}
    data = clause_data(code, **fields)
    if overwrite is not None:
        data["overwrite"] = overwrite
    return client.post(url("clause-save", assessment.pk, code), data, **headers)


def save_theirs(assessment, user, note: str = "他们的说明") -> Answer:
    """Someone else's answer to CODE, saved since the page was loaded."""
    clause = Clause.objects.get(code=CODE)
    data = AnswerInput(Status.PARTIAL, note=note)
    return save_answer(assessment, clause, data, 0, user).answer


def area_page(client, assessment):
    return client.get(url("area", assessment.pk, "5.2.1"))


def clause_save(client, assessment):
    return save(client, assessment, as_json=False, status="met")


PAGES = {"area": area_page, "clause-save": clause_save}
OWNERS = [("area", role) for role in ROLES] + [
    ("clause-save", Role.ADMIN),
    ("clause-save", Role.ASSESSOR),
]


@pytest.mark.parametrize(("page", "role"), OWNERS)
def test_owner_reaches_the_page(client, organization, assessment, page, role):
    log_in(client, organization, role)

    response = PAGES[page](client, assessment)

    if page == "area":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert Answer.objects.get().status == "met"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_member_of_another_organization_gets_404(
    client, other_organization, assessment, page, role
):
    log_in(client, other_organization, role)

    response = PAGES[page](client, assessment)

    assert response.status_code == 404
    assert not Answer.objects.exists()


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_user_is_sent_to_log_in(client, assessment, page):
    response = PAGES[page](client, assessment)

    assert_sent_to_log_in(response)
    assert not Answer.objects.exists()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ASSESSOR])
def test_answering_roles_get_a_form_per_clause(client, organization, assessment, role):
    log_in(client, organization, role)

    response = area_page(client, assessment)

    assert response.text.count("data-clause-form") == len(AREA_CLAUSES)
    assert url("clause-save", assessment.pk, CODE) in response.text


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.EXECUTIVE])
def test_auditors_and_executives_read_the_area_without_forms(
    client, organization, assessment, assessor, role
):
    log_in(client, organization, role)
    save_theirs(assessment, assessor, note="制度已发布")

    response = area_page(client, assessment)

    assert response.status_code == 200
    assert "data-clause-form" not in response.text
    assert "制度已发布" in response.text


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.EXECUTIVE])
def test_auditors_and_executives_may_not_save_a_clause(
    client, organization, assessment, role
):
    log_in(client, organization, role)

    response = save(client, assessment, status="met")

    assert response.status_code == 403
    assert not Answer.objects.exists()


def test_assessor_not_named_for_an_area_may_not_save_it(
    client, organization, assessment, assessor
):
    log_in(client, organization, Role.ASSESSOR, "assessor-unnamed")
    AreaAssignment.objects.create(
        assessment=assessment, area_code="5.2.1", assessor=assessor
    )

    response = save(client, assessment, status="met")

    assert response.status_code == 403
    assert not Answer.objects.exists()


def test_assessor_not_named_for_an_area_reads_it_without_forms(
    client, organization, assessment, assessor
):
    log_in(client, organization, Role.ASSESSOR, "assessor-unnamed")
    AreaAssignment.objects.create(
        assessment=assessment, area_code="5.2.1", assessor=assessor
    )

    response = area_page(client, assessment)

    assert response.status_code == 200
    assert "data-clause-form" not in response.text


def test_named_assessor_saves_their_area(client, organization, assessment, assessor):
    client.force_login(assessor)
    AreaAssignment.objects.create(
        assessment=assessment, area_code="5.2.1", assessor=assessor
    )

    response = save(client, assessment, status="met")

    assert response.status_code == 200
    assert Answer.objects.get().updated_by == assessor


def test_assessor_named_elsewhere_still_answers_an_area_without_named_assessors(
    client, organization, assessment, assessor
):
    client.force_login(assessor)
    other = make_member(organization, "assessor-b", Role.ASSESSOR)
    AreaAssignment.objects.create(
        assessment=assessment, area_code="5.2.1", assessor=other
    )

    response = save(client, assessment, "5.2.3.1.1.a", status="met")

    assert response.status_code == 200
    assert Answer.objects.get().clause.code == "5.2.3.1.1.a"


def test_area_left_out_of_scope_answers_404(client, organization, assessment):
    log_in(client, organization, Role.ADMIN)
    assessment.scope = ["5.2.1"]
    assessment.save()

    page = client.get(url("area", assessment.pk, "5.2.3.1"))
    saved = save(client, assessment, "5.2.3.1.1.a", status="met")

    assert page.status_code == 404
    assert saved.status_code == 404
    assert not Answer.objects.exists()


@pytest.mark.parametrize("area_code", ["5.2.3", "5.2.9"], ids=["domain", "unknown"])
def test_area_without_a_questionnaire_answers_404(
    client, organization, assessment, area_code
):
    log_in(client, organization, Role.ADMIN)

    response = client.get(url("area", assessment.pk, area_code))

    assert response.status_code == 404


def test_unknown_clause_answers_404(client, organization, assessment):
    log_in(client, organization, Role.ADMIN)

    response = save(client, assessment, "5.2.1.9.z", status="met")

    assert response.status_code == 404


def test_assessment_scoped_by_a_domain_lets_its_stages_be_answered(
    client, organization, assessment
):
    log_in(client, organization, Role.ADMIN)
    assessment.scope = ["5.2.3"]
    assessment.save()

    response = save(client, assessment, "5.2.3.1.1.a", status="met")

    assert response.status_code == 200
    assert Answer.objects.get().clause.code == "5.2.3.1.1.a"


def test_json_save_returns_version_satisfaction_area_and_overall(
    client, organization, assessment
):
    admin = log_in(client, organization, Role.ADMIN)

    response = save(client, assessment, status="met", note="制度已发布")

    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 1
    assert body["satisfied"] is True
    assert body["area"]["code"] == "5.2.1"
    assert (body["area"]["level"], body["area"]["completion"]) == (0, 10)
    assert (body["overall"]["level"], body["overall"]["completion"]) == (0, 5)
    assert "clause_html" not in body
    answer = Answer.objects.get()
    assert (answer.status, answer.note, answer.version) == ("met", "制度已发布", 1)
    assert answer.updated_by == admin


def test_partial_answer_is_saved_but_not_satisfied(client, organization, assessment):
    log_in(client, organization, Role.ASSESSOR)

    response = save(client, assessment, status="partial")

    assert response.json()["satisfied"] is False
    assert Answer.objects.get().status == "partial"


def test_area_reaches_level_one_once_every_level_one_clause_is_met(
    client, organization, assessment
):
    log_in(client, organization, Role.ASSESSOR)
    first = save(client, assessment, "5.2.1.1.a", status="met").json()

    second = save(client, assessment, "5.2.1.1.b", status="met").json()

    assert first["area"]["level"] == 0
    assert second["area"]["level"] == 1
    assert second["area"]["completion"] == 20
    assert second["overall"]["completion"] == 10


def test_resaving_from_the_current_version_raises_it(client, organization, assessment):
    log_in(client, organization, Role.ASSESSOR)
    save(client, assessment, status="partial")

    response = save(client, assessment, version=1, status="met")

    assert response.json()["version"] == 2
    assert Answer.objects.get().status == "met"


def test_plain_form_post_returns_to_the_clause_on_the_area_page(
    client, organization, assessment
):
    log_in(client, organization, Role.ASSESSOR)

    response = save(client, assessment, as_json=False, status="met")

    assert response.status_code == 302
    expected = url("area", assessment.pk, "5.2.1") + f"#clause-{CODE}"
    assert response["Location"] == expected
    assert Answer.objects.get().status == "met"


def test_json_save_from_an_outdated_version_is_refused_and_shows_theirs(
    client, organization, assessment, assessor
):
    log_in(client, organization, Role.ADMIN)
    save_theirs(assessment, assessor)

    response = save(client, assessment, status="met", note="我的说明")

    assert response.status_code == 409
    body = response.json()
    assert list(body) == ["conflict_html"]
    assert "他们的说明" in body["conflict_html"]
    assert "assessor-a" in body["conflict_html"]
    assert 'name="overwrite" value="1"' in body["conflict_html"]
    answer = Answer.objects.get()
    assert (answer.status, answer.note, answer.version) == ("partial", "他们的说明", 1)
    assert answer.updated_by == assessor


def test_plain_save_from_an_outdated_version_keeps_the_typed_text(
    client, organization, assessment, assessor
):
    log_in(client, organization, Role.ADMIN)
    save_theirs(assessment, assessor)

    response = save(client, assessment, as_json=False, status="met", note="我的说明")

    assert response.status_code == 409
    assert "我的说明" in response.text
    answer = Answer.objects.get()
    assert (answer.status, answer.note, answer.version) == ("partial", "他们的说明", 1)


def test_plain_save_from_an_outdated_version_shows_theirs_and_offers_overwrite(
    client, organization, assessment, assessor
):
    log_in(client, organization, Role.ADMIN)
    save_theirs(assessment, assessor)

    response = save(client, assessment, as_json=False, status="met", note="我的说明")

    assert response.status_code == 409
    assert "data-conflict>" in response.text
    assert "他们的说明" in response.text
    assert 'name="overwrite" value="1"' in response.text


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "plain"])
def test_overwrite_with_their_version_saves_over_theirs(
    client, organization, assessment, assessor, as_json
):
    admin = log_in(client, organization, Role.ADMIN)
    save_theirs(assessment, assessor)

    response = save(
        client, assessment, as_json=as_json, overwrite=1, status="met", note="我的说明"
    )

    assert response.status_code == (200 if as_json else 302)
    answer = Answer.objects.get()
    assert (answer.status, answer.note, answer.version) == ("met", "我的说明", 2)
    assert answer.updated_by == admin


def test_overwrite_with_an_outdated_version_is_refused_too(
    client, organization, assessment, assessor
):
    log_in(client, organization, Role.ADMIN)
    save_theirs(assessment, assessor)
    clause = Clause.objects.get(code=CODE)
    save_answer(assessment, clause, AnswerInput(Status.NOT_MET, "又改了"), 1, assessor)

    response = save(client, assessment, overwrite=1, status="met", note="我的说明")

    assert response.status_code == 409
    assert "又改了" in response.json()["conflict_html"]
    assert Answer.objects.get().note == "又改了"


def test_save_over_an_answer_removed_since_loading_is_refused(
    client, organization, assessment, assessor
):
    log_in(client, organization, Role.ADMIN)
    save_theirs(assessment, assessor)
    Answer.objects.all().delete()

    response = save(client, assessment, version=1, status="met", note="我的说明")

    assert response.status_code == 409
    assert 'name="overwrite" value="0"' in response.json()["conflict_html"]
    assert not Answer.objects.exists()


def test_save_refused_as_outdated_adds_nothing_to_the_library(
    client, organization, assessment, assessor, media
):
    log_in(client, organization, Role.ADMIN)
    save_theirs(assessment, assessor)

    response = save(client, assessment, status="met", upload_file=pdf_upload())

    assert response.status_code == 409
    assert not Evidence.objects.exists()
    assert not Citation.objects.exists()


def test_overwrite_that_is_not_a_number_is_refused(client, organization, assessment):
    log_in(client, organization, Role.ADMIN)

    response = save(client, assessment, overwrite="latest", status="met")

    assert response.status_code == 400
    assert not Answer.objects.exists()


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "plain"])
def test_not_applicable_without_justification_is_refused(
    client, organization, assessment, as_json
):
    log_in(client, organization, Role.ASSESSOR)

    response = save(
        client, assessment, as_json=as_json, status="not_applicable", note="不涉及"
    )

    assert response.status_code == 400
    if as_json:
        assert list(response.json()["errors"]) == ["justification"]
    else:
        assert "不涉及" in response.text
    assert not Answer.objects.exists()


def test_not_applicable_with_justification_is_satisfied(
    client, organization, assessment
):
    log_in(client, organization, Role.ASSESSOR)

    response = save(
        client, assessment, status="not_applicable", justification="本机构不训练模型"
    )

    assert response.json()["satisfied"] is True
    assert Answer.objects.get().justification == "本机构不训练模型"


def test_save_cites_library_items_in_the_given_order(client, organization, assessment):
    log_in(client, organization, Role.ASSESSOR)
    first, second = link_evidence(organization, "乙"), text_evidence(organization, "甲")

    save(client, assessment, status="met", evidence=[second.pk, first.pk])

    cited = Citation.objects.filter(answer=Answer.objects.get()).order_by("position")
    assert [c.evidence_id for c in cited] == [second.pk, first.pk]


def test_clause_form_shows_the_saved_status_and_cited_evidence(
    client, organization, assessment
):
    log_in(client, organization, Role.ASSESSOR)
    cited = link_evidence(organization, "<b>制度</b> & 流程")
    escaped = "&lt;b&gt;制度&lt;/b&gt; &amp; 流程"
    other = text_evidence(organization, "记录")
    save(client, assessment, status="partial", evidence=[cited.pk])

    page = area_page(client, assessment).content.decode()

    assert (
        f'name="{CODE}-status" value="partial" id="id_{CODE}-status_1" checked>' in page
    )
    assert page.count(" checked>") == 1
    assert f'<option value="{cited.pk}" selected>{escaped}</option>' in page
    assert f'<option value="{other.pk}">记录</option>' in page
    assert "<b>制度</b>" not in page


def test_refused_plain_save_keeps_what_the_assessor_chose(
    client, organization, assessment
):
    log_in(client, organization, Role.ASSESSOR)
    item = text_evidence(organization, "记录")

    response = save(
        client, assessment, as_json=False, status="not_applicable", evidence=[item.pk]
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert f'value="not_applicable" id="id_{CODE}-status_3" checked>' in page
    assert f'<option value="{item.pk}" selected>记录</option>' in page


def test_evidence_of_another_organization_cannot_be_cited(
    client, organization, other_organization, assessment
):
    log_in(client, organization, Role.ASSESSOR)
    foreign = link_evidence(other_organization, "别人的证据")

    response = save(client, assessment, status="met", evidence=[foreign.pk])

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["evidence"]
    assert not Answer.objects.exists()


def test_file_uploaded_with_the_clause_joins_the_library_and_is_cited(
    client, organization, assessment, media
):
    user = log_in(client, organization, Role.ASSESSOR)

    response = save(
        client,
        assessment,
        status="met",
        upload_file=pdf_upload("管理制度.pdf"),
        upload_title="模型风险管理制度",
    )

    assert response.status_code == 200
    item = Evidence.objects.get()
    assert (item.organization, item.kind) == (organization, Evidence.Kind.FILE)
    assert (item.title, item.file_name) == ("模型风险管理制度", "管理制度.pdf")
    assert item.created_by == user
    assert (media / item.file.name).read_bytes() == PDF
    assert [c.evidence for c in Answer.objects.get().citations.all()] == [item]
    clause_html = response.json()["clause_html"]
    assert f'id="clause-{CODE}"' in clause_html
    assert f'<option value="{item.pk}" selected>模型风险管理制度' in clause_html


def test_uploaded_file_without_a_title_is_named_after_the_file(
    client, organization, assessment, media
):
    log_in(client, organization, Role.ASSESSOR)

    save(client, assessment, status="met", upload_file=pdf_upload("管理制度.pdf"))

    assert Evidence.objects.get().title == "管理制度.pdf"


@pytest.mark.parametrize(
    ("name", "content"),
    [("tool.exe", PDF), ("制度.pdf", b"MZ\x90\x00\x03 this is no pdf")],
    ids=["exe-extension", "pdf-name-other-content"],
)
@pytest.mark.parametrize("as_json", [True, False], ids=["json", "plain"])
def test_refused_upload_saves_nothing(
    client, organization, assessment, media, name, content, as_json
):
    log_in(client, organization, Role.ASSESSOR)

    response = save(
        client,
        assessment,
        as_json=as_json,
        status="met",
        note="附件见上传",
        upload_file=pdf_upload(name, content),
    )

    assert response.status_code == 400
    if as_json:
        assert list(response.json()["errors"]) == ["upload_file"]
    else:
        assert "附件见上传" in response.text
    assert not Answer.objects.exists()
    assert not Evidence.objects.exists()
    assert not media.exists() or not any(media.rglob("*.*"))


def answer_citing(assessment, clause: Clause, library: list[Evidence]) -> None:
    answer = Answer.objects.create(
        assessment=assessment, clause=clause, status="met", note="见附件"
    )
    Citation.objects.bulk_create(
        Citation(answer=answer, evidence=item, position=n)
        for n, item in enumerate(library)
    )


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR])
def test_area_page_queries_do_not_grow_with_answers_and_evidence(
    client, organization, assessment, media, role
):
    # Django skips prefetch queries (citations, evidence...) while the area has no
    # answer at all, so the baseline is one answer citing one item.
    log_in(client, organization, role)
    address = url("area", assessment.pk, "5.2.1")
    library = [
        file_evidence(organization),
        link_evidence(organization),
        text_evidence(organization),
    ]
    clauses = list(Clause.objects.filter(area__code="5.2.1"))
    answer_citing(assessment, clauses[0], library[:1])
    client.get(address)
    one = count_queries(client, address)
    Answer.objects.all().delete()
    for clause in clauses:
        answer_citing(assessment, clause, library)

    every = count_queries(client, address)

    assert len(clauses) == len(AREA_CLAUSES)
    assert every == one
