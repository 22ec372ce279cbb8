"""Which evidence files are accepted, by extension and first bytes (no database)."""

import pytest

from assessments.uploads import ALLOWED_EXTENSIONS, upload_problem

LIMIT = 1024 * 1024
ZIP = b"PK\x03\x04\x14\x00\x06\x00"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"
GOOD_HEADS = {
    ".pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
    ".png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    ".jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF",
    ".jpeg": b"\xff\xd8\xff\xe1\x00\x10Exif",
    ".gif": b"GIF89a\x01\x00\x01\x00",
    ".docx": ZIP,
    ".xlsx": ZIP,
    ".pptx": ZIP,
    ".doc": OLE,
    ".xls": OLE,
    ".ppt": OLE,
    ".txt": "模型风险管理制度\n".encode(),
    ".csv": b"clause,status\n5.2.1.1.a,met\n",
    ".md": b"# Policy\n",
}


def problem(name: str, head: bytes, size: int | None = None) -> str | None:
    return upload_problem(name, head, len(head) if size is None else size, LIMIT)


def test_every_allowed_kind_has_a_good_head_here():
    assert sorted(GOOD_HEADS) == ALLOWED_EXTENSIONS


@pytest.mark.parametrize("extension", sorted(GOOD_HEADS))
def test_allowed_kind_starting_like_such_files_is_accepted(extension):
    assert problem(f"证据{extension}", GOOD_HEADS[extension]) is None


def test_old_gif_signature_is_accepted():
    assert problem("chart.gif", b"GIF87a\x01\x00") is None


def test_extension_is_compared_without_case():
    assert problem("POLICY.PDF", GOOD_HEADS[".pdf"]) is None


@pytest.mark.parametrize(
    ("name", "head"),
    [
        ("policy.pdf", GOOD_HEADS[".png"]),
        ("chart.png", GOOD_HEADS[".pdf"]),
        ("photo.jpg", b"GIF89a\x01\x00"),
        ("report.docx", OLE),
        ("report.doc", ZIP),
        ("policy.pdf", b"<html><script>alert(1)</script></html>"),
        ("policy.pdf", b" %PDF-1.4"),
    ],
)
def test_content_not_matching_the_extension_is_refused(name, head):
    extension = name[name.index(".") :]

    assert problem(name, head) == f"the file's content is not a {extension} file"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("tool.exe", ".exe"),
        ("page.html", ".html"),
        ("image.svg", ".svg"),
        ("policy.pdf.exe", ".exe"),
        ("archive.zip", ".zip"),
    ],
)
def test_unknown_extension_is_refused(name, shown):
    assert problem(name, GOOD_HEADS[".pdf"]) == f"{shown} files are not accepted"


@pytest.mark.parametrize("name", ["README", "政策", ".pdf"])
def test_name_without_extension_is_refused(name):
    assert problem(name, GOOD_HEADS[".pdf"]) == "no extension files are not accepted"


def test_file_over_the_limit_is_refused():
    message = problem("policy.pdf", GOOD_HEADS[".pdf"], size=LIMIT + 1)

    assert message == "the file is larger than the limit of 1 MB"


def test_file_of_exactly_the_limit_is_accepted():
    assert problem("policy.pdf", GOOD_HEADS[".pdf"], size=LIMIT) is None


@pytest.mark.parametrize("name", ["policy.pdf", "notes.txt"])
def test_empty_file_is_refused(name):
    assert problem(name, b"") == "the file is empty"


CHINESE = "第五条 模型上线前须经风险评审，并留存记录。"
# The check reads the first 2048 bytes of a file, as forms.check_upload does.
HEAD = 2048


@pytest.mark.parametrize(
    ("encoding", "ending"),
    [
        ("utf-8", "\n"),
        pytest.param("utf-8", ""),
        ("gb18030", ""),
        pytest.param("gb18030", "\n"),
    ],
    ids=["utf-8-newline", "utf-8-no-newline", "gb18030-no-newline", "gb18030-newline"],
)
def test_whole_chinese_text_file_is_accepted(encoding, ending):
    head = ((CHINESE + "\n") * 20 + CHINESE + ending).encode(encoding)

    assert problem("制度.txt", head) is None


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [
        ("utf-8", "ab"),
        pytest.param("utf-8", "a"),
        pytest.param("gb18030", "a"),
    ],
    ids=["utf-8-two-bytes-in", "utf-8-one-byte-in", "gb18030-one-byte-in"],
)
def test_head_of_chinese_text_ending_inside_a_character_is_accepted(encoding, prefix):
    whole = (prefix + CHINESE * 100).encode(encoding)
    head = whole[:HEAD]

    with pytest.raises(UnicodeDecodeError):
        head.decode(encoding)
    assert problem("记录.csv", head, size=len(whole)) is None


@pytest.mark.parametrize(
    "head",
    [
        b"plain start\x00\x01\x02 then binary",
        GOOD_HEADS[".pdf"] + b"\x00\x00\x00" * 10,
        b"\x00",
    ],
)
def test_binary_with_nul_bytes_is_refused_as_text(head):
    assert problem("data.txt", head) == "the file's content is not plain text"


def test_bytes_no_text_encoding_reads_are_refused_as_text():
    head = b"\xff\xfe\xfd\xfc\x80\x81" * 20

    assert problem("data.md", head) == "the file's content is not plain text"
