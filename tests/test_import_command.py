import io
import json

import pytest
from django.core.management import CommandError, call_command

from annotations.models import Document, Project, Sentence

STORY = "Council approves budget\n\nThe council approved it on Monday. The mayor said so.\n"


def run(*args):
    out = io.StringIO()
    call_command("import_documents", *map(str, args), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def run_failing(*args):
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_documents", *map(str, args), stdout=out, stderr=io.StringIO())
    return out.getvalue(), str(error.value)


def test_imports_a_file_and_reports_document_and_sentence_count(project, tmp_path):
    path = tmp_path / "budget.txt"
    path.write_text(STORY)
    output = run(path, "--project", project.slug)
    document = Document.objects.get(project=project)
    assert document.title == "Council approves budget"
    count = document.sentences.count()
    assert count == 3
    assert f"[1/1] {path}: imported document {document.pk}" in output
    assert f"with {count} sentence(s)" in output
    assert "1 document(s) imported with 3 sentence(s), 0 duplicate(s) skipped, 0 failed" in output


def test_directory_is_searched_recursively_for_supported_files(project, tmp_path):
    (tmp_path / "a.txt").write_text("First story\n\nOne sentence here.")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "b.md").write_text("# Second story\n\nAnother sentence.")
    (tmp_path / "nested" / "notes.pdf").write_bytes(b"%PDF-1.4")  # ignored inside directories
    output = run(tmp_path, "--project", project.slug)
    assert sorted(Document.objects.values_list("title", flat=True)) == [
        "First story",
        "Second story",
    ]
    assert "[1/2]" in output and "[2/2]" in output
    assert "notes.pdf" not in output


def test_reimporting_reports_duplicate_and_does_not_fail(project, tmp_path):
    path = tmp_path / "budget.txt"
    path.write_text(STORY)
    run(path, "--project", project.slug)
    first = Document.objects.get()
    output = run(path, "--project", project.slug)
    assert f"skipped: duplicate of document {first.pk}" in output
    assert "0 document(s) imported" in output and "1 duplicate(s) skipped" in output
    assert Document.objects.count() == 1


def test_failed_file_exits_non_zero_creates_nothing_and_others_still_import(project, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(STORY)
    bad = tmp_path / "bad.txt"
    bad.write_bytes("Caf\u00e9".encode("latin-1"))
    output, error = run_failing(good, bad, "--project", project.slug)
    assert f"{bad}: failed: The file is not valid UTF-8 text." in output
    assert "1 document(s) imported" in error and "1 failed" in error
    assert list(Document.objects.values_list("title", flat=True)) == ["Council approves budget"]


def test_explicitly_named_unsupported_file_is_a_failure(project, tmp_path):
    path = tmp_path / "story.pdf"
    path.write_bytes(b"%PDF-1.4")
    output, _ = run_failing(path, "--project", project.slug)
    assert "failed: Unsupported file type '.pdf'" in output
    assert not Document.objects.exists()


def test_jsonl_imports_good_records_and_reports_the_bad_one(project, tmp_path):
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"title": "One", "text": "First text."}),
        json.dumps({"title": "Two", "text": "Second text.", "published_at": "last week"}),
        json.dumps({"title": "Three", "text": "Third text."}),
    ]
    path.write_text("\n".join(lines))
    output, error = run_failing(path, "--project", project.slug)
    assert sorted(Document.objects.values_list("title", flat=True)) == ["One", "Three"]
    assert "line 2: failed: Line 2: published_at 'last week'" in output
    assert "2 document(s) imported" in error and "1 failed" in error


def test_empty_text_fails_and_leaves_no_document_or_sentences(project, tmp_path):
    path = tmp_path / "empty.json"
    path.write_text(json.dumps({"title": "Nothing", "text": "  \n "}))
    output, _ = run_failing(path, "--project", project.slug)
    assert "failed: The document has no text." in output
    assert not Document.objects.exists() and not Sentence.objects.exists()


def test_unknown_project_is_refused_unless_asked_to_create_it(db, tmp_path):
    path = tmp_path / "budget.txt"
    path.write_text(STORY)
    _, error = run_failing(path, "--project", "new-desk")
    assert "No project with slug 'new-desk'" in error
    run(path, "--project", "new-desk", "--create-project")
    project = Project.objects.get(slug="new-desk")
    assert project.documents.count() == 1
    assert project.claim_types.exists()  # created through the service, with its taxonomy


def test_missing_path_is_refused(project, tmp_path):
    _, error = run_failing(tmp_path / "nope.txt", "--project", project.slug)
    assert "No such file or directory" in error


def test_file_over_the_size_limit_fails_and_creates_nothing(project, tmp_path, settings):
    settings.FACTCHECK_MAX_DOCUMENT_BYTES = 50
    path = tmp_path / "long.txt"
    path.write_text("Title\n\n" + "A sentence. " * 10)
    output, _ = run_failing(path, "--project", project.slug)
    assert "failed: The document is larger than the limit of 50 bytes." in output
    assert not Document.objects.exists()
