import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations import importers, messages
from annotations.services import DocumentImportError

DATA = Path(__file__).parent / "data"


def read_one(name, data):
    documents = importers.read_file(name, data)
    assert len(documents) == 1
    return documents[0]


def refused(name, data) -> DocumentImportError:
    with pytest.raises(DocumentImportError) as error:
        importers.read_file(name, data)
    return error.value


# --- text and Markdown --------------------------------------------------------------------


def test_txt_title_is_first_non_empty_line_and_text_is_kept_whole():
    data = b"\n\n  Council approves budget  \nThe council voted on Monday.\n"
    document = read_one("story.txt", data)
    assert document.title == "Council approves budget"
    assert document.text == data.decode()


def test_markdown_heading_loses_its_hashes():
    document = read_one("story.md", b"## Mayor promises 10% less crime\n\nShe said so.")
    assert document.title == "Mayor promises 10% less crime"
    assert document.text.startswith("## Mayor")


def test_long_first_paragraph_is_not_a_title_so_the_filename_stem_is_used():
    lede = "KANSAS CITY, MO (KCTV/AP) -- " + "Police say many things. " * 20
    document = read_one("kcpd-ice-arrest.txt", lede.encode())
    assert document.title == "kcpd-ice-arrest"


def test_byte_order_mark_is_dropped_from_title():
    document = read_one("story.txt", "\ufeffHeadline\nBody.".encode())
    assert document.title == "Headline"


def test_suffix_is_case_insensitive():
    assert read_one("STORY.TXT", b"Title\nBody.").title == "Title"


# --- HTML ---------------------------------------------------------------------------------


def test_html_news_page_gives_article_text_and_metadata_without_boilerplate():
    document = read_one("council.html", (DATA / "news-article.html").read_bytes())
    assert document.title == "City council approves $2.5 million safety budget"
    assert document.publisher == "Metro Gazette"
    assert document.url == "https://gazette.example.org/news/2026/03/council-budget"
    assert document.published_at == date(2026, 3, 2)
    assert "cut violent crime by 10% within two years" in document.text
    assert "The budget takes effect on July 1." in document.text
    for boilerplate in ("ADVERTISEMENT", "Subscribe today", "First! This council", "Copyright"):
        assert boilerplate not in document.text
    assert "<p>" not in document.text


def test_html_paragraphs_are_separated_by_blank_lines():
    document = read_one("council.htm", (DATA / "news-article.html").read_bytes())
    paragraphs = document.text.split("\n\n")
    assert any(p.startswith("Critics disagreed.") for p in paragraphs)
    assert all("\n" not in p for p in paragraphs)


def test_html_without_article_text_is_refused():
    error = refused("empty.html", b"<html><head><title>x</title></head><body></body></html>")
    assert str(error) == messages.HTML_NO_ARTICLE


# --- JSON and JSON Lines ------------------------------------------------------------------

RECORD = {
    "title": "Mayor promises safer streets",
    "text": "The mayor said crime fell 10%.",
    "url": "https://news.example.org/a",
    "publisher": "Example Times",
    "published_at": "2026-03-02T14:30:00Z",
    "language": "en-GB",
}


def test_json_object_becomes_one_document_with_all_fields():
    document = read_one("one.json", json.dumps(RECORD).encode())
    assert document.title == RECORD["title"]
    assert document.text == RECORD["text"]
    assert document.url == RECORD["url"]
    assert document.publisher == "Example Times"
    assert document.published_at == datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
    assert document.language == "en-GB"


def test_json_list_gives_one_document_per_object_and_keeps_unknown_keys_as_extra():
    records = [{"title": "A", "text": "One."}, {"title": "B", "text": "Two.", "id": 7}]
    documents = importers.read_file("many.json", json.dumps(records).encode())
    assert [d.title for d in documents] == ["A", "B"]
    assert documents[1].extra == {"id": 7}
    assert documents[0].language == "en"


def test_jsonl_gives_one_document_per_line_and_skips_blank_lines():
    lines = [json.dumps({"title": "A", "text": "One."}), "", json.dumps(RECORD)]
    documents = importers.read_file("many.jsonl", "\n".join(lines).encode())
    assert [d.title for d in documents] == ["A", RECORD["title"]]


def test_published_at_accepts_a_plain_date():
    document = read_one("d.json", json.dumps({**RECORD, "published_at": "2019-07-24"}).encode())
    assert document.published_at == date(2019, 7, 24)


def test_malformed_json_names_line_and_column():
    error = refused("bad.json", b'{\n  "title": "A",\n  "text": }')
    assert error.code == "malformed_json"
    assert "line 3" in str(error) and "column" in str(error)


def test_malformed_jsonl_names_the_line_and_keeps_the_good_records():
    data = b'{"title": "A", "text": "One."}\n{"title": oops}\n{"title": "C", "text": "Three."}\n'
    records = importers.read_records("mixed.jsonl", data)
    assert [r.document.title if r.document else None for r in records] == ["A", None, "C"]
    assert str(records[1].error).startswith("Line 2 is not valid JSON")
    with pytest.raises(DocumentImportError, match="Line 2 is not valid JSON"):
        importers.read_file("mixed.jsonl", data)


def test_json_that_is_not_objects_is_refused():
    assert str(refused("n.json", b"42")) == messages.JSON_NOT_RECORDS
    error = refused("l.json", b'["just a string"]')
    assert str(error) == messages.RECORD_NOT_OBJECT.format(where="Record 1")


@pytest.mark.parametrize("field", ["title", "text"])
def test_record_missing_title_or_text_is_refused(field):
    record = {key: value for key, value in RECORD.items() if key != field}
    error = refused("r.json", json.dumps([{"title": "ok", "text": "ok"}, record]).encode())
    assert str(error) == messages.RECORD_MISSING_FIELD.format(where="Record 2", field=field)


@pytest.mark.parametrize("field, value", [("title", 3), ("text", ["a"]), ("publisher", {})])
def test_record_with_wrong_types_is_refused(field, value):
    error = refused("r.jsonl", json.dumps({**RECORD, field: value}).encode())
    assert str(error) == messages.RECORD_WRONG_TYPE.format(where="Line 1", field=field)


@pytest.mark.parametrize("value", ["yesterday", "2019-13-45", "24/07/2019", 20190724])
def test_bad_published_at_is_refused(value):
    error = refused("r.json", json.dumps({**RECORD, "published_at": value}).encode())
    assert error.code == "invalid_date"
    assert str(error) == messages.RECORD_BAD_DATE.format(where="The record", value=value)


def test_record_url_must_be_http():
    error = refused("r.json", json.dumps({**RECORD, "url": "javascript:alert(1)"}).encode())
    assert "is not an http:// or https:// URL" in str(error)


def test_empty_jsonl_file_is_refused():
    assert str(refused("e.jsonl", b"\n \n")) == messages.NO_RECORDS


# --- file-level refusals ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["report.pdf", "story.docx", "README"])
def test_unsupported_file_type_is_refused(name):
    error = refused(name, b"whatever")
    assert error.code == "unsupported_type"
    assert "Unsupported file type" in str(error)


@pytest.mark.parametrize("name", ["latin1.txt", "latin1.json", "latin1.html"])
def test_non_utf8_bytes_are_refused(name):
    error = refused(name, "Caf\u00e9 Ol\u00e9".encode("latin-1"))
    assert str(error) == messages.NOT_UTF8


def test_file_over_the_size_limit_is_refused_before_parsing(settings):
    settings.FACTCHECK_MAX_DOCUMENT_BYTES = 100
    error = refused("big.jsonl", b"x" * 101)  # not JSON either: the size check comes first
    assert error.code == "too_large"
    assert str(error) == messages.TOO_LARGE.format(limit=100)
    assert read_one("ok.txt", b"T\n" + b"x" * 98).title == "T"


def test_nul_characters_are_refused_as_binary():
    assert refused("bin.txt", b"Title\n\x00\x01\x02").code == "nul_character"
    assert refused("bin.json", b'{"title": "A", "text": "a\\u0000b"}').code == "nul_character"


def test_read_upload_checks_the_declared_size_first(settings):
    settings.FACTCHECK_MAX_DOCUMENT_BYTES = 10
    upload = SimpleUploadedFile("story.txt", b"Headline\nA long enough body.")
    with pytest.raises(DocumentImportError, match="larger than the limit"):
        importers.read_upload(upload)
    settings.FACTCHECK_MAX_DOCUMENT_BYTES = 1000
    upload.seek(0)
    assert importers.read_upload(upload)[0].title == "Headline"


def test_jsonl_lines_python_would_read_but_json_does_not_allow_fail_on_their_own():
    deep = b"[" * 5000 + b"]" * 5000
    data = b'{"title": "A", "text": "One."}\n' + deep + b'\n{"title": "C", "text": "x", "n": NaN}\n'

    records = importers.read_records("mixed.jsonl", data)

    assert [r.document.title if r.document else None for r in records] == ["A", None, None]
    assert str(records[1].error) == messages.UNREADABLE_JSON_LINE.format(
        line=2, error=messages.JSON_TOO_DEEP.format(limit=32)
    )
    assert str(records[2].error) == messages.UNREADABLE_JSON_LINE.format(
        line=3, error=messages.JSON_NOT_A_NUMBER.format(literal="NaN")
    )
