"""Reading and writing the cmmrm-assessment/1 format, without a database."""

import json

import pytest

from assessments.exchange import ExchangeError, document_as_json, parse_document
from assessments.scoring import Status
from tests.test_scoring import make_area, make_catalogue

CATALOGUE = make_catalogue(
    make_area("5.2.1", baseline={"5.2.1.1.a"}), make_area("5.2.3.1", parent="5.2.3")
)


def parse(data: dict):
    raw = json.dumps({"format": "cmmrm-assessment/1", "framework": "T/TEST", **data})
    return parse_document(raw, {"T/TEST": CATALOGUE}.get)[0]


def answering(code: str, **entry: object) -> dict:
    return {"answers": {code: entry}}


def error_of(data: dict) -> ExchangeError:
    with pytest.raises(ExchangeError) as caught:
        parse(data)
    return caught.value


def test_document_reads_into_answers_with_evidence():
    document = parse(
        {
            "title": "2024 自评估",
            "target_level": 3,
            "scope": ["5.2.1"],
            "answers": {
                "5.2.1.1.b": {
                    "status": "met",
                    "note": "见制度",
                    "evidence": [{"title": "制度", "file": "policy.pdf"}],
                }
            },
        }
    )

    answer = document.answers["5.2.1.1.b"]
    assert answer.status is Status.MET
    assert answer.evidence[0].kind == "file"
    assert document.scope == ("5.2.1",) and document.target_level == 3


def test_written_document_reads_back_to_the_same_document():
    document = parse(
        {
            "answers": {
                "5.2.3.1.2.a": {"status": None, "note": "草稿"},
                "5.2.1.1.b": {"status": "not_applicable", "justification": "无"},
            }
        }
    )

    text = document_as_json(document, CATALOGUE)

    assert parse_document(text, {"T/TEST": CATALOGUE}.get)[0] == document
    assert list(json.loads(text)["answers"]) == ["5.2.1.1.b", "5.2.3.1.2.a"]


def test_ascii_hyphen_in_framework_code_means_the_em_dash():
    lookup = {"T/ISC 0028—2023": CATALOGUE}.get
    raw = '{"format": "cmmrm-assessment/1", "framework": "T/ISC 0028-2023"}'

    document, _ = parse_document(raw, lookup)

    assert document.framework == "T/TEST"


@pytest.mark.parametrize(
    "data, place, problem",
    [
        ({"answers": {"5.2.1.9.z": {}}}, "answers.5.2.1.9.z", "unknown clause code"),
        (
            {"answers": {"5.2.1.1.a": {"status": "met"}}},
            "answers.5.2.1.1.a",
            "baseline",
        ),
        (
            {"answers": {"5.2.1.1.b": {"status": "ok"}}},
            "answers.5.2.1.1.b.status",
            "'ok'",
        ),
        (
            {"answers": {"5.2.1.1.b": {"status": "not_applicable"}}},
            "answers.5.2.1.1.b.justification",
            "justification",
        ),
        ({"scope": ["5.2.1", "5.2.11"]}, "scope[1]", "unknown area '5.2.11'"),
        ({"target_level": 6}, "target_level", "from 1 to 5"),
        ({"target_level": True}, "target_level", "from 1 to 5"),
        (
            {"answers": {"5.2.1.1.b": {"evidence": [{"title": "x"}]}}},
            "answers.5.2.1.1.b.evidence[0]",
            "exactly one of url, text or file",
        ),
        (
            {"answers": {"5.2.1.1.b": {"evidence": [{"url": "http://x"}]}}},
            "answers.5.2.1.1.b.evidence[0].title",
            "needs a title",
        ),
        ({"answers": {"5.2.1.1.b": {"stauts": "met"}}}, "answers.5.2.1.1.b.stauts", ""),
        ({"extra": 1}, "extra", "unknown field"),
    ],
)
def test_bad_documents_name_the_place_and_the_problem(data, place, problem):
    error = error_of(data)

    assert error.place == place
    assert problem in error.problem


def test_malformed_json_names_line_and_column():
    with pytest.raises(ExchangeError, match="not valid JSON at line 1, column 2"):
        parse_document("{oops", {}.get)


def test_unknown_format_and_framework_are_refused():
    with pytest.raises(ExchangeError, match="format: expected 'cmmrm-assessment/1'"):
        parse_document('{"format": "other/1"}', {}.get)
    with pytest.raises(ExchangeError, match="framework: unknown framework 'T/X'"):
        parse_document('{"format": "cmmrm-assessment/1", "framework": "T/X"}', {}.get)


def test_duplicate_keys_are_refused_rather_than_silently_dropped():
    raw = '{"format": "cmmrm-assessment/1", "format": "cmmrm-assessment/1"}'

    with pytest.raises(ExchangeError, match="format: appears twice"):
        parse_document(raw, {}.get)


def test_evidence_links_must_be_web_links_and_titles_fit_the_library():
    bad_link = {"evidence": [{"title": "t", "url": "javascript:alert(1)"}]}
    long_title = {"evidence": [{"title": "长" * 301, "text": "摘录"}]}

    assert error_of(answering("5.2.1.1.b", **bad_link)).place.endswith("[0].url")
    assert "longer than 300" in error_of(answering("5.2.1.1.b", **long_title)).problem
