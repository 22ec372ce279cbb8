"""Write a benchmark's figures into its own section of docs/performance.md.

Each benchmark owns one section, marked by HTML comments, so benchmarks can be run
separately and in any order without losing each other's figures.
"""

import platform
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
HEADER = """# Performance

Figures written by the scripts in `bench/`; each section names the machine and the
command that produced it. Run a script again to replace its section.
"""


def machine() -> str:
    """One line describing this machine: CPU, cores, Python."""
    import os

    cpu = platform.processor() or platform.machine()
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{model or cpu}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.system()}"
    )


def write_section(name: str, title: str, body: str) -> Path:
    """Replace (or append) the section called name in docs/performance.md."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    command = " ".join(
        shlex.quote(arg) for arg in [Path(sys.argv[0]).as_posix()] + sys.argv[1:]
    )
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = (
        f"{start}\n## {title}\n\n"
        f"- Command: `python {command}`\n"
        f"- Machine: {machine()}\n"
        f"- Run: {stamp}\n\n"
        f"{body.strip()}\n{end}"
    )
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else HEADER
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text, encoding="utf-8")
    return DOC
