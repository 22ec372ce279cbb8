"""The assessment exchange format `cmmrm-assessment/1`: JSON in UTF-8.

    {"format": "cmmrm-assessment/1", "framework": "T/ISC 0028—2023",
     "title": "...", "organization": "...", "target_level": 3,
     "scope": ["5.2.1", "5.2.3.2"],
     "answers": {"5.2.1.1.a": {"status": "met", "note": "...", "justification": "...",
                               "evidence": [{"title": "...", "url": "..."}]}}}

target_level and scope are optional; an answer's status may be null (not yet
answered, but a note or evidence is kept). Reading validates everything before
anything is written, and names the first fault with its place in the document.
"""

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from assessments.catalogue import LEVELS, Catalogue
from assessments.messages import one_line, shown, unstorable
from assessments.scoring import Answer, Status

FORMAT = "cmmrm-assessment/1"
EVIDENCE_KINDS = ("url", "text", "file")
TOP_LEVEL_KEYS = {
    "audit_trail",
    "format",
    "framework",
    "title",
    "organization",
    "target_level",
    "scope",
    "answers",
}
ANSWER_KEYS = {"status", "note", "justification", "evidence"}
STATUS_VALUES = tuple(status.value for status in Status)
# The longest values the database keeps; longer ones are refused before any write.
TITLE_LIMIT = 200
EVIDENCE_LIMITS = {"title": 300, "url": 1000, "file": 255, "text": 0}
# An answer's evidence is numbered from 0 in a small integer column (at most 32767).
CITATION_LIMIT = 32768
# A key is named in a place as it is when it is plain and short, else quoted.
PLAIN_KEY = re.compile(r"[\w.-]+")
KEY_LIMIT = 60
# No number in a document needs more digits than this.
DIGITS_LIMIT = 100


class ExchangeError(Exception):
    """A document that cannot be read: says where (a JSON path) and what is wrong."""

    def __init__(self, place: str, problem: str) -> None:
        self.place = place
        self.problem = problem
        # One line whatever the document holds, as commands report it on one line.
        super().__init__(one_line(f"{place}: {problem}" if place else problem))


@dataclass(frozen=True)
class EvidenceRecord:
    title: str
    kind: str  # one of EVIDENCE_KINDS
    value: str  # the URL, the text excerpt, or the file's name

    def as_json(self) -> dict[str, str]:
        return {"title": self.title, self.kind: self.value}


@dataclass(frozen=True)
class AnswerRecord:
    status: Status | None
    note: str = ""
    justification: str = ""
    evidence: tuple[EvidenceRecord, ...] = ()

    def for_scoring(self) -> Answer:
        return Answer(self.status, self.justification)

    def as_json(self) -> dict[str, object]:
        entry: dict[str, object] = {
            "status": self.status.value if self.status else None
        }
        if self.note:
            entry["note"] = self.note
        if self.justification:
            entry["justification"] = self.justification
        if self.evidence:
            entry["evidence"] = [item.as_json() for item in self.evidence]
        return entry


@dataclass(frozen=True)
class AssessmentDocument:
    framework: str
    title: str = ""
    organization: str = ""
    target_level: int | None = None
    scope: tuple[str, ...] | None = None
    answers: Mapping[str, AnswerRecord] = field(default_factory=dict)

    def answers_for_scoring(self) -> dict[str, Answer]:
        return {code: record.for_scoring() for code, record in self.answers.items()}


def normalize_framework_code(code: str) -> str:
    """Accept an ASCII hyphen where the code's official form has an em dash."""
    return code.replace("-", "—")


def parse_document(
    raw: bytes | str, find_catalogue: Callable[[str], Catalogue | None]
) -> tuple[AssessmentDocument, Catalogue]:
    """Read and validate a document against the framework it names."""
    data = _load_json(raw)
    if not isinstance(data, dict):
        raise ExchangeError("", "the document must be a JSON object")
    unknown = sorted(set(data) - TOP_LEVEL_KEYS)
    if unknown:
        raise ExchangeError(_key(unknown[0]), "unknown field")
    if data.get("format") != FORMAT:
        raise ExchangeError(
            "format", f"expected {FORMAT!r}, got {shown(data.get('format'))}"
        )

    framework = data.get("framework")
    if not isinstance(framework, str):
        raise ExchangeError("framework", "expected the framework's code as text")
    catalogue = None
    # A code no database could store names no framework: it is not looked up.
    if not unstorable(framework):
        catalogue = find_catalogue(framework) or find_catalogue(
            normalize_framework_code(framework)
        )
    if catalogue is None:
        raise ExchangeError("framework", f"unknown framework {shown(framework)}")

    document = AssessmentDocument(
        framework=catalogue.code,
        title=_text(data, "title", limit=TITLE_LIMIT),
        organization=_text(data, "organization"),
        target_level=_target_level(data),
        scope=_scope(data, catalogue),
        answers=_answers(data, catalogue),
    )
    return document, catalogue


def _load_json(raw: bytes | str) -> Any:
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as error:
        raise ExchangeError("", f"not UTF-8 text (byte {error.start})") from None
    try:
        return json.loads(
            text, object_pairs_hook=_refuse_duplicate_keys, parse_int=_integer
        )
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise ExchangeError("", f"not valid JSON at {where}: {error.msg}") from None
    except RecursionError:
        raise ExchangeError("", "not valid JSON: nested too deeply") from None


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise ExchangeError(_key(key), "appears twice in the same object")
        data[key] = value
    return data


def _integer(digits: str) -> int:
    # int() refuses thousands of digits, with a message about Python's own limit.
    if len(digits) > DIGITS_LIMIT:
        raise ExchangeError(
            "", f"a number of {len(digits)} digits ({digits[:20]}…) is too long"
        )
    return int(digits)


def _key(key: str) -> str:
    """A key as a place names it: quoted unless plain, cut short if long."""
    if PLAIN_KEY.fullmatch(key) and len(key) <= KEY_LIMIT:
        return key
    return shown(key)


def _text(data: Mapping[str, Any], key: str, place: str = "", limit: int = 0) -> str:
    value = data.get(key, "")
    where = f"{place}.{key}" if place else key
    if not isinstance(value, str):
        raise ExchangeError(where, "expected text")
    if limit and len(value) > limit:
        raise ExchangeError(where, f"longer than {limit} characters")
    problem = unstorable(value)
    if problem:
        raise ExchangeError(where, problem)
    return value


def _target_level(data: Mapping[str, Any]) -> int | None:
    value = data.get("target_level")
    if value is None:
        return None
    # bool is an int in Python; true is not a level.
    if isinstance(value, bool) or not isinstance(value, int) or value not in LEVELS:
        raise ExchangeError(
            "target_level", f"must be a level from 1 to 5, got {shown(value)}"
        )
    return value


def _scope(data: Mapping[str, Any], catalogue: Catalogue) -> tuple[str, ...] | None:
    if "scope" not in data:
        return None
    value = data["scope"]
    if not isinstance(value, list) or not value:
        raise ExchangeError("scope", "expected a non-empty list of area codes")
    known = {area.code for area in catalogue.areas}
    for index, code in enumerate(value):
        if not isinstance(code, str) or code not in known:
            raise ExchangeError(f"scope[{index}]", f"unknown area {shown(code)}")
    return tuple(value)


def _answers(data: Mapping[str, Any], catalogue: Catalogue) -> dict[str, AnswerRecord]:
    value = data.get("answers", {})
    if not isinstance(value, dict):
        raise ExchangeError("answers", "expected an object keyed by clause code")
    clauses = {clause.code: clause for clause in catalogue.clauses()}
    answers = {}
    for code, entry in value.items():
        place = f"answers.{_key(code)}"
        if code not in clauses:
            raise ExchangeError(place, "unknown clause code")
        if clauses[code].baseline:
            raise ExchangeError(
                place, "a baseline clause is always met and takes no answer"
            )
        answers[code] = _answer(entry, place)
    return answers


def _answer(entry: object, place: str) -> AnswerRecord:
    if not isinstance(entry, dict):
        raise ExchangeError(place, "expected an object")
    unknown = sorted(set(entry) - ANSWER_KEYS)
    if unknown:
        raise ExchangeError(f"{place}.{_key(unknown[0])}", "unknown field")
    status = _status(entry.get("status"), f"{place}.status")
    note = _text(entry, "note", place)
    justification = _text(entry, "justification", place)
    if status is Status.NOT_APPLICABLE and not justification.strip():
        raise ExchangeError(
            f"{place}.justification", "not_applicable needs a written justification"
        )
    return AnswerRecord(
        status=status,
        note=note,
        justification=justification,
        evidence=_evidence(entry.get("evidence", []), f"{place}.evidence"),
    )


def _status(value: object, place: str) -> Status | None:
    if value is None:
        return None
    if isinstance(value, str) and value in STATUS_VALUES:
        return Status(value)
    choices = ", ".join(STATUS_VALUES)
    raise ExchangeError(place, f"unknown status {shown(value)} (use {choices})")


def _evidence(value: object, place: str) -> tuple[EvidenceRecord, ...]:
    if not isinstance(value, list):
        raise ExchangeError(place, "expected a list")
    if len(value) > CITATION_LIMIT:
        raise ExchangeError(place, f"more than {CITATION_LIMIT} items")
    records = []
    for index, item in enumerate(value):
        where = f"{place}[{index}]"
        if not isinstance(item, dict):
            raise ExchangeError(where, "expected an object")
        title = _text(item, "title", where, limit=EVIDENCE_LIMITS["title"])
        if not title.strip():
            raise ExchangeError(f"{where}.title", "evidence needs a title")
        kinds = [kind for kind in EVIDENCE_KINDS if kind in item]
        if len(kinds) != 1 or set(item) != {"title", kinds[0]}:
            raise ExchangeError(
                where, "evidence needs exactly one of url, text or file"
            )
        content = _text(item, kinds[0], where, limit=EVIDENCE_LIMITS[kinds[0]])
        if not content.strip():
            raise ExchangeError(f"{where}.{kinds[0]}", "expected non-empty text")
        if kinds[0] == "url" and not content.startswith(("http://", "https://")):
            raise ExchangeError(f"{where}.url", "expected an http:// or https:// link")
        records.append(EvidenceRecord(title=title, kind=kinds[0], value=content))
    return tuple(records)


def document_as_json(
    document: AssessmentDocument,
    catalogue: Catalogue,
    audit_trail: list[dict[str, object]] | None = None,
) -> str:
    """Write a document deterministically: clauses in the catalogue's order.

    audit_trail, when given, is written for the record. Reading a document ignores
    it: an imported assessment starts a trail of its own in its new home.
    """
    data: dict[str, object] = {
        "format": FORMAT,
        "framework": document.framework,
        "title": document.title,
        "organization": document.organization,
    }
    if document.target_level is not None:
        data["target_level"] = document.target_level
    if document.scope is not None:
        data["scope"] = list(document.scope)
    data["answers"] = {
        clause.code: document.answers[clause.code].as_json()
        for clause in catalogue.clauses()
        if clause.code in document.answers
    }
    if audit_trail is not None:
        data["audit_trail"] = audit_trail
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
