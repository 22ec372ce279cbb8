"""What the results page and the PDF report show, built once from the scoring result.

Texts are picked in the active language, so callers switch language around the call
(translation.override) to build the Chinese or the English edition.
"""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from assessments import scoring
from assessments.catalogue import LEVELS, Catalogue, Clause
from assessments.models import Answer, Assessment
from assessments.models.catalogue import in_language
from assessments.presenters import (
    area_name,
    domain_label,
    level_definition,
    level_label,
    overall_summary,
    percent,
)
from assessments.reports.analysis import Step, key_gaps, roadmap
from assessments.reports.charts import radar_svg
from assessments.services.scores import Answers, answers_for_scoring


@dataclass
class ClauseLine:
    code: str
    text: str
    level: int
    area_code: str
    area_name: str
    blocks_next_level: bool = True
    baseline: bool = False
    answer: Answer | None = None
    evidence: list[str] = field(default_factory=list)

    @property
    def gap_text(self) -> str:
        """The text as the gap analysis lists it."""
        return shortened(self.text, 160)

    @property
    def roadmap_text(self) -> str:
        """The text as the roadmap lists it."""
        return shortened(self.text, 200)


def shortened(text: str, length: int) -> str:
    """What the truncatechars filter gives, without its walk through every
    character of a text that is short enough anyway: a results page lists up to
    some 300 clauses."""
    if len(text) <= length and unicodedata.is_normalized("NFC", text):
        return text
    return Truncator(text).chars(length)


@dataclass
class AreaLine:
    code: str
    name: str
    parent: str | None
    level: int
    level_label: str
    completion: int
    coverage: list[int]
    gaps: list[ClauseLine]
    target_gaps: list[ClauseLine]
    what_if_level: int | None = None
    what_if_label: str = ""
    clauses_by_level: list[tuple[str, list[ClauseLine]]] = field(default_factory=list)


def clause_line(
    catalogue: Catalogue, clause: Clause, step: Step | None = None
) -> ClauseLine:
    return ClauseLine(
        code=clause.code,
        text=in_language(clause.text_zh, clause.text_en),
        level=clause.level,
        area_code=clause.area,
        area_name=area_name(catalogue.area(clause.area)),
        blocks_next_level=step.blocks_next_level if step else True,
        baseline=clause.baseline,
    )


def results_context(
    assessment: Assessment,
    catalogue: Catalogue,
    assume_met: Iterable[str] = (),
    answers: Answers | None = None,
) -> dict[str, object]:
    """The results page: levels, radar, per-area table, gaps, roadmap, what-if.

    answers, when given, are the assessment's as answers_for_scoring reads them."""
    if answers is None:
        answers = answers_for_scoring(assessment)
    result = scoring.score(
        catalogue, answers, assessment.scope, assessment.target_level
    )
    assumed = sorted(set(assume_met))
    what_if = (
        scoring.what_if(
            catalogue, answers, assumed, assessment.scope, assessment.target_level
        )
        if assumed
        else None
    )
    clauses = {clause.code: clause for clause in catalogue.clauses()}
    areas = _area_lines(catalogue, result, clauses, what_if)
    definition = level_definition(catalogue, result.overall_level)
    next_definition = level_definition(catalogue, min(result.overall_level + 1, 5))
    return {
        "result": result,
        "overall": overall_summary(catalogue, result),
        "overall_definition": definition,
        "overall_details": [in_language(d["zh"], d["en"]) for d in definition.details]
        if definition
        else [],
        "next_level_label": level_label(next_definition)
        if result.overall_level < 5
        else "",
        "lifecycle": domain_label(catalogue, result, "5.2.3"),
        # A radar needs three spokes; with fewer areas the table says it all.
        "radar": radar_svg(
            [area.code for area in areas],
            [area.level for area in areas],
            target=assessment.target_level,
            title=_("Level per area"),
        )
        if len(areas) >= 3
        else "",
        "areas": areas,
        "roadmap": [
            clause_line(catalogue, s.clause, s) for s in roadmap(catalogue, result)
        ],
        "key_gaps": [
            clause_line(catalogue, s.clause, s) for s in key_gaps(catalogue, result)
        ],
        "what_if": what_if,
        "what_if_overall": level_label(
            level_definition(catalogue, what_if.overall_level)
        )
        if what_if
        else "",
        "assumed": assumed,
        "levels": LEVELS,
    }


def _area_lines(catalogue, result, clauses, what_if) -> list[AreaLine]:
    lines = []
    for area in catalogue.assessable_areas():
        scored = result.areas.get(area.code)
        if scored is None:
            continue
        changed = what_if.areas[area.code].level if what_if else None
        lines.append(
            AreaLine(
                code=area.code,
                name=area_name(area),
                parent=area.parent,
                level=scored.level,
                level_label=level_label(level_definition(catalogue, scored.level)),
                completion=percent(scored.completion),
                coverage=[percent(scored.coverage[level]) for level in LEVELS],
                gaps=[clause_line(catalogue, clauses[c]) for c in scored.gaps],
                target_gaps=[
                    clause_line(catalogue, clauses[c])
                    for c in scored.target_gaps or ()
                    if c not in scored.gaps
                ],
                what_if_level=changed,
                what_if_label=level_label(level_definition(catalogue, changed))
                if changed is not None
                else "",
            )
        )
    return lines


@dataclass
class EvidenceLine:
    title: str
    kind: str
    content: str
    cited_by: list[str] = field(default_factory=list)


def report_context(assessment: Assessment, catalogue: Catalogue) -> dict[str, object]:
    """The PDF report: the results, plus every clause's answer and an evidence index."""
    context = results_context(assessment, catalogue)
    answers = {
        answer.clause.code: answer
        for answer in assessment.answers.select_related("clause").prefetch_related(
            "citations__evidence"
        )
    }
    index: dict[int, EvidenceLine] = {}
    for area in context["areas"]:
        area.clauses_by_level = []
        for level in LEVELS:
            lines = []
            for clause in catalogue.area(area.code).clauses_at(level):
                line = clause_line(catalogue, clause)
                line.answer = answers.get(clause.code)
                citations = line.answer.citations.all() if line.answer else []
                line.evidence = [citation.evidence.title for citation in citations]
                for citation in citations:
                    item = citation.evidence
                    entry = index.setdefault(
                        item.pk,
                        EvidenceLine(item.title, item.get_kind_display(), item.content),
                    )
                    entry.cited_by.append(clause.code)
                lines.append(line)
            area.clauses_by_level.append(
                (level_label(level_definition(catalogue, level)), lines)
            )
    context["evidence_index"] = sorted(index.values(), key=lambda e: e.title)
    context["level_definitions"] = [
        {
            "label": level_label(level),
            "characteristic": in_language(
                level.characteristic_zh, level.characteristic_en
            ),
            "details": [in_language(d["zh"], d["en"]) for d in level.details],
        }
        for level in catalogue.levels
    ]
    context["excluded"] = sorted(assessment.exclusion_reasons.items())
    return context
