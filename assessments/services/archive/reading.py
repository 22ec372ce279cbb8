"""Reading an archive and checking all of it before anything is written.

Member names and declared sizes come first, then every value of the manifest against
the model field it fills, the references between entries, the audit trail's hash
chain, and each file's content against its SHA-256. What the target database
already holds is checked by the restore, inside its transaction.
"""

import datetime
import hashlib
import json
import re
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext as _

from assessments.audit import GENESIS, ChainedRecord, first_broken_link
from assessments.models import (
    Answer,
    AreaAssignment,
    Assessment,
    AuditHead,
    AuditRecord,
    Citation,
    Evidence,
    IssuedReport,
    Organization,
    Review,
    Role,
)
from assessments.services.archive.format import (
    ACCOUNT_FIELDS,
    ANSWER_FIELDS,
    ASSESSMENT_FIELDS,
    CHUNK,
    EVIDENCE_FIELDS,
    FORMAT,
    MANIFEST,
    ORGANIZATION_FIELDS,
    RECORD_FIELDS,
    REPORT_FIELDS,
    REVIEW_FIELDS,
    ArchiveError,
    _at,
    _bad,
)

FILE_MEMBER = re.compile(r"files/([0-9a-f]{64})")
SHA256 = re.compile(r"[0-9a-f]{64}")
# Checked against the sizes members declare, before reading: zipfile never reads past
# a declared size, so a forged archive cannot fill the memory or the disk.
MANIFEST_LIMIT = 64 * 1024 * 1024
MEMBER_LIMIT = 512 * 1024 * 1024


@dataclass
class Entry:
    """One archived row: its model fields, checked and converted; what it names by
    username, code, index or id; and the rows it holds."""

    fields: dict[str, Any]
    refs: dict[str, Any] = field(default_factory=dict)
    children: dict[str, list["Entry"]] = field(default_factory=dict)


@dataclass(frozen=True)
class Manifest:
    organization: Entry
    accounts: list[Entry]
    evidence: list[Entry]
    assessments: list[Entry]
    head: tuple[int, str] | None
    records: list[AuditRecord]


@contextmanager
def opened_archive(path: Path) -> Iterator[tuple[Manifest, dict[str, Path]]]:
    """The checked manifest, and each file extracted to a temporary folder once its
    content matched its SHA-256."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise ArchiveError("", _("not a ZIP archive")) from None
    except OSError as error:
        raise ArchiveError("", str(error.strerror or error)) from None
    with archive, tempfile.TemporaryDirectory(prefix="cmmrm-import-") as folder:
        members = _members(archive)
        manifest = _Reader().manifest(_manifest_data(archive, members[MANIFEST]))
        files = _extract(archive, members, Path(folder))
        _check_files(manifest, files)
        yield manifest, files


def _members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    members: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        name = info.filename
        parts = PurePosixPath(name).parts
        if name.startswith("/") or "\\" in name or ":" in name or ".." in parts:
            raise ArchiveError(
                name, _("unsafe member name (absolute, or climbing out of the archive)")
            )
        if name == "files/":
            continue
        if name != MANIFEST and not FILE_MEMBER.fullmatch(name):
            raise ArchiveError(
                name, _("unexpected member: an archive holds manifest.json and files/")
            )
        if name in members:
            raise ArchiveError(name, _("appears twice in the archive"))
        limit = MANIFEST_LIMIT if name == MANIFEST else MEMBER_LIMIT
        if info.file_size > limit:
            raise ArchiveError(
                name,
                _("%(size)d bytes, more than the %(limit)d allowed")
                % {"size": info.file_size, "limit": limit},
            )
        if info.flag_bits & 0x1:
            raise ArchiveError(name, _("encrypted members are not accepted"))
        members[name] = info
    if MANIFEST not in members:
        raise ArchiveError(MANIFEST, _("missing: this is not an organization archive"))
    return members


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    try:
        with archive.open(info) as member:
            while chunk := member.read(CHUNK):
                yield chunk
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
        raise ArchiveError(
            info.filename, _("cannot be read (%(error)s)") % {"error": error}
        ) from None


def _manifest_data(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> object:
    raw = b"".join(_chunks(archive, info))
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ArchiveError(
            MANIFEST, _("not UTF-8 text (byte %(at)d)") % {"at": error.start}
        ) from None
    except json.JSONDecodeError as error:
        raise ArchiveError(
            MANIFEST,
            _("not valid JSON at line %(line)d, column %(column)d: %(problem)s")
            % {"line": error.lineno, "column": error.colno, "problem": error.msg},
        ) from None


def _extract(
    archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], folder: Path
) -> dict[str, Path]:
    files = {}
    for name, info in sorted(members.items()):
        match = FILE_MEMBER.fullmatch(name)
        if match is None:
            continue
        digest = hashlib.sha256()
        target = folder / match[1]
        with target.open("wb") as out:
            for chunk in _chunks(archive, info):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != match[1]:
            raise ArchiveError(
                name, _("its content does not match its SHA-256 (damaged or altered)")
            )
        files[match[1]] = target
    return files


def _check_files(manifest: Manifest, files: dict[str, Path]) -> None:
    named = {entry.refs["sha256"] for entry in manifest.evidence} - {None}
    for assessment in manifest.assessments:
        named |= {
            report.refs["sha256"] for report in assessment.children["issued_reports"]
        }
    for digest in sorted(named - set(files)):
        raise ArchiveError(
            f"files/{digest}", _("named in the manifest but missing from the archive")
        )
    for digest in sorted(set(files) - named):
        raise ArchiveError(f"files/{digest}", _("not named in the manifest"))


def _object(value: object, place: str, keys: Iterable[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad(place, _("expected an object"))
    expected = set(keys)
    for key in sorted(expected - set(value)):
        raise _bad(_at(place, key), _("missing"))
    for key in sorted(set(value) - expected):
        raise _bad(_at(place, key), _("unknown field"))
    return value


Check = Callable[[Any, str], Any]


def _each(value: object, place: str, read: Callable[[Any, str], Any]) -> list:
    if not isinstance(value, list):
        raise _bad(place, _("expected a list"))
    return [read(item, f"{place}[{n}]") for n, item in enumerate(value)]


def _entry(
    data: object,
    place: str,
    model: type[models.Model],
    names: Iterable[str],
    refs: dict[str, Check] | None = None,
    children: dict[str, Check] | None = None,
) -> Entry:
    refs, children = refs or {}, children or {}
    data = _object(data, place, [*names, *refs, *children])
    return Entry(
        {name: _field(model, name, data[name], _at(place, name)) for name in names},
        {name: check(data[name], _at(place, name)) for name, check in refs.items()},
        {name: _each(data[name], _at(place, name), r) for name, r in children.items()},
    )


def _field(model: type[models.Model], name: str, value: object, place: str) -> Any:
    """A value checked against the model field it fills, so the database takes it."""
    definition = model._meta.get_field(name)
    if value is None:
        if definition.null:
            return None
        raise _bad(place, _("may not be null"))
    if isinstance(definition, models.JSONField):
        return value
    if isinstance(definition, models.DateTimeField):
        return _datetime(value, place)
    if isinstance(definition, models.DateField):
        return _date(value, place)
    if isinstance(definition, models.BooleanField):
        if not isinstance(value, bool):
            raise _bad(place, _("expected true or false"))
        return value
    if isinstance(definition, models.IntegerField):
        return _whole_number(value, place)
    return _text(definition, value, place)


def _datetime(value: object, place: str) -> datetime.datetime:
    try:
        parsed = (
            datetime.datetime.fromisoformat(value) if isinstance(value, str) else None
        )
    except ValueError:
        parsed = None
    if parsed is None or parsed.utcoffset() is None:
        raise _bad(place, _("expected a date and time with its UTC offset (ISO 8601)"))
    # As the database gives it back: the trail's hashes cover this exact form.
    return parsed.astimezone(datetime.UTC)


def _date(value: object, place: str) -> datetime.date:
    try:
        if isinstance(value, str):
            return datetime.date.fromisoformat(value)
    except ValueError:
        pass
    raise _bad(place, _("expected a date (ISO 8601)"))


def _whole_number(value: object, place: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _bad(place, _("expected a whole number, 0 or more"))
    return value


def _text(definition: models.Field, value: object, place: str) -> str:
    if not isinstance(value, str):
        raise _bad(place, _("expected text"))
    if definition.max_length and len(value) > definition.max_length:
        raise _bad(
            place,
            _("longer than %(limit)d characters") % {"limit": definition.max_length},
        )
    choices = [str(choice) for choice, _label in definition.flatchoices]
    if choices and value not in choices and not (value == "" and definition.blank):
        raise _bad(
            place,
            _("unknown value %(value)r (expected one of %(choices)s)")
            % {"value": value, "choices": ", ".join(choices)},
        )
    return value


def _code(value: object, place: str) -> str:
    if not isinstance(value, str) or not value:
        raise _bad(place, _("expected a code"))
    return value


def _digest(value: object, place: str) -> str | None:
    if value is not None and not (isinstance(value, str) and SHA256.fullmatch(value)):
        raise _bad(place, _("expected a SHA-256 in lowercase hexadecimal, or null"))
    return value


def _role(value: object, place: str) -> str | None:
    if value is not None and value not in Role.values:
        raise _bad(
            place,
            _("unknown role %(value)r (expected one of %(roles)s, or null)")
            % {"value": value, "roles": ", ".join(Role.values)},
        )
    return value


class _Reader:
    """Checks a manifest's content in order: accounts and evidence first, so later
    entries can be checked against the usernames and evidence they name."""

    def __init__(self) -> None:
        self.usernames: set[str] = set()
        self.evidence = 0

    def manifest(self, data: object) -> Manifest:
        if not isinstance(data, dict):
            raise _bad("", _("expected a JSON object"))
        if data.get("format") != FORMAT:
            raise _bad(
                "format",
                _("expected %(expected)r, got %(got)r")
                % {"expected": FORMAT, "got": data.get("format")},
            )
        keys = ("format", "organization", "accounts", "evidence", "assessments")
        data = _object(data, "", [*keys, "audit_trail"])
        organization = _entry(
            data["organization"], "organization", Organization, ORGANIZATION_FIELDS
        )
        if not re.fullmatch(r"[-a-zA-Z0-9_]+", organization.fields["slug"]):
            raise _bad("organization.slug", _("expected letters, digits, - or _"))
        accounts = _each(data["accounts"], "accounts", self.account)
        evidence = _each(data["evidence"], "evidence", self.evidence_item)
        assessments = _each(data["assessments"], "assessments", self.assessment)
        ids = [entry.fields["id"] for entry in assessments]
        for n, entry in enumerate(assessments):
            if entry.fields["id"] in ids[:n]:
                raise _bad(f"assessments[{n}].id", _("named twice"))
            if entry.refs["based_on"] not in {None, *ids}:
                raise _bad(
                    f"assessments[{n}].based_on",
                    _("names no assessment of the archive"),
                )
        head, records = self.trail(data["audit_trail"], "audit_trail")
        return Manifest(organization, accounts, evidence, assessments, head, records)

    def account(self, data: object, place: str) -> Entry:
        user_model = get_user_model()
        entry = _entry(data, place, user_model, ACCOUNT_FIELDS, {"role": _role})
        username = entry.fields["username"]
        if not username or username in self.usernames:
            raise _bad(_at(place, "username"), _("empty, or named twice"))
        self.usernames.add(username)
        return entry

    def user(self, value: object, place: str) -> str | None:
        if value is not None and value not in self.usernames:
            raise _bad(place, _("names no account of the archive"))
        return value

    def required_user(self, value: object, place: str) -> str:
        if value is None:
            raise _bad(place, _("may not be null"))
        return self.user(value, place)

    def evidence_item(self, data: object, place: str) -> Entry:
        refs = {"sha256": _digest, "created_by": self.user}
        entry = _entry(data, place, Evidence, EVIDENCE_FIELDS, refs)
        if entry.refs["sha256"] and entry.fields["kind"] != Evidence.Kind.FILE:
            raise _bad(_at(place, "sha256"), _("only a file item carries a file"))
        self.evidence += 1
        return entry

    def cited(self, value: object, place: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            value = -1
        if not 0 <= value < self.evidence:
            raise _bad(place, _("expected the position of an item in evidence"))
        return value

    def assessment(self, data: object, place: str) -> Entry:
        refs = {
            "framework": _code,
            "based_on": self.assessment_id,
            "created_by": self.user,
        }
        children = {
            "assignments": self.assignment,
            "answers": self.answer,
            "issued_reports": self.report,
        }
        return _entry(data, place, Assessment, ASSESSMENT_FIELDS, refs, children)

    def assessment_id(self, value: object, place: str) -> int | None:
        return None if value is None else _whole_number(value, place)

    def assignment(self, data: object, place: str) -> Entry:
        refs = {"assessor": self.required_user}
        return _entry(data, place, AreaAssignment, ("area_code",), refs)

    def answer(self, data: object, place: str) -> Entry:
        refs = {"clause": _code, "updated_by": self.user}
        children = {"citations": self.citation, "reviews": self.review}
        return _entry(data, place, Answer, ANSWER_FIELDS, refs, children)

    def citation(self, data: object, place: str) -> Entry:
        return _entry(data, place, Citation, ("position",), {"evidence": self.cited})

    def review(self, data: object, place: str) -> Entry:
        refs = {"reviewer": self.required_user, "responded_by": self.user}
        return _entry(data, place, Review, REVIEW_FIELDS, refs)

    def report(self, data: object, place: str) -> Entry:
        refs = {"sha256": _digest, "issued_by": self.user}
        entry = _entry(data, place, IssuedReport, REPORT_FIELDS, refs)
        if entry.refs["sha256"] is None:
            raise _bad(_at(place, "sha256"), _("may not be null"))
        return entry

    def trail(
        self, data: object, place: str
    ) -> tuple[tuple[int, str] | None, list[AuditRecord]]:
        data = _object(data, place, ("head", "records"))
        head = None
        if data["head"] is not None:
            fields = ("sequence", "hash")
            head_entry = _entry(data["head"], _at(place, "head"), AuditHead, fields)
            head = (head_entry.fields["sequence"], head_entry.fields["hash"])
        records = [
            AuditRecord(**entry.fields)
            for entry in _each(
                data["records"],
                _at(place, "records"),
                lambda item, where: _entry(item, where, AuditRecord, RECORD_FIELDS),
            )
        ]
        chain = (
            ChainedRecord(r.sequence, r.content(), r.previous_hash, r.hash)
            for r in records
        )
        link = first_broken_link(chain, head or (0, GENESIS))
        if link is not None:
            raise _bad(
                place, _("the hash chain is broken at %(link)s") % {"link": link}
            )
        return head, records
