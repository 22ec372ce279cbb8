"""Restoring a checked archive as a new organization, all of it or nothing.

The rows keep their archived ids and times, so the audit trail verifies as it did
at the export. They are written in one transaction; the files stored during it are
removed again if it fails.
"""

from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.storage import Storage
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from assessments.models import (
    Answer,
    AreaAssignment,
    Assessment,
    AuditHead,
    AuditRecord,
    Citation,
    Evidence,
    Framework,
    IssuedReport,
    Membership,
    Organization,
    Review,
)
from assessments.services.archive.format import ArchiveSummary, _at, _bad
from assessments.services.archive.reading import Entry, Manifest, opened_archive
from assessments.services.audit import first_broken_link_of


def import_organization(path: Path) -> ArchiveSummary:
    """Restore the archive at path as a new organization, all of it or nothing."""
    with opened_archive(path) as (manifest, files):
        restorer = _Restorer(manifest, files)
        try:
            # Durable: the files stored are kept only if this block commits for good.
            with transaction.atomic(durable=True):
                restorer.check_target()
                restorer.restore()
        except BaseException:
            restorer.remove_stored_files()
            raise
    return ArchiveSummary(
        manifest.organization.fields["slug"],
        len(manifest.accounts),
        len(manifest.assessments),
        len(files),
        restorer.reused,
    )


@dataclass(frozen=True)
class _Catalogue:
    framework: Framework
    clauses: dict[str, int]
    areas: set[str]


class _Restorer:
    """Writes a checked manifest's rows, and keeps the names of the files it stored
    so that a failure can remove them again."""

    def __init__(self, manifest: Manifest, files: dict[str, Path]) -> None:
        self.manifest = manifest
        self.files = files
        self.stored: list[tuple[Storage, str]] = []
        self.catalogues: dict[str, _Catalogue] = {}
        self.users: dict[str, int] = {}
        self.reused = 0

    def check_target(self) -> None:
        """What this database holds already: nothing is written before this passes."""
        for n, entry in enumerate(self.manifest.assessments):
            _check_codes(entry, self.catalogue(entry, f"assessments[{n}]"), n)
        _check_free(self.manifest)
        self.users = _reusable_accounts(self.manifest.accounts)
        self.reused = len(self.users)

    def catalogue(self, entry: Entry, place: str) -> _Catalogue:
        code = entry.refs["framework"]
        if code not in self.catalogues:
            framework = Framework.objects.filter(code=code).first()
            if framework is None:
                raise _bad(
                    _at(place, "framework"),
                    _(
                        "framework %(code)r is not loaded in this database; load it "
                        "first with manage.py load_framework"
                    )
                    % {"code": code},
                )
            self.catalogues[code] = _Catalogue(
                framework,
                dict(framework.clauses.values_list("code", "pk")),
                set(framework.areas.values_list("code", flat=True)),
            )
        return self.catalogues[code]

    def restore(self) -> Organization:
        new = [
            get_user_model()(**entry.fields)
            for entry in self.manifest.accounts
            if entry.fields["username"] not in self.users
        ]
        self.users |= {user.get_username(): user.pk for user in _insert(new)}
        fields = self.manifest.organization.fields
        (self.organization,) = _insert([Organization(**fields)])
        Membership.objects.bulk_create(
            Membership(
                organization=self.organization,
                user_id=self.users[entry.fields["username"]],
                role=entry.refs["role"],
            )
            for entry in self.manifest.accounts
            if entry.refs["role"] is not None
        )
        self.library = _insert([self.evidence(e) for e in self.manifest.evidence])
        assessments = self.assessments()
        self.answers(assessments)
        self.reports(assessments)
        self.trail()
        return self.organization

    def store(self, fieldfile: FieldFile, name: str, digest: str) -> None:
        with self.files[digest].open("rb") as content:
            fieldfile.save(name, File(content), save=False)
        self.stored.append((fieldfile.storage, fieldfile.name))

    def remove_stored_files(self) -> None:
        for storage, name in self.stored:
            storage.delete(name)

    def user(self, username: str | None) -> int | None:
        return None if username is None else self.users[username]

    def evidence(self, entry: Entry) -> Evidence:
        item = Evidence(
            organization=self.organization,
            created_by_id=self.user(entry.refs["created_by"]),
            **entry.fields,
        )
        digest = entry.refs["sha256"]
        if digest:
            self.store(item.file, item.file_name or digest, digest)
        return item

    def assessments(self) -> list[tuple[Assessment, Entry]]:
        entries = self.manifest.assessments
        rows = [
            Assessment(
                organization=self.organization,
                framework=self.catalogues[entry.refs["framework"]].framework,
                created_by_id=self.user(entry.refs["created_by"]),
                **entry.fields,
            )
            for entry in entries
        ]
        _insert(rows)
        _move_sequence_past(Assessment)
        # Set once every row exists: an assessment may be based on a later id.
        for row, entry in zip(rows, entries, strict=True):
            row.based_on_id = entry.refs["based_on"]
        Assessment.objects.bulk_update(rows, ["based_on"])
        AreaAssignment.objects.bulk_create(
            AreaAssignment(
                assessment=row,
                area_code=child.fields["area_code"],
                assessor_id=self.user(child.refs["assessor"]),
            )
            for row, entry in zip(rows, entries, strict=True)
            for child in entry.children["assignments"]
        )
        return list(zip(rows, entries, strict=True))

    def answers(self, assessments: list[tuple[Assessment, Entry]]) -> None:
        held = []
        for row, entry in assessments:
            clauses = self.catalogues[entry.refs["framework"]].clauses
            held += [
                (
                    Answer(
                        assessment=row,
                        clause_id=clauses[child.refs["clause"]],
                        updated_by_id=self.user(child.refs["updated_by"]),
                        **child.fields,
                    ),
                    child,
                )
                for child in entry.children["answers"]
            ]
        _insert([answer for answer, _child in held])
        Citation.objects.bulk_create(
            Citation(
                answer=answer,
                evidence=self.library[citation.refs["evidence"]],
                position=citation.fields["position"],
            )
            for answer, entry in held
            for citation in entry.children["citations"]
        )
        reviews = [
            Review(
                answer=answer,
                reviewer_id=self.user(review.refs["reviewer"]),
                responded_by_id=self.user(review.refs["responded_by"]),
                **review.fields,
            )
            for answer, entry in held
            for review in entry.children["reviews"]
        ]
        _insert(reviews)

    def reports(self, assessments: list[tuple[Assessment, Entry]]) -> None:
        reports = []
        for row, entry in assessments:
            for child in entry.children["issued_reports"]:
                digest = child.refs["sha256"]
                report = IssuedReport(
                    assessment=row,
                    sha256=digest,
                    issued_by_id=self.user(child.refs["issued_by"]),
                    **child.fields,
                )
                self.store(report.pdf, f"{digest}.pdf", digest)
                reports.append(report)
        _insert(reports)

    def trail(self) -> None:
        for record in self.manifest.records:
            record.organization = self.organization
        AuditRecord.objects.bulk_create(self.manifest.records)
        if self.manifest.head is not None:
            sequence, digest = self.manifest.head
            AuditHead.objects.create(
                organization=self.organization, sequence=sequence, hash=digest
            )
        link = first_broken_link_of(self.organization)
        if link is not None:
            raise _bad(
                "audit_trail",
                _("the trail as stored here does not verify: %(link)s")
                % {"link": link},
            )


def _check_codes(entry: Entry, catalogue: _Catalogue, n: int) -> None:
    """The areas and clauses an assessment names are its framework's."""
    place = f"assessments[{n}]"
    scope = entry.fields["scope"]
    if scope is not None and not (
        isinstance(scope, list) and set(scope) <= catalogue.areas
    ):
        raise _bad(_at(place, "scope"), _("expected a list of the framework's areas"))
    reasons = entry.fields["exclusion_reasons"]
    if not isinstance(reasons, dict) or not (
        set(reasons) <= catalogue.areas
        and all(isinstance(reason, str) for reason in reasons.values())
    ):
        raise _bad(
            _at(place, "exclusion_reasons"),
            _("expected an object of reasons keyed by the framework's areas"),
        )
    for k, assignment in enumerate(entry.children["assignments"]):
        if assignment.fields["area_code"] not in catalogue.areas:
            where = f"{place}.assignments[{k}].area_code"
            raise _bad(where, _("not an area of the framework"))
    for k, answer in enumerate(entry.children["answers"]):
        if answer.refs["clause"] not in catalogue.clauses:
            where = f"{place}.answers[{k}].clause"
            raise _bad(where, _("not a clause of the framework"))


def _check_free(manifest: Manifest) -> None:
    slug = manifest.organization.fields["slug"]
    if Organization.objects.filter(slug=slug).exists():
        raise _bad(
            "organization.slug",
            _("an organization %(slug)r already exists in this database")
            % {"slug": slug},
        )
    ids = [entry.fields["id"] for entry in manifest.assessments]
    taken = set(Assessment.objects.filter(pk__in=ids).values_list("pk", flat=True))
    for n, assessment_id in enumerate(ids):
        if assessment_id in taken:
            raise _bad(
                f"assessments[{n}].id",
                _(
                    "assessment id %(id)d is taken in this database; assessments keep "
                    "their ids, which their audit trail records name"
                )
                % {"id": assessment_id},
            )
    digests = [
        report.refs["sha256"]
        for entry in manifest.assessments
        for report in entry.children["issued_reports"]
    ]
    issued = IssuedReport.objects.filter(sha256__in=digests)
    for digest in issued.values_list("sha256", flat=True):
        raise _bad(
            "issued_reports",
            _("a report with SHA-256 %(sha256)s is already issued in this database")
            % {"sha256": digest},
        )


def _reusable_accounts(accounts: list[Entry]) -> dict[str, int]:
    """Existing accounts of the archive's usernames, when they are the same person.

    An account with the same username and the same password hash came from the same
    server (a person in two organizations, moved one after the other) and is used
    as it is; any other existing username stops the import.
    """
    by_name = {entry.fields["username"]: entry for entry in accounts}
    existing = get_user_model().objects.filter(username__in=by_name)
    clashes = sorted(
        user.get_username()
        for user in existing
        if user.password != by_name[user.get_username()].fields["password"]
    )
    if clashes:
        raise _bad(
            "accounts",
            _(
                "these usernames belong to other accounts in this database: "
                "%(names)s; rename or remove those accounts first"
            )
            % {"names": ", ".join(clashes)},
        )
    return {user.get_username(): user.pk for user in existing}


def _insert(rows: list) -> list:
    """bulk_create stamps auto_now and auto_now_add fields with the present time; the
    archived times are put back by a second statement."""
    if not rows:
        return rows
    model = type(rows[0])
    stamped = [
        definition.attname
        for definition in model._meta.concrete_fields
        if getattr(definition, "auto_now", False)
        or getattr(definition, "auto_now_add", False)
    ]
    times = [[getattr(row, name) for name in stamped] for row in rows]
    model.objects.bulk_create(rows)
    for row, values in zip(rows, times, strict=True):
        for name, value in zip(stamped, values, strict=True):
            setattr(row, name, value)
    if stamped:
        model.objects.bulk_update(rows, stamped)
    return rows


def _move_sequence_past(model: type[models.Model]) -> None:
    # Rows were written with their archived ids. PostgreSQL's sequence does not move
    # by itself, so the next row made here would be handed one of those ids.
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(statement)
