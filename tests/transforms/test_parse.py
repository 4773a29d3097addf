import gzip
import json
import tracemalloc
import zlib

import pytest

from transforms.parse import GUNZIP_CHUNK, MB, InputLimits, RejectedInput, detect_format, parse_raw

LIMITS = InputLimits(256 * MB, 200, "WIREHOUSE_MAX_FILE_MB", "WIREHOUSE_MAX_COMPRESSION_RATIO")


def documents(name: str, data: bytes, limits: InputLimits = LIMITS):
    return parse_raw(name, data, limits)


def test_text_page_copy_is_one_document():
    docs = documents("a/story.txt", "Headline\n\nBody line.".encode())
    assert [(d.kind, d.content, d.record_index) for d in docs] == [("text", "Headline\n\nBody line.", 0)]


def test_gzip_is_detected_by_suffix_and_magic():
    data = gzip.compress(b"Headline\n\nBody.")
    assert documents("story.txt.gz", data)[0].content == "Headline\n\nBody."
    assert detect_format("story.txt.gz") == "text+gzip"
    assert detect_format("feed.JSONL") == "jsonl"


def test_jsonl_news_please_fields():
    lines = [
        {"title": "T1", "maintext": "Body one.", "url": "https://example.com/1", "date_publish": "2024-01-02",
         "authors": ["A. Writer", "B. Writer"]},
        {"title": "T2", "text": "Body two."},
        {"title": "T3", "html": "<html><body><p>Hi</p></body></html>"},
        {"title": "T4"},
    ]
    docs = documents("feed.jsonl", "\n".join(json.dumps(x) for x in lines).encode())
    assert [(d.kind, d.content, d.title) for d in docs] == [
        ("fields", "Body one.", "T1"), ("fields", "Body two.", "T2"),
        ("html", "<html><body><p>Hi</p></body></html>", "T3"), ("fields", "", "T4"),
    ]
    assert docs[0].authors == "A. Writer; B. Writer"
    assert docs[0].published == "2024-01-02"
    assert docs[0].url == "https://example.com/1"


def test_json_list_and_object():
    assert len(documents("x.json", b'[{"title": "a", "text": "b"}, {"title": "c", "text": "d"}]')) == 2
    assert documents("x.json", b'{"title": "a", "maintext": "b"}')[0].content == "b"


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("x.jsonl", b'{"title": "Half a rec', "invalid JSON on line 1"),
        ("x.txt.gz", b"plain text", "named .gz but not gzip data"),
        ("x.txt.gz", b"\x1f\x8b\x08\x00garbage", "corrupt gzip data"),
        ("x.txt", b"", "empty file"),
        ("x.txt", b"\x00\x01\x02binary", "binary content"),
        ("x.pdf", b"%PDF-1.4", "unsupported file type '.pdf'"),
        ("x.jsonl", b'[1, 2]\n', "record 0 is a JSON list"),
        ("x.json", b"[]", "no JSON records"),
    ],
)
def test_rejections_say_why(name, data, reason):
    with pytest.raises(RejectedInput, match=reason.replace("(", r"\(").replace(".", r"\.")):
        parse_raw(name, data, LIMITS)


def test_windows_1252_fallback():
    assert documents("x.txt", "caf\u00e9 \u201cquoted\u201d".encode("cp1252"))[0].content == "caf\u00e9 \u201cquoted\u201d"


# --- hostile input: size and compression limits -------------------------------------------------


def zeros_gzip(mb: int) -> bytes:
    """`mb` MB of zero bytes, gzip-compressed a MB at a time (never held whole)."""
    stream = zlib.compressobj(9, zlib.DEFLATED, 31)
    return b"".join([stream.compress(bytes(MB)) for _ in range(mb)] + [stream.flush()])


def test_a_gzip_bomb_is_rejected_once_it_passes_the_size_limit_with_memory_bounded():
    bomb = zeros_gzip(64)  # 64 MB of zeros in 62 KB
    limits = InputLimits(8 * MB, 1e9, "WIREHOUSE_MAX_FILE_MB", "WIREHOUSE_MAX_COMPRESSION_RATIO")
    tracemalloc.start()
    try:
        with pytest.raises(RejectedInput) as rejected:
            parse_raw("bomb.txt.gz", bomb, limits)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(rejected.value) == "decompresses to more than 8 MB (WIREHOUSE_MAX_FILE_MB)"
    # The decompressed bytes kept (at most the limit, in a buffer that grows by an eighth), one
    # chunk and the decompressor's buffers: measured 9.26 MB; all 64 MB were never held.
    assert peak <= 8 * MB * 1.125 + 4 * GUNZIP_CHUNK


def test_a_gzip_file_that_decompresses_beyond_the_ratio_is_rejected():
    data = zeros_gzip(4)  # ~4 KB -> 4 MB: about 1000x
    with pytest.raises(RejectedInput) as rejected:
        parse_raw("bomb.txt.gz", data, LIMITS)
    assert str(rejected.value) == "decompresses to more than 200 times its size (WIREHOUSE_MAX_COMPRESSION_RATIO)"
    # Below the floor (1 MB decompressed) the ratio is not checked: a small page that compresses well.
    page = b"<p>Subscribe to our newsletter.</p>\n" * 20_000  # 720 KB
    assert len(page) / len(gzip.compress(page)) > 200
    assert documents("page.html.gz", gzip.compress(page))[0].content == page.decode()


def test_a_multi_member_gzip_file_is_read_whole():
    data = gzip.compress(b"Headline\n\nFirst part. ") + gzip.compress(b"Second part.") + b"\x00" * 8
    assert documents("story.txt.gz", data)[0].content == "Headline\n\nFirst part. Second part."


def test_a_plain_file_larger_than_the_limit_is_rejected():
    limits = InputLimits(1 * MB, 200, "WIREHOUSE_MAX_FILE_MB", "WIREHOUSE_MAX_COMPRESSION_RATIO")
    assert len(documents("story.txt", b"x" * MB, limits)[0].content) == MB
    with pytest.raises(RejectedInput) as rejected:
        parse_raw("story.txt", b"x" * (MB + 1), limits)
    assert str(rejected.value) == "larger than 1 MB (WIREHOUSE_MAX_FILE_MB)"
