import gzip
import json

import pytest

from transforms.parse import RejectedInput, detect_format, parse_raw


def test_text_page_copy_is_one_document():
    docs = parse_raw("a/story.txt", "Headline\n\nBody line.".encode())
    assert [(d.kind, d.content, d.record_index) for d in docs] == [("text", "Headline\n\nBody line.", 0)]


def test_gzip_is_detected_by_suffix_and_magic():
    data = gzip.compress(b"Headline\n\nBody.")
    assert parse_raw("story.txt.gz", data)[0].content == "Headline\n\nBody."
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
    docs = parse_raw("feed.jsonl", "\n".join(json.dumps(x) for x in lines).encode())
    assert [(d.kind, d.content, d.title) for d in docs] == [
        ("fields", "Body one.", "T1"), ("fields", "Body two.", "T2"),
        ("html", "<html><body><p>Hi</p></body></html>", "T3"), ("fields", "", "T4"),
    ]
    assert docs[0].authors == "A. Writer; B. Writer"
    assert docs[0].published == "2024-01-02"
    assert docs[0].url == "https://example.com/1"


def test_json_list_and_object():
    assert len(parse_raw("x.json", b'[{"title": "a", "text": "b"}, {"title": "c", "text": "d"}]')) == 2
    assert parse_raw("x.json", b'{"title": "a", "maintext": "b"}')[0].content == "b"


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
        parse_raw(name, data)


def test_windows_1252_fallback():
    assert parse_raw("x.txt", "caf\u00e9 \u201cquoted\u201d".encode("cp1252"))[0].content == "caf\u00e9 \u201cquoted\u201d"
