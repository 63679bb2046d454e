"""The doccano and Label Studio readers: exports in, plain records with code-point spans out."""

import io
import json
import zipfile
from pathlib import Path

import pytest

from annotations import messages
from annotations.migration_formats import FormatError, doccano, label_studio
from annotations.migration_formats.offsets import (
    CODE_POINTS,
    GRAPHEMES,
    UTF16,
    OffsetConverter,
)

DATA = Path(__file__).parent / "data" / "migration"


def utf16_slice(text: str, start: int, end: int) -> str:
    """What a browser shows for these offsets: JavaScript slices UTF-16 code units."""
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


def quotes(record) -> list[tuple[str, str]]:
    return [(record.text[s.start : s.end], s.label) for s in record.spans]


def doccano_zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


# --- offsets ------------------------------------------------------------------------------


def test_utf16_offsets_after_an_emoji_become_code_points():
    text = "a😀b"
    converter = OffsetConverter(text, UTF16)
    assert [converter.to_code_points(n) for n in (0, 1, 3, 4)] == [0, 1, 2, 3]
    assert converter.to_code_points(2) is None  # inside the emoji's surrogate pair
    assert converter.to_code_points(5) is None


def test_grapheme_offsets_count_combined_characters_once():
    text = "e\u0301x👨\u200d👩\u200d👧y"
    converter = OffsetConverter(text, GRAPHEMES)
    assert [converter.to_code_points(n) for n in range(5)] == [0, 2, 3, 8, 9]
    assert converter.to_code_points(5) is None


def test_code_point_offsets_are_taken_as_they_are_within_the_text():
    converter = OffsetConverter("a😀b", CODE_POINTS)
    assert converter.to_code_points(3) == 3
    assert converter.to_code_points(4) is None


# --- doccano ------------------------------------------------------------------------------


def test_doccano_jsonl_spans_in_utf16_give_the_text_doccano_showed():
    raw = (DATA / "doccano.jsonl").read_bytes()
    first = json.loads(raw.decode().splitlines()[0])
    records = doccano.read("doccano.jsonl", raw)

    shown = [(utf16_slice(first["text"], s, e), label) for s, e, label in first["label"]]
    assert quotes(records[0]) == shown
    assert shown == [
        ("Zoë Müller", "PERSON"),
        ("the tax rose 5%", "Statistic"),
        ("The mayor denied it.", "Quote"),
    ]
    assert records[0].where == "doccano.jsonl line 1 (id 1)"
    assert all(span.annotator is None for span in records[0].spans)


def test_doccano_records_without_text_or_unparseable_are_reported_not_dropped():
    records = doccano.read("doccano.jsonl", (DATA / "doccano.jsonl").read_bytes())
    no_text = records[2]
    assert no_text.text is None
    assert [(s.reason, s.detail) for s in no_text.skipped] == [("no_text", "no 'text'")]
    broken = records[4]
    assert broken.where == "doccano.jsonl line 5"
    assert broken.skipped[0].reason == "malformed_record"
    assert broken.skipped[0].detail.startswith("not valid JSON: Unterminated string")


def test_doccano_entities_objects_of_projects_with_relations_are_read():
    records = doccano.read("x.jsonl", (DATA / "doccano-relations.jsonl").read_bytes())
    assert quotes(records[0]) == [("Ünal Öz", "PERSON"), ("Ständerat", "ORG")]


def test_doccano_code_point_and_grapheme_offsets_on_request():
    text = "Ame\u0301lie 👨\u200d👩\u200d👧 met Bob."
    line = json.dumps({"text": text, "label": [[18, 21, "PERSON"]]}).encode()
    assert quotes(doccano.read("x.jsonl", line, offsets=CODE_POINTS)[0]) == [("Bob", "PERSON")]
    # As graphemes "Amélie" counts 6 (not 7) and the family 1 (not 5).
    line = json.dumps({"text": text, "label": [[13, 16, "PERSON"]]}).encode()
    assert quotes(doccano.read("x.jsonl", line, offsets=GRAPHEMES)[0]) == [("Bob", "PERSON")]


def test_doccano_malformed_spans_and_document_labels_are_skipped_with_reasons():
    line = json.dumps(
        {"text": "A short text.", "label": [[5, 2, "X"], [0, "7", "X"], [0, 1, ""], "Politics"]}
    ).encode()
    record = doccano.read("x.jsonl", line)[0]
    assert record.spans == []
    assert [s.reason for s in record.skipped] == ["bad_span", "bad_span", "bad_span", "not_a_span"]
    assert record.skipped[3].detail == "document label 'Politics'"


def test_doccano_zip_names_each_members_annotator_and_all_jsonl_names_none():
    data = doccano_zip(
        {
            "admin.jsonl": (DATA / "doccano-zip" / "admin.jsonl").read_text(),
            "anna.jsonl": (DATA / "doccano-zip" / "anna.jsonl").read_text(),
            "all.jsonl": '{"text": "Shared.", "label": [[0, 6, "X"]]}\n',
            "__MACOSX/._anna.jsonl": "junk",
        }
    )
    records = doccano.read("project.zip", data)
    assert [r.where for r in records] == [
        "admin.jsonl line 1 (id 1)",
        "admin.jsonl line 2 (id 2)",
        "all.jsonl line 1",
        "anna.jsonl line 1 (id 1)",
        "anna.jsonl line 2 (id 2)",
    ]
    assert {s.annotator for r in records for s in r.spans} == {"admin", None, "anna"}
    assert quotes(records[3]) == [("Élodie Marchand", "PERSON"), ("turnout hit 71%", "Statistic")]


def test_doccano_zip_without_jsonl_is_refused():
    with pytest.raises(FormatError) as raised:
        doccano.read("export.zip", doccano_zip({"all.csv": "text,label\n"}))
    assert str(raised.value) == messages.MIGRATION_NOT_ZIP_OF_JSONL


def test_doccano_empty_file_is_refused():
    with pytest.raises(FormatError) as raised:
        doccano.read("empty.jsonl", b"\n\n")
    assert str(raised.value) == messages.MIGRATION_NO_RECORDS


# --- Label Studio --------------------------------------------------------------------------


@pytest.fixture
def studio_records():
    return label_studio.read("export.json", (DATA / "label-studio.json").read_bytes())


def test_label_studio_regions_become_spans_with_the_completing_users_email(studio_records):
    ferry = studio_records[0]
    assert ferry.title == "Ferry fares"
    assert quotes(ferry) == [("Søren Ås", "Person"), ("fares fell 10%", "Statistic")]
    assert {s.annotator for s in ferry.spans} == {"anna@example.org"}


def test_label_studio_cancelled_annotations_and_other_regions_are_reported(studio_records):
    ferry = studio_records[0]
    assert [(s.reason, s.detail) for s in ferry.skipped] == [
        ("not_a_span", "annotation 1: region of type 'choices'"),
        ("cancelled", "annotation 2 (1 region(s))"),
    ]


def test_label_studio_utf16_offsets_of_older_versions_are_recognised_by_the_text(studio_records):
    tasks = json.loads((DATA / "label-studio.json").read_text())
    value = tasks[1]["annotations"][0]["result"][0]["value"]
    text = tasks[1]["data"]["text"]
    assert text[value["start"] : value["end"]] != "Mr Smith"  # as code points: wrong
    assert quotes(studio_records[1]) == [("Mr Smith", "Person")]


def test_label_studio_region_whose_text_is_not_at_its_offsets_is_a_mismatch(studio_records):
    minister = studio_records[3]
    assert minister.skipped[0].reason == "text_mismatch"
    assert minister.skipped[0].detail == "annotation 4 span [0, 5, ['Place']], text 'Paris'"


def test_label_studio_task_without_the_text_key_names_the_keys_it_has(studio_records):
    assert studio_records[2].text is None
    assert studio_records[2].skipped[0].detail == "no data.text (data keys: body); pass --text-key"
    other_key = label_studio.read(
        "e.json", (DATA / "label-studio.json").read_bytes(), text_key="body"
    )
    assert other_key[2].text == "No text key here."


@pytest.mark.parametrize(
    ("completed_by", "annotator"),
    [({"id": 3, "email": "ben@example.org"}, "ben@example.org"), (3, None), ("ben", "ben")],
)
def test_label_studio_completed_by_as_object_id_or_name(completed_by, annotator):
    task = {
        "data": {"text": "Ben spoke."},
        "annotations": [
            {
                "completed_by": completed_by,
                "result": [
                    {"type": "labels", "value": {"start": 0, "end": 3, "labels": ["PERSON"]}}
                ],
            }
        ],
    }
    record = label_studio.read("e.json", json.dumps([task]).encode())[0]
    assert [(s.start, s.end, s.annotator) for s in record.spans] == [(0, 3, annotator)]


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b'{"tasks": []}', messages.MIGRATION_NOT_TASK_LIST),
        (b"[]", messages.MIGRATION_NO_RECORDS),
        (b"[{", "The file is not valid JSON"),
        (b"\xff\xfe", messages.NOT_UTF8),
    ],
)
def test_label_studio_file_that_is_not_an_export_is_refused(content, error):
    with pytest.raises(FormatError) as raised:
        label_studio.read("e.json", content)
    assert str(raised.value).startswith(error)


def test_label_studio_region_with_several_labels_keeps_the_first_and_reports_the_rest():
    task = {
        "data": {"text": "Ben spoke."},
        "annotations": [
            {
                "result": [
                    {
                        "type": "labels",
                        "value": {
                            "start": 0,
                            "end": 3,
                            "text": "Ben",
                            "labels": ["Person", "Quote"],
                        },
                    }
                ],
            }
        ],
    }
    record = label_studio.read("e.json", json.dumps([task]).encode())[0]
    assert [(s.start, s.end, s.label) for s in record.spans] == [(0, 3, "Person")]
    assert [(s.reason, s.detail) for s in record.skipped] == [
        ("extra_label", "annotation 1 span [0, 3, ['Person', 'Quote']]: label 'Quote'")
    ]
