"""Moving a whole organization between databases as one ZIP archive.

The archive holds manifest.json (format cmmrm-organization/1) and, as files/<sha256>,
every evidence file and issued report. The manifest carries the organization, every
account its rows name (members with their role and password hash), the evidence
library, the assessments with their answers, citations, reviews and issued reports,
and the audit trail exactly as recorded. A framework travels by its code only.

Reading checks everything (member names and sizes, file hashes, every value, the
trail's hash chain, and what the target database already holds) before anything is
written. The rows are then written in one transaction; files stored during it are
removed again if it fails, so a failed import leaves nothing behind.

export writes an archive, reading checks one, restore writes its rows; format holds
what they share.
"""

from assessments.services.archive.export import export_organization
from assessments.services.archive.format import ArchiveError
from assessments.services.archive.restore import import_organization

__all__ = ["ArchiveError", "export_organization", "import_organization"]
