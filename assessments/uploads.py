"""Which evidence files are accepted: by extension and by their first bytes.

The extension alone proves nothing, so each allowed kind also has to start the way
such files start. Plain text must decode and hold no NUL byte.
"""

import codecs
from pathlib import PurePath

ZIP = b"PK\x03\x04"  # docx, xlsx, pptx are zip containers
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # doc, xls, ppt

SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".docx": (ZIP,),
    ".xlsx": (ZIP,),
    ".pptx": (ZIP,),
    ".doc": (OLE,),
    ".xls": (OLE,),
    ".ppt": (OLE,),
}
TEXT_EXTENSIONS = {".txt", ".csv", ".md"}
ALLOWED_EXTENSIONS = sorted(set(SIGNATURES) | TEXT_EXTENSIONS)


def upload_problem(name: str, head: bytes, size: int, limit: int) -> str | None:
    """Why a file cannot be kept as evidence, or None when it can."""
    extension = PurePath(name).suffix.lower()
    if extension not in ALLOWED_EXTENSIONS:
        return f"{extension or 'no extension'} files are not accepted"
    if size > limit:
        return f"the file is larger than the limit of {limit // (1024 * 1024)} MB"
    if size == 0:
        return "the file is empty"
    if extension in TEXT_EXTENSIONS:
        complete = size <= len(head)
        return (
            None if _is_text(head, complete) else "the file's content is not plain text"
        )
    if not head.startswith(SIGNATURES[extension]):
        return f"the file's content is not a {extension} file"
    return None


def _is_text(head: bytes, complete: bool) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        # Unless the head is the whole file, it may end inside a character: an
        # incremental decoder keeps such a tail for later instead of failing on it.
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            decoder.decode(head, final=complete)
            return True
        except UnicodeDecodeError:
            continue
    return False
