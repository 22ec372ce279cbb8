"""Every clause of an assessment with its answer, as XLSX or CSV, for auditors."""

import csv
import io
import re

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from assessments.catalogue import Catalogue
from assessments.models import Assessment
from assessments.models.catalogue import in_language

# Characters a sheet name may not hold, and leading characters that would make a
# spreadsheet program read a cell as a formula.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def clause_rows(assessment: Assessment, catalogue: Catalogue) -> list[list[str]]:
    """A header and one row per clause in scope, in the catalogue's order."""
    answers = {
        answer.clause.code: answer
        for answer in assessment.answers.select_related("clause").prefetch_related(
            "citations__evidence"
        )
    }
    rows = [
        [
            _("Area"),
            _("Level"),
            _("Clause"),
            _("Text"),
            _("Status"),
            _("Justification"),
            _("Note"),
            _("Evidence"),
            _("Review"),
        ]
    ]
    for area in catalogue.assessable_areas():
        if not assessment.in_scope(area.code):
            continue
        for clause in area.clauses:
            answer = answers.get(clause.code)
            status = answer.get_status_display() if answer and answer.status else ""
            rows.append(
                [
                    f"{area.code} {in_language(area.name_zh, area.name_en)}",
                    str(clause.level),
                    clause.code,
                    in_language(clause.text_zh, clause.text_en),
                    _("baseline") if clause.baseline else status,
                    answer.justification if answer else "",
                    answer.note if answer else "",
                    "; ".join(c.evidence.title for c in answer.citations.all())
                    if answer
                    else "",
                    _("not reviewed"),
                ]
            )
    return rows


def inert(value: str) -> str:
    """Text a spreadsheet shows as typed: an answer's note is never run as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def as_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([[inert(cell) for cell in row] for row in rows])
    # A byte-order mark so that spreadsheet programs read the Chinese as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(rows: list[list[str]], title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME_FORBIDDEN.sub(" ", title).strip()[:31] or "clauses"
    for row in rows:
        sheet.append([inert(cell) for cell in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [22, 6, 14, 70, 12, 30, 30, 30, 12]
    for column, width in zip("ABCDEFGHI", widths, strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
