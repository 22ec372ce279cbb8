"""Pieces of the one-line messages that refuse bad input.

Framework files and exchange documents are refused with one printable line that
quotes what was found; a quoted value is cut short, so a huge value still makes a
line that a terminal shows whole.
"""

import re
import reprlib

# PostgreSQL refuses NUL in text, and a lone surrogate has no UTF-8 encoding.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

_shown = reprlib.Repr()
_shown.maxstring = _shown.maxother = _shown.maxlong = 60


def shown(value: object) -> str:
    """A value quoted in an error message: repr() of it, cut short if long or deep."""
    return _shown.repr(value)


def one_line(text: str) -> str:
    """The text with line breaks and other unprintable characters escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def unstorable(text: str) -> str | None:
    """What keeps a database from storing the text, if anything."""
    found = UNSTORABLE.search(text)
    if found is None:
        return None
    return (
        f"character {found.start() + 1} (U+{ord(found.group()):04X}) cannot be stored"
    )
