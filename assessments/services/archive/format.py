"""The cmmrm-organization/1 format: what export, reading and restore share.

The names of the archive's parts, the model fields each manifest entry carries as
they are, the error that says where an archive is wrong, and the summary of a move.
"""

from dataclasses import dataclass

FORMAT = "cmmrm-organization/1"
MANIFEST = "manifest.json"
# Files are copied this much at a time, so none is ever held whole in memory.
CHUNK = 1024 * 1024

# The model fields each entry carries as they are; what a row names (an account, a
# clause, an evidence item) is written by username, code or position instead.
ORGANIZATION_FIELDS = ("name", "slug", "created_at")
ACCOUNT_FIELDS = (
    "username",
    "email",
    "first_name",
    "last_name",
    "password",
    "is_active",
    "date_joined",
)
EVIDENCE_FIELDS = ("title", "kind", "url", "text", "file_name", "created_at")
ASSESSMENT_FIELDS = (
    "id",
    "title",
    "period_start",
    "period_end",
    "target_level",
    "scope",
    "exclusion_reasons",
    "state",
    "return_reason",
    "created_at",
)
ANSWER_FIELDS = ("status", "note", "justification", "version", "updated_at")
REVIEW_FIELDS = (
    "answer_version",
    "decision",
    "reason",
    "created_at",
    "response",
    "responded_at",
)
REPORT_FIELDS = ("language", "fingerprint", "issued_at")
RECORD_FIELDS = (
    "sequence",
    "at",
    "actor",
    "assessment_ref",
    "kind",
    "subject",
    "before",
    "after",
    "previous_hash",
    "hash",
)


class ArchiveError(Exception):
    """An archive that cannot be written or restored: where, and what is wrong."""

    def __init__(self, place: str, problem: str) -> None:
        self.place = place
        self.problem = problem
        super().__init__(f"{place}: {problem}" if place else problem)


@dataclass(frozen=True)
class ArchiveSummary:
    slug: str
    accounts: int
    assessments: int
    files: int
    reused_accounts: int = 0


def _bad(place: str, problem: str) -> ArchiveError:
    # A problem with the manifest's content, placed by its path in the JSON.
    return ArchiveError(f"{MANIFEST}: {place}" if place else MANIFEST, problem)


def _at(place: str, key: str) -> str:
    return f"{place}.{key}" if place else key
