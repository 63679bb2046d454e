"""On PostgreSQL a change reads and writes in one statement each (services.annotation_updates);
the ORM path (SQLite's) must leave the same rows and give the same answers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import services
from annotations.models import Annotation, Assignment, AssignmentState, Role
from annotations.services import annotation_updates
from tests.factories import UserFactory, make_annotation, make_document, make_project
from tests.queries import statement_sql

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the single-statement path is PostgreSQL's"
)

# Per run: ids of rows made for it, and when things happened.
RUN_SPECIFIC = {
    "id",
    "history_id",
    "project",
    "project_id",
    "document",
    "document_id",
    "sentence",
    "sentence_id",
    "claim_type",
    "claim_type_id",
    "created_at",
    "updated_at",
    "reviewed_at",
    "history_date",
    "done_at",
}


def stable(value):
    """``value`` without what differs between two runs of the same story (ids, times)."""
    if isinstance(value, dict):
        return {k: stable(v) for k, v in value.items() if k not in RUN_SPECIFIC}
    if isinstance(value, list):
        return [stable(item) for item in value]
    return value


def history_rows(model, **filters):
    rows = model.history.filter(**filters).order_by("history_id").values()
    return [stable(row) for row in rows]


def story(client_for, owner, reviewer, annotator):
    """One annotation's life through PATCH and review: every answer and every row it left."""
    project = make_project(owner=owner, reviewer=reviewer, annotator=annotator)
    document = make_document(project)
    annotation = make_annotation(document, user=annotator, sources=[{"url": "https://a.example/"}])
    sentence = annotation.sentence
    other = make_annotation(document, user=annotator, start=sentence.start, end=sentence.start + 2)
    services.assign_document(user=owner, document=document, assignee=annotator)
    url = f"/api/v1/annotations/{annotation.pk}/"
    as_annotator, as_reviewer = client_for(annotator), client_for(reviewer)
    answers = []

    def keep(response):
        body = response.json() if response.content else None
        answers.append((response.status_code, response.get("ETag"), stable(body)))
        return response

    keep(as_annotator.get(url))
    # the annotator's first save in the document moves their assignment (with history)
    keep(as_annotator.patch(url, {"rationale": "Checked."}, format="json", HTTP_IF_MATCH='"1"'))
    keep(as_reviewer.post(f"{url}review/", {"decision": "approve"}, format="json"))
    # an annotator changing a reviewed annotation sends it back to pending review
    keep(
        as_annotator.patch(
            url,
            {"start": sentence.start, "end": sentence.start + 4, "verification_status": "false"},
            format="json",
            HTTP_IF_MATCH='"3"',
        )
    )
    keep(as_reviewer.patch(url, {"rationale": "Stale."}, format="json", HTTP_IF_MATCH='"1"'))
    keep(as_reviewer.patch(url, {"verification_status": "true"}, format="json", HTTP_IF_MATCH="*"))
    keep(
        as_reviewer.post(
            f"{url}review/",
            {"decision": "request_changes", "comment": "Source?"},
            format="json",
            HTTP_IF_MATCH='"5"',
        )
    )
    keep(
        as_reviewer.post(
            f"{url}review/", {"decision": "approve"}, format="json", HTTP_IF_MATCH='"1"'
        )
    )
    # the span another annotation of the same annotator has: 400, nothing stored
    taken = {"start": sentence.start, "end": sentence.start + 4}
    keep(
        as_annotator.patch(
            f"/api/v1/annotations/{other.pk}/", taken, format="json", HTTP_IF_MATCH='"1"'
        )
    )
    keep(as_annotator.patch(url, {"sentence": 1}, format="json", HTTP_IF_MATCH='"6"'))
    keep(as_annotator.patch(url, {"rationale": "x"}, format="json"))
    keep(client_for(owner).delete(url, HTTP_IF_MATCH='"6"'))
    keep(as_annotator.get(url))
    assignment = Assignment.objects.get(document=document, assignee=annotator)
    return {
        "answers": answers,
        "annotations": [
            stable(row) for row in Annotation.objects.filter(document=document).values()
        ],
        "history": history_rows(Annotation, document_id=document.pk),
        "assignment": stable(Assignment.objects.filter(pk=assignment.pk).values().get()),
        "assignment_history": history_rows(Assignment, id=assignment.pk),
    }


@postgresql_only
def test_both_paths_leave_the_same_rows_and_answers(
    client_for, owner, reviewer, annotator, monkeypatch
):
    fast = story(client_for, owner, reviewer, annotator)
    monkeypatch.setattr(annotation_updates, "ENABLED", False)
    portable = story(client_for, owner, reviewer, annotator)

    assert fast == portable
    codes = [status for status, _, _ in fast["answers"]]
    assert codes == [200, 200, 200, 200, 412, 200, 200, 412, 400, 400, 428, 204, 404]
    reasons = [(row["history_type"], row["history_change_reason"]) for row in fast["history"]]
    assert ("~", "review: request_changes") in reasons
    assert [row["history_change_reason"] for row in fast["assignment_history"]] == [
        "assigned",
        "first save",
    ]
    assert fast["assignment"]["state"] == AssignmentState.IN_PROGRESS


@pytest.fixture
def annotation(document, annotator):
    return make_annotation(document, user=annotator)


@postgresql_only
def test_a_change_reads_once_and_writes_once(client_for, reviewer, annotation):
    with CaptureQueriesContext(connection) as context:
        response = client_for(reviewer).patch(
            f"/api/v1/annotations/{annotation.pk}/",
            {"verification_status": "true"},
            format="json",
            HTTP_IF_MATCH='"1"',
        )

    assert response.status_code == 200
    # a savepoint only because the test runs in a transaction (production: autocommit)
    sql = [statement_sql(q["sql"]) for q in context.captured_queries]
    sql = [statement for statement in sql if not statement.startswith(SAVEPOINTS)]
    # the annotation with all it is shown with; the UPDATE with its history row and the
    # assignment hook
    assert len(sql) == 2, sql
    assert sql[0].startswith("SELECT") and sql[1].startswith("WITH updated AS (UPDATE")


SAVEPOINTS = ("SAVEPOINT", "RELEASE")


@pytest.fixture
def blind_cast(owner, reviewer, annotator):
    """An independent-annotation project: anna and alex each annotate the document blind."""
    alex = UserFactory(username="alex")
    project = make_project(owner=owner, reviewer=reviewer, annotator=[annotator, alex])
    project.independent_annotation = True
    project.save()
    document = make_document(project)
    for user in (annotator, alex):
        services.assign_document(user=owner, document=document, assignee=user)
    return {
        "project": project,
        "document": document,
        "alex": alex,
        "anna's": make_annotation(document, user=annotator),
        "alex's": make_annotation(document, user=alex),
    }


def seen(user, annotation):
    found = annotation_updates.annotation_for_editing(user, annotation.pk)
    return None if found is None else (found.pk, found.caller_role if found.caller_id else None)


@postgresql_only
def test_who_sees_an_annotation_for_editing_is_the_querysets_answer(
    owner, reviewer, annotator, outsider, blind_cast, monkeypatch
):
    alex = blind_cast["alex"]
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    inactive = UserFactory(username="gone")
    services.add_member(project=blind_cast["project"], user=inactive, role=Role.ANNOTATOR)
    inactive.is_active = False
    inactive.save()
    cast = [owner, reviewer, annotator, alex, outsider, superuser, inactive]
    annotations = [blind_cast["anna's"], blind_cast["alex's"]]

    def both_paths():
        fast = [seen(user, annotation) for user in cast for annotation in annotations]
        monkeypatch.setattr(annotation_updates, "ENABLED", False)
        orm = [seen(user, annotation) for user in cast for annotation in annotations]
        monkeypatch.setattr(annotation_updates, "ENABLED", True)
        return fast, orm

    blind, blind_orm = both_paths()
    assignment = Assignment.objects.get(document=blind_cast["document"], assignee=alex)
    services.update_assignment(user=alex, assignment=assignment, state=AssignmentState.DONE)
    done, done_orm = both_paths()

    assert blind == blind_orm and done == done_orm
    # alex annotates blind: anna's annotation is hidden from him until he is done; she
    # still works blind, so his stays hidden from her
    assert blind[6] is None and done[6] is not None
    assert blind[5] is None and done[5] is None
    assert blind[8:10] == [None, None] and blind[12:14] == [None, None]  # outsider, inactive
    assert blind[0] == (annotations[0].pk, Role.OWNER)


@pytest.mark.parametrize("pk", [2**63, 2**70])
def test_ids_beyond_the_key_range_are_404_not_500(client_for, reviewer, pk):
    response = client_for(reviewer).get(f"/api/v1/annotations/{pk}/")

    assert response.status_code == 404


@pytest.mark.parametrize("sql", [True, False])
def test_a_reason_set_on_the_instance_reaches_the_history_row(
    reviewer, annotation, monkeypatch, sql
):
    monkeypatch.setattr(annotation_updates, "ENABLED", sql)
    annotation._change_reason = "verdict copied from claim 7"  # as copy_claim_verdict does

    services.update_annotation(
        user=reviewer, annotation=annotation, expected_version=1, verification_status="true"
    )

    latest = annotation.history.latest("history_id")
    assert (latest.history_change_reason, latest.history_user, latest.version) == (
        "verdict copied from claim 7",
        reviewer,
        2,
    )
