"""export_annotations → empty database → import_annotations → export again: same content."""

import csv
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from annotations.models import Annotation, Claim, Document, Project, Source
from tests.export_corpus import CLAIM_TEXT, annotated_corpus, link_claims

# Database ids differ after an import; history is this database's own audit trail.
VOLATILE = {"id", "exported_at", "history"}


def normalised(value):
    if isinstance(value, dict):
        return {k: normalised(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [normalised(item) for item in value]
    return value


def claims_by_text(export: dict) -> dict:
    """The export with each annotation's claim id replaced by its claim's text: ids differ
    between databases, the text identifies the claim."""
    texts = {claim["id"]: claim["text"] for claim in export["claims"]}
    for document in export["documents"]:
        for annotation in document["annotations"]:
            annotation["claim"] = texts.get(annotation["claim"])
    export["claims"].sort(key=lambda claim: claim["text"])  # listed by id
    return normalised(export)


def export_json(tmp_path, name="export.json", **options) -> dict:
    path = tmp_path / name
    call_command("export_annotations", "--format", "json", "-o", str(path), **options)
    return json.loads(path.read_text(encoding="utf-8"))


def empty_database():
    Annotation.objects.all().delete()  # annotations protect their claim types and users
    Project.objects.all().delete()
    get_user_model().objects.all().delete()


@pytest.fixture
def corpus(project, reviewer, annotator):
    return annotated_corpus(project, reviewer=reviewer, annotator=annotator)


def round_trip(tmp_path) -> tuple[dict, dict, str]:
    """Export, empty the database, import the export, export again: both exports and what
    the import printed."""
    before = export_json(tmp_path, "before.json")
    empty_database()
    assert not Document.objects.exists() and not Claim.objects.exists()
    out = io.StringIO()
    call_command("import_annotations", str(tmp_path / "before.json"), stdout=out)
    return before, export_json(tmp_path, "after.json"), out.getvalue()


def test_export_import_export_gives_the_same_content(corpus, tmp_path):
    before, after, out = round_trip(tmp_path)

    assert normalised(after) == normalised(before)
    assert len(after["documents"]) == 2
    assert "Annotations: 5 imported" in out
    assert "Sources: 2" in out


def test_export_import_export_keeps_claims_their_verdicts_and_links(
    corpus, project, reviewer, tmp_path
):
    link_claims(corpus, project, reviewer=reviewer)
    before, after, out = round_trip(tmp_path)

    assert len(after["claims"]) == 2
    after, before = claims_by_text(after), claims_by_text(before)
    assert after == before
    linked = [a["claim"] for a in after["documents"][1]["annotations"]]
    assert linked == [CLAIM_TEXT]
    assert "Claims: 2 imported, 0 matched existing." in out
    restored = Claim.objects.get(text=CLAIM_TEXT)
    assert restored.normalized_text  # found by "Seen before" like any other claim
    assert restored.appearances.count() == 2
    assert restored.history.get().history_change_reason == "imported"


def test_import_links_to_a_claim_of_the_same_text_already_in_the_project(
    corpus, project, reviewer, tmp_path
):
    link_claims(corpus, project, reviewer=reviewer)
    export_json(tmp_path)
    kept = set(Claim.objects.values_list("pk", flat=True))
    Annotation.objects.all().delete()

    out = io.StringIO()
    call_command("import_annotations", str(tmp_path / "export.json"), stdout=out)

    assert "Claims: 0 imported, 2 matched existing." in out.getvalue()
    assert set(Claim.objects.values_list("pk", flat=True)) == kept
    assert Annotation.objects.filter(claim__text=CLAIM_TEXT).count() == 2


def test_import_refuses_a_link_to_a_claim_the_export_does_not_list(corpus, tmp_path):
    data = export_json(tmp_path)
    empty_database()
    data["documents"][0]["annotations"][0]["claim"] = 12345
    (tmp_path / "bad.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="claim 12345 is not in the export's claims"):
        call_command("import_annotations", str(tmp_path / "bad.json"), stdout=io.StringIO())
    assert not Annotation.objects.exists()


def test_import_creates_missing_users_inactive_without_password(corpus, tmp_path):
    export_json(tmp_path)
    empty_database()
    call_command("import_annotations", str(tmp_path / "export.json"), stdout=io.StringIO())
    users = get_user_model().objects.order_by("username")
    assert [u.username for u in users] == ["anna", "rita"]
    assert not any(u.is_active or u.has_usable_password() for u in users)


def test_import_keeps_timestamps_versions_and_review(corpus, tmp_path):
    export_json(tmp_path)
    original = {
        a.quote: (a.created_at, a.updated_at, a.version, a.review_state, a.reviewed_at)
        for a in Annotation.objects.all()
    }
    empty_database()
    call_command("import_annotations", str(tmp_path / "export.json"), stdout=io.StringIO())
    restored = {
        a.quote: (a.created_at, a.updated_at, a.version, a.review_state, a.reviewed_at)
        for a in Annotation.objects.all()
    }
    assert restored == original
    imported = Annotation.objects.get(quote=corpus.span.quote)
    assert imported.history.get().history_change_reason == "imported"


def test_importing_twice_matches_documents_and_skips_present_annotations(corpus, tmp_path):
    export_json(tmp_path)
    out = io.StringIO()
    call_command("import_annotations", str(tmp_path / "export.json"), stdout=out)
    assert "0 imported, 2 matched existing" in out.getvalue()
    assert "Annotations: 0 imported, 5 already present" in out.getvalue()
    assert Annotation.objects.count() == 5
    assert Source.objects.count() == 2


def test_import_refuses_a_document_whose_sentences_differ_and_changes_nothing(corpus, tmp_path):
    data = export_json(tmp_path)
    empty_database()
    data["documents"][1]["sentences"][0]["end"] -= 1
    (tmp_path / "bad.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="sentences here differ from the export"):
        call_command("import_annotations", str(tmp_path / "bad.json"), stdout=io.StringIO())
    assert not Document.objects.exists()
    assert not Project.objects.exists()


def test_import_refuses_a_quote_that_does_not_match_the_text(corpus, tmp_path):
    data = export_json(tmp_path)
    empty_database()
    data["documents"][0]["annotations"][0]["quote"] = "Something else"
    (tmp_path / "bad.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="quotes 'Something else'"):
        call_command("import_annotations", str(tmp_path / "bad.json"), stdout=io.StringIO())
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "Cannot read"),
        ('{"format": "other/v9"}', "Not a factcheck/v1 export"),
        ('{"format": "factcheck/v1", "documents": [{"title": "x"}]}', "Malformed export"),
    ],
)
def test_import_explains_unreadable_files(db, tmp_path, content, message):
    path = tmp_path / "in.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("import_annotations", str(path))


def test_export_command_writes_csv_to_stdout_with_filters(corpus, project):
    out = io.StringIO()
    call_command(
        "export_annotations",
        "--format",
        "csv",
        "--project",
        project.slug,
        "--review-state",
        "approved",
        stdout=out,
    )
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [row["annotation_id"] for row in rows] == [str(corpus.span.pk)]


def test_export_command_as_a_user_sees_only_their_projects(corpus, outsider):
    out = io.StringIO()
    call_command("export_annotations", "--format", "jsonl", "--user", outsider.username, stdout=out)
    assert out.getvalue() == ""


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"project": "nope"}, "No project 'nope'"),
        ({"updated_since": "last week"}, "updated_since"),
        ({"verification_status": "maybe"}, "verification_status"),
        ({"user": "nobody"}, "No user 'nobody'"),
    ],
)
def test_export_command_explains_bad_options(corpus, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_annotations", stdout=io.StringIO(), **options)
