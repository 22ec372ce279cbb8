"""Read the clauses out of the published text of T/ISC 0028—2023.

The suite checks the framework data against the standard itself, so this parser
knows nothing of the data files: it only follows the layout of the published text
(area headings, level headings, lettered clauses, numbered sub-items and notes).
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

AREA_HEADING = re.compile(r"^(5\.2\.\d+(?:\.\d+)?) (\S+)$")
LEVEL_HEADING = re.compile(r"^(5\.2\.\d+(?:\.\d+)?)\.([1-5]) 第[一二三四五]级$")
CLAUSE = re.compile(r"^(?:- )?([a-z])\) (.+)$")
SUB_ITEM = re.compile(r"^- (\d+\) .+)$")
CUMULATIVE = re.compile(r"^前[一两三四]级的全部内容。$")


@dataclass
class PublishedClause:
    code: str
    area: str
    level: int
    letter: str
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class PublishedStandard:
    areas: dict[str, str] = field(default_factory=dict)
    clauses: dict[str, PublishedClause] = field(default_factory=dict)
    # Each level's "the whole content of the previous levels" line, keyed by
    # "<level section>.<letter>", with its published wording.
    cumulative_lines: dict[str, str] = field(default_factory=dict)


def parse_standard(path: Path) -> PublishedStandard:
    text = path.read_text(encoding="utf-8")
    body = text[text.index("5.2 风险管理能力\n") : text.rindex("参考文献")]
    standard = PublishedStandard()
    area = None
    level = None
    current = None
    for raw in body.splitlines():
        line = raw.strip()
        if not line or line == "本级能力如下：":
            continue
        if match := LEVEL_HEADING.match(line):
            area, level = match[1], int(match[2])
            current = None
        elif match := AREA_HEADING.match(line):
            standard.areas[match[1]] = match[2]
            area, level, current = match[1], None, None
        elif match := SUB_ITEM.match(line):
            current.lines.append(match[1])
        elif line.startswith("注："):
            current.lines.append(line)
        elif match := CLAUSE.match(line):
            code = f"{area}.{level}.{match[1]}"
            if CUMULATIVE.match(match[2]):
                standard.cumulative_lines[code] = match[2]
                current = None
                continue
            current = PublishedClause(code, area, level, match[1], [match[2]])
            standard.clauses[code] = current
        elif line != "5.2 风险管理能力":
            raise ValueError(f"unexpected line in the standard's text: {line!r}")
    return standard
