"""Incremental pulls report deletions: ``deleted`` in ``json``, tombstone lines in ``jsonl``."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from annotations import services
from annotations.api.export import export_stream
from annotations.exporters import EXPORTERS
from annotations.models import Annotation
from annotations.selectors import ExportFilters, isoformat
from tests.factories import UserFactory, make_annotation, make_document

URL = "/api/v1/export/annotations"


def export(fmt, user, **filters) -> str:
    _, chunks = export_stream(EXPORTERS[fmt](), user, ExportFilters(**filters))
    return "".join(chunks)


def deleted(user, **filters) -> list[dict]:
    return json.loads(export("json", user, **filters))["deleted"]


def jsonl_lines(user, **filters) -> list[dict]:
    return [json.loads(line) for line in export("jsonl", user, **filters).splitlines()]


def delete(annotation, user):
    """Delete through the service; return when (Django clears ``pk`` on delete, ``id`` stays)."""
    pk = annotation.pk
    services.delete_annotation(user=user, annotation=annotation, expected_version=None)
    annotation.pk = pk
    return Annotation.history.filter(id=pk, history_type="-").latest().history_date


@pytest.fixture
def kept_and_deleted(document, annotator, reviewer):
    """Two annotations of one document; the second deleted by the reviewer after ``since``."""
    kept = make_annotation(document, user=annotator, sentence_index=0)
    gone = make_annotation(document, user=annotator, sentence_index=1)
    since = timezone.now()
    deleted_at = delete(gone, reviewer)
    return kept, gone, since, deleted_at


def test_json_pull_since_before_a_deletion_lists_who_deleted_what_and_when(
    kept_and_deleted, annotator, document
):
    _, gone, since, deleted_at = kept_and_deleted
    data = json.loads(export("json", annotator, updated_since=since))
    assert data["deleted"] == [
        {
            "id": gone.pk,
            "document": document.pk,
            "project": document.project_id,
            "deleted_at": isoformat(deleted_at),
            "deleted_by": "rita",
        }
    ]
    assert list(data)[-1] == "deleted"  # after the documents, so it streams last
    exported = [a["id"] for d in data["documents"] for a in d["annotations"]]
    assert gone.pk not in exported


def test_jsonl_pull_ends_with_one_tombstone_line_per_deletion(kept_and_deleted, annotator):
    kept, gone, since, deleted_at = kept_and_deleted
    services.update_annotation(
        user=annotator, annotation=kept, expected_version=None, rationale="Seen again."
    )
    lines = jsonl_lines(annotator, updated_since=since)
    assert [(line["type"], line["id"]) for line in lines] == [
        ("annotation", kept.pk),
        ("deletion", gone.pk),
    ]
    assert lines[1] == {
        "type": "deletion",
        "id": gone.pk,
        "document": gone.document_id,
        "project": gone.project_id,
        "deleted_at": isoformat(deleted_at),
        "deleted_by": "rita",
    }


def test_pull_since_after_the_deletion_reports_nothing(kept_and_deleted, annotator):
    *_, deleted_at = kept_and_deleted
    later = deleted_at + timedelta(microseconds=1)
    assert deleted(annotator, updated_since=later) == []
    assert [line["type"] for line in jsonl_lines(annotator, updated_since=later)] == []


def test_full_export_without_updated_since_has_an_empty_deleted_list(kept_and_deleted, annotator):
    kept, *_ = kept_and_deleted
    assert deleted(annotator) == []
    lines = jsonl_lines(annotator)
    assert [(line["type"], line["id"]) for line in lines] == [("annotation", kept.pk)]


def test_other_projects_deletions_never_appear(
    kept_and_deleted, annotator, outsider, other_project
):
    *_, since, _ = kept_and_deleted
    theirs = make_annotation(make_document(other_project), user=outsider)
    delete(theirs, outsider)
    assert theirs.pk not in [d["id"] for d in deleted(annotator, updated_since=since)]
    assert [d["id"] for d in deleted(outsider, updated_since=since)] == [theirs.pk]
    # The command line without --user acts as the operator and sees both projects.
    assert len(deleted(None, updated_since=since)) == 2


def test_a_user_outside_every_project_gets_no_deletions(kept_and_deleted):
    *_, since, _ = kept_and_deleted
    assert deleted(UserFactory(), updated_since=since) == []


def test_document_and_project_filters_narrow_the_deletions(
    kept_and_deleted, annotator, reviewer, project, owner
):
    kept, gone, since, _ = kept_and_deleted
    other_document = make_document(project, title="Other story", text="Another one. It says more.")
    elsewhere = make_annotation(other_document, user=annotator)
    delete(elsewhere, owner)
    by_document = deleted(annotator, updated_since=since, document=kept.document)
    assert [d["id"] for d in by_document] == [gone.pk]
    by_other = deleted(annotator, updated_since=since, document=other_document)
    assert by_other == [
        {
            "id": elsewhere.pk,
            "document": other_document.pk,
            "project": project.pk,
            "deleted_at": by_other[0]["deleted_at"],
            "deleted_by": "olivia",
        }
    ]
    by_project = deleted(annotator, updated_since=since, project=project)
    assert [d["id"] for d in by_project] == [gone.pk, elsewhere.pk]  # oldest first


def test_an_id_that_exists_again_is_not_listed_and_a_second_deletion_is_listed_once(
    kept_and_deleted, annotator, reviewer
):
    _, gone, since, _ = kept_and_deleted
    restored = Annotation.history.filter(id=gone.pk, history_type="-").latest().instance
    restored.save()  # what restoring from history does: the same id exists again
    assert deleted(annotator, updated_since=since) == []
    deleted_again = delete(Annotation.objects.get(pk=gone.pk), reviewer)
    assert [(d["id"], d["deleted_at"]) for d in deleted(annotator, updated_since=since)] == [
        (gone.pk, isoformat(deleted_again))
    ]


def test_deleting_a_document_reports_each_of_its_annotations(kept_and_deleted, annotator, document):
    kept, gone, since, _ = kept_and_deleted
    document.delete()  # as the admin does; no request here, so nobody is recorded
    tombstones = deleted(None, updated_since=since)
    assert [(d["id"], d["deleted_by"]) for d in tombstones] == [(gone.pk, "rita"), (kept.pk, None)]


@pytest.mark.parametrize("fmt", ["csv", "claimreview", "w3c"])
def test_csv_claimreview_and_w3c_carry_no_tombstones(kept_and_deleted, annotator, fmt):
    kept, gone, since, _ = kept_and_deleted
    services.update_annotation(
        user=annotator, annotation=kept, expected_version=None, verification_status="false"
    )
    text = export(fmt, annotator, updated_since=since)
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        assert [row["annotation_id"] for row in rows] == [str(kept.pk)]
    else:
        assert "deleted" not in text
        assert f"#a-{gone.pk}" not in text
        assert f"#a-{kept.pk}" in text


def count_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
        assert response.status_code == 200, response.content
        b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_deletions_cost_one_query_however_many_there_are(
    document, annotator, fmt, django_assert_num_queries
):
    client = APIClient()
    client.force_authenticate(annotator)
    since = timezone.now().isoformat()
    annotations = [make_annotation(document, user=annotator, sentence_index=i) for i in range(4)]
    delete(annotations.pop(), annotator)
    full = count_queries(client, {"format": fmt})
    one = count_queries(client, {"format": fmt, "updated_since": since})
    assert one == full + 1
    for annotation in annotations[1:]:
        delete(annotation, annotator)
    with django_assert_num_queries(one):
        response = client.get(URL, {"format": fmt, "updated_since": since})
        body = b"".join(response.streaming_content).decode()
    assert body.count('"deleted_by":"anna"') == 3


def test_import_of_an_incremental_export_ignores_the_deleted_list(
    kept_and_deleted, annotator, tmp_path
):
    kept, gone, since, _ = kept_and_deleted
    services.update_annotation(
        user=annotator, annotation=kept, expected_version=None, rationale="New."
    )
    path = tmp_path / "pull.json"
    call_command("export_annotations", "--updated-since", since.isoformat(), "-o", str(path))
    assert [d["id"] for d in json.loads(path.read_text())["deleted"]] == [gone.pk]
    Annotation.objects.all().delete()
    out = io.StringIO()
    call_command("import_annotations", str(path), stdout=out)
    assert "Annotations: 1 imported" in out.getvalue()
    assert list(Annotation.objects.values_list("rationale", flat=True)) == ["New."]
