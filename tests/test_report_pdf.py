"""The PDF report of a full assessment of the real framework, in both editions.

This module loads the real T/ISC 0028—2023 framework on purpose: what is tested is
that the fonts cover every glyph of the real clause texts, names and level
definitions, which a hand-made framework cannot show. Rendering takes several seconds
per edition, so each edition is rendered once for the whole module, inside a
transaction that is rolled back so nothing stays in the test database.
"""

import io
import itertools
import logging
import re
from dataclasses import dataclass
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from assessments.catalogue import read_catalogue
from assessments.models import (
    Answer,
    Assessment,
    Citation,
    Clause,
    Evidence,
    Framework,
    Organization,
)
from assessments.reports.pdf import render_report
from tests.conftest import REAL_FRAMEWORK

ORGANIZATION = "丙市智能模型研究院"
TITLE = "2024 年度全量自评估"
CATALOGUE = read_catalogue(REAL_FRAMEWORK)
AREAS = CATALOGUE.assessable_areas()
EVIDENCE = [
    ("《人工智能模型风险管理办法》", Evidence.Kind.URL, "https://intranet.example/p"),
    ("模型评审会议纪要（2024 年第 3 期）", Evidence.Kind.TEXT, "模型上线前须经评审。"),
    ("数据质量检查报告", Evidence.Kind.TEXT, "抽样检查 1,000 条记录。"),
]
CHAPTERS = {
    "zh": [
        "管理层摘要",
        "各能力域评估结果",
        "差距分析与改进路线图",
        "附录A：能力成熟度等级",
        "附录B：评估方法",
        "附录C：证据索引",
    ],
    "en": [
        "Executive summary",
        "Results per area",
        "Gap analysis and improvement roadmap",
        "Appendix A: capability maturity levels",
        "Appendix B: method",
        "Appendix C: evidence index",
    ],
}


@dataclass
class Edition:
    pdf: bytes
    pages: list[str]
    warnings: list[logging.LogRecord]

    @property
    def text(self) -> str:
        """All the text without whitespace: pypdf spaces CJK text unevenly."""
        return squeeze("".join(self.pages))


def squeeze(text: str) -> str:
    return "".join(text.split())


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def answer_everything(assessment: Assessment) -> None:
    """Levels 1-2 in place everywhere, a mix above, some answers citing evidence."""
    items = [
        Evidence.objects.create(
            organization=assessment.organization,
            title=title,
            kind=kind,
            **({"url": content} if kind == Evidence.Kind.URL else {"text": content}),
        )
        for title, kind, content in EVIDENCE
    ]
    low = itertools.cycle(["met", "met", "met", "not_applicable"])
    high = itertools.cycle(["met", "partial", "not_met", "not_applicable", "met"])
    cited = itertools.cycle(items)
    clauses = Clause.objects.filter(
        framework=assessment.framework, baseline=False
    ).order_by("position")
    for number, clause in enumerate(clauses):
        status = next(low if clause.level <= 2 else high)
        answer = Answer.objects.create(
            assessment=assessment,
            clause=clause,
            status=status,
            justification="本机构不开发此类模型" if status == "not_applicable" else "",
            note="已于 2024 年 6 月复核" if number % 4 == 0 else "",
        )
        if number % 5 == 0:
            Citation.objects.create(answer=answer, evidence=next(cited))


def render(assessment: Assessment, language: str) -> Edition:
    logger = logging.getLogger("weasyprint")
    handler, level = Collect(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    try:
        pdf = render_report(assessment, language)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    return Edition(pdf, pages, handler.records)


@pytest.fixture(scope="module")
def editions(django_db_setup, django_db_blocker) -> dict[str, Edition]:
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_framework", str(REAL_FRAMEWORK), stdout=StringIO())
        organization = Organization.objects.create(name=ORGANIZATION, slug="org-pdf")
        assessment = Assessment.objects.create(
            organization=organization,
            framework=Framework.objects.get(code=CATALOGUE.code),
            title=TITLE,
            target_level=4,
        )
        answer_everything(assessment)
        rendered = {language: render(assessment, language) for language in CHAPTERS}
        transaction.set_rollback(True)
    return rendered


@pytest.fixture(params=["zh", "en"])
def edition(request, editions) -> Edition:
    return editions[request.param]


def fonts(pdf: bytes) -> list[DictionaryObject]:
    """Every font the pages use, their forms' (the radar) included."""
    found: dict[int, DictionaryObject] = {}

    def walk(resources) -> None:
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            found[id(font.get_object())] = font.get_object()
        for form in (resources.get("/XObject") or {}).values():
            walk(form.get_object().get("/Resources"))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        walk(page.get("/Resources"))
    return list(found.values())


def descriptors(font: DictionaryObject) -> list[DictionaryObject]:
    if font.get("/Subtype") == "/Type0":
        return [
            descendant.get_object()["/FontDescriptor"].get_object()
            for descendant in font["/DescendantFonts"]
        ]
    return [font["/FontDescriptor"].get_object()]


def pages_of(edition: Edition, chapter: str, following: str) -> str:
    """The text of a chapter, from its first page to the next chapter's first."""
    starts = [squeeze(page).startswith(chapter) for page in edition.pages]
    ends = [squeeze(page).startswith(following) for page in edition.pages]
    first = starts.index(True)
    return squeeze("".join(edition.pages[first : ends.index(True)]))


def test_both_editions_are_pdfs_naming_the_organization(edition):
    assert edition.pdf.startswith(b"%PDF")
    assert ORGANIZATION in edition.text
    assert squeeze(TITLE) in edition.text


def test_chinese_edition_names_the_levels(editions):
    text = editions["zh"].text

    assert "第三级" in text
    assert "优秀级" in text


@pytest.mark.parametrize(
    "language, labels",
    [
        (
            "zh",
            [
                "第一级（基础级）",
                "第二级（增强级）",
                "第三级（优秀级）",
                "第四级（卓越级）",
                "第五级（引领级）",
            ],
        ),
        (
            "en",
            [
                "Level 1 (Basic)",
                "Level 2 (Enhanced)",
                "Level 3 (Excellent)",
                "Level 4 (Outstanding)",
                "Level 5 (Leading)",
            ],
        ),
    ],
)
def test_level_appendix_lists_the_five_levels_in_order(editions, language, labels):
    chapters = [squeeze(title) for title in CHAPTERS[language]]

    appendix = pages_of(editions[language], chapters[3], chapters[4])

    places = [appendix.find(squeeze(label)) for label in labels]
    assert -1 not in places
    assert places == sorted(places)


def test_english_edition_names_the_levels(editions):
    text = editions["en"].text

    for name in ["Basic", "Enhanced", "Excellent", "Outstanding", "Leading"]:
        assert name in text


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_area_is_named(editions, language):
    text = editions[language].text
    names = [area.name_en if language == "en" else area.name_zh for area in AREAS]

    missing = [name for name in names if squeeze(name) not in text]

    assert len(names) == 18
    assert missing == []


def test_every_font_is_embedded(edition):
    used = fonts(edition.pdf)

    assert used
    for font in used:
        for descriptor in descriptors(font):
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font


def test_every_font_is_noto_cjk(edition):
    names = [str(font["/BaseFont"]) for font in fonts(edition.pdf)]

    assert names
    assert [n for n in names if "Noto" not in n or "CJK" not in n] == []


def test_weasyprint_logs_no_warning_or_error(edition):
    assert [record.getMessage() for record in edition.warnings] == []


@pytest.mark.parametrize("language", ["zh", "en"])
def test_contents_list_every_chapter_with_its_page(editions, language):
    edition = editions[language]
    contents = edition.pages[1]

    assert squeeze(contents).startswith(
        squeeze("目录" if language == "zh" else "Contents")
    )
    for chapter in CHAPTERS[language]:
        found = re.search(re.escape(chapter) + r"\s*\.+\s*(\d+)", contents)
        assert found, chapter
        page = edition.pages[int(found.group(1)) - 1]
        assert squeeze(page).startswith(squeeze(chapter)), chapter


def test_every_page_after_the_cover_has_a_running_footer(edition):
    count = len(edition.pages)

    missing = [
        number
        for number, text in enumerate(edition.pages, start=1)
        if number > 1 and not re.search(rf"(?m)^{number} / {count}$", text)
    ]

    assert count > 10
    assert missing == []
    assert not re.search(rf"(?m)^1 / {count}$", edition.pages[0])


def test_evidence_index_lists_every_cited_item(edition):
    assert all(squeeze(title) in edition.text for title, _kind, _text in EVIDENCE)


def test_chinese_edition_shows_answers_in_chinese(editions):
    text = editions["zh"].text

    for label in ["符合", "部分符合", "不符合", "不适用", "本机构不开发此类模型"]:
        assert label in text
