"""One representation of an annotation: the API's list, detail, saves and the workspace agree.

``AnnotationSerializer`` and ``DocumentDetailSerializer`` describe the JSON in the OpenAPI
schema; these tests prove the fast, row-based representation renders exactly that.
"""

import json
from datetime import UTC, datetime

import orjson
import pytest
from django.db import connection

from annotations import representation, services
from annotations.api.serializers import AnnotationSerializer, DocumentDetailSerializer
from annotations.api.views import document_detail_queryset
from annotations.models import Annotation
from annotations.selectors_pages import annotation_rows
from factcheck.postgresql.base import prepared
from tests.factories import UserFactory, make_annotation, make_document

TEXT = "First claim here. Second claim there. Third one. Fourth at last."


def plain(data):
    return json.loads(json.dumps(data))


@pytest.fixture
def annotations(document, annotator, reviewer):
    sentence = document.sentences.get(index=1)
    span = make_annotation(
        document,
        user=annotator,
        sentence_index=1,
        start=sentence.start + 6,
        end=sentence.start + 16,
        rationale="<b>why</b> ünïcode \u2028",
        sources=[
            {"url": "https://example.org/b", "title": "B", "stance": "refutes"},
            {"url": "https://example.org/a", "accessed_at": "2026-11-01", "excerpt": "x"},
        ],
    )
    reviewed = make_annotation(document, user=annotator, sentence_index=0)
    services.review_annotation(user=reviewer, annotation=reviewed, decision="approve")
    plain_one = make_annotation(document, user=reviewer, sentence_index=2)
    # A timestamp on a whole second: isoformat() then has no fraction.
    whole = datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC)
    Annotation.objects.filter(pk=plain_one.pk).update(created_at=whole, reviewed_at=whole)
    return [span, reviewed, plain_one]


def serializer_view(document):
    rows = Annotation.objects.with_related().filter(document=document).order_by("start", "id")
    return plain(AnnotationSerializer(rows, many=True).data)


def test_list_detail_and_workspace_render_what_the_serializer_describes(
    client_for, annotator, document, annotations
):
    expected = serializer_view(document)
    client = client_for(annotator)

    listed = client.get("/api/v1/annotations/", {"document": document.pk, "ordering": "start"})
    details = [client.get(f"/api/v1/annotations/{row['id']}/").json() for row in expected]

    assert listed.json()["results"] == expected
    assert details == expected
    assert plain_json(annotation_rows(document, annotator)) == expected
    assert expected[2]["created_at"] == "2026-11-30T12:00:00Z"


def test_a_save_answers_what_a_read_then_shows(client_for, annotator, document):
    client = client_for(annotator)
    sentence = document.sentences.get(index=3)
    statistic = document.project.claim_types.get(slug="statistic")
    quote = document.project.claim_types.get(slug="quote")
    body = {
        "sentence": sentence.pk,
        "claim_type": statistic.pk,
        "start": sentence.start + 1,
        "verification_status": "in_progress",
        "sources": [{"url": "https://a.example/", "accessed_at": "2026-01-02"}],
    }

    created = client.post("/api/v1/annotations/", body, format="json")
    url = f"/api/v1/annotations/{created.json()['id']}/"
    assert created.json() == client.get(url).json()

    changed = client.patch(
        url,
        {"claim_type": quote.pk, "sources": [{"url": "https://b.example/"}]},
        format="json",
        HTTP_IF_MATCH=created["ETag"],
    )
    assert changed.status_code == 200
    assert changed.json() == client.get(url).json()
    assert changed.json()["claim_type_slug"] == "quote"
    assert [s["url"] for s in changed.json()["sources"]] == ["https://b.example/"]

    stale = client.patch(url, {"rationale": "x"}, format="json", HTTP_IF_MATCH=created["ETag"])
    assert stale.status_code == 412
    assert stale.json()["current"] == client.get(url).json()


def test_document_detail_renders_what_the_serializer_describes(
    client_for, annotator, document, annotations
):
    client = client_for(annotator)
    document.published_at = datetime(2026, 3, 2, 14, 30, 0, 120000, tzinfo=UTC)
    document.save()
    rows = document_detail_queryset(annotator).get(pk=document.pk)

    response = client.get(f"/api/v1/documents/{document.pk}/")

    assert response.json() == plain(DocumentDetailSerializer(rows).data)
    assert response.json()["annotation_count"] == 3
    assert response.json()["approved_count"] == 1


# --- PostgreSQL writes the same JSON -------------------------------------------------------

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL writes the JSON only there"
)
HOSTILE = 'quote " backslash \\ newline \n tab \t bell \x07 </script> ünïcode 🦆 \u2028'


@pytest.fixture
def rich(document, annotator, reviewer, owner):
    """Annotations with everything that could be written differently: sources with and
    without dates, hostile text, a claim, a review, null and whole-second timestamps."""
    sentence = document.sentences.get(index=1)
    hostile = make_annotation(
        document,
        user=annotator,
        sentence_index=1,
        start=sentence.start + 2,
        end=sentence.start + 9,
        rationale=HOSTILE,
        sources=[
            {"url": 'https://example.org/ü?q="x"', "title": HOSTILE, "stance": "supports"},
            {"url": "https://example.org/a", "accessed_at": "2026-11-01", "excerpt": HOSTILE},
            {"url": "https://example.org/c", "publisher": "Büro"},
        ],
    )
    reviewed = make_annotation(document, user=annotator, sentence_index=0)
    services.review_annotation(
        user=reviewer, annotation=reviewed, decision="request_changes", comment=HOSTILE
    )
    claimed = make_annotation(document, user=reviewer, sentence_index=2)
    services.create_claim(
        user=reviewer, project=document.project, text="A claim", annotations=[claimed.pk]
    )
    whole = datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC)
    Annotation.objects.filter(pk=claimed.pk).update(created_at=whole, updated_at=whole)
    document.published_at = datetime(2026, 3, 2, 14, 30, 0, 120000, tzinfo=UTC)
    document.save()
    return [hostile, reviewed, claimed]


def python_path(monkeypatch):
    monkeypatch.setattr(representation, "json_in_sql", lambda: False)


@postgresql_only
def test_postgresql_writes_the_json_that_python_writes(
    client_for, annotator, reviewer, owner, document, rich, monkeypatch
):
    assert representation.json_in_sql()
    pk, project = document.pk, document.project_id
    urls = [
        f"/api/v1/documents/{pk}/",
        f"/api/v1/annotations/?document={pk}",
        f"/api/v1/annotations/?document={pk}&page_size=2",
        f"/api/v1/annotations/?document={pk}&page_size=2&page=2",
        f"/api/v1/annotations/?project={project}&ordering=-updated_at",
    ]
    users = [annotator, reviewer, owner, UserFactory(is_superuser=True)]

    def responses():
        return [
            [client_for(user).get(url).json() for url in urls]
            + [plain_json(annotation_rows(document, user))]
            for user in users
        ]

    in_sql = responses()
    python_path(monkeypatch)
    in_python = responses()

    assert in_sql == in_python
    assert in_sql[0][1]["count"] == 3
    assert in_sql[0][0]["sentences"][0]["text"]
    assert {source["title"] for source in in_sql[0][1]["results"][1]["sources"]} >= {HOSTILE}


def plain_json(data):
    return orjson.loads(orjson.dumps(data))


@postgresql_only
def test_a_document_without_annotations_or_sentences_in_sql(client_for, annotator, project):
    document = make_document(project, text="One sentence only.")
    document.sentences.all().delete()  # only possible by hand: keeps the counts' edge case
    response = client_for(annotator).get(f"/api/v1/documents/{document.pk}/")

    assert response.json()["sentences"] == []
    assert response.json()["sentence_count"] == 0
    assert response.json()["annotation_count"] == 0


def test_other_time_zones_are_rendered_by_python(
    client_for, annotator, document, annotations, settings
):
    settings.TIME_ZONE = "America/New_York"
    expected = serializer_view(document)

    listed = client_for(annotator).get("/api/v1/annotations/", {"document": document.pk})

    assert not representation.json_in_sql()
    assert listed.json()["results"] == expected
    assert expected[0]["created_at"].endswith("-05:00")


def test_each_caller_gets_their_own_rows_from_the_compiled_queries(
    client_for, project, owner, annotator
):
    """The list's and the detail's SQL is compiled once for every caller of the same kind;
    the caller's id must still decide what they see (independent annotation here)."""
    other = UserFactory()
    services.add_member(project=project, user=other, role="annotator")
    project.independent_annotation = True
    project.save()
    document = make_document(project, text=TEXT)
    for user in (annotator, other):
        services.assign_document(user=owner, document=document, assignee=user)
    mine = make_annotation(document, user=annotator)
    theirs = make_annotation(document, user=other)

    def seen(user):
        client = client_for(user)
        listed = client.get("/api/v1/annotations/", {"document": document.pk}).json()
        detail = client.get(f"/api/v1/documents/{document.pk}/").json()
        return [row["id"] for row in listed["results"]], detail["annotation_count"]

    assert seen(annotator) == ([mine.pk], 1)
    assert seen(other) == ([theirs.pk], 1)
    assert seen(owner) == ([mine.pk, theirs.pk], 2)


@pytest.mark.parametrize(
    "build",
    [representation._document_detail_queryset, representation._document_annotations_json],
)
def test_compiled_sql_is_what_the_orm_builds_for_each_caller(
    build, project, owner, reviewer, annotator, outsider, document
):
    """The SQL compiled once for stand-in ids, with the ids swapped, is exactly the SQL the
    ORM builds for the real caller and document (``for_user`` and ``visible_to`` branch
    only on what ``compiled`` keys its cache by)."""
    staff = UserFactory(is_staff=True)
    root = UserFactory(is_superuser=True)
    inactive = UserFactory(is_active=False)
    for user in (owner, reviewer, annotator, outsider, staff, root, inactive):
        query = representation.compiled(build, user, document.pk)
        if not user.is_active:
            assert query is None
            continue
        sql, params = build(user, document.pk).query.sql_with_params()
        assert query == (sql, list(params)), user


def plan_nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


def generic_plan(build, user, pk) -> dict:
    """The plan the app runs ``build``'s query with, on the tables' current statistics."""
    sql, params = representation.compiled(build, user, pk)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE annotations_annotation, annotations_source, annotations_sentence")
        cursor.execute(*prepared(f"EXPLAIN (FORMAT JSON) {sql}", params))
        return cursor.fetchone()[0][0]["Plan"]


def reads_of(plan: dict, *tables) -> list[dict]:
    """The scans of ``tables`` in ``plan``, each with the condition it reads by."""
    reads = []
    for node in plan_nodes(plan):
        if node.get("Relation Name") in tables:
            keys = ("Index Cond", "Recheck Cond", "Filter")
            reads.append({**node, "condition": "".join(node.get(key, "") for key in keys)})
    return reads


@pytest.fixture
def many_documents(project):
    """Ten documents of 60 sentences: a document's are a tenth of the sentences table."""

    def text(document):
        return " ".join(f"Sentence {n} of document {document} says something." for n in range(60))

    return [make_document(project, text=text(document)) for document in range(10)]


@postgresql_only
def test_a_documents_annotations_read_only_their_own_sources_and_sentences(
    annotator, document, rich
):
    """Each source and sentence is looked up by the annotation it belongs to: a plan that
    hashes or joins the whole table costs as much as the database is large, however few
    annotations the document has. PostgreSQL picks such a plan when it expects many rows
    against small tables: here an administrator's read of 18 annotations, 5 sources."""
    sentence = document.sentences.get(index=1)
    Annotation.objects.bulk_create(
        Annotation(
            project=document.project,
            document=document,
            sentence=sentence,
            start=sentence.start + offset,
            end=sentence.end,
            quote=document.text[sentence.start + offset : sentence.end],
            claim_type=rich[0].claim_type,
            annotator=annotator,
        )
        for offset in range(1, 16)
    )
    administrator = UserFactory(is_superuser=True)

    plan = generic_plan(representation._document_annotations_json, administrator, document.pk)

    reads = reads_of(plan, "annotations_source", "annotations_sentence")
    assert {read["Relation Name"] for read in reads} == {
        "annotations_source",
        "annotations_sentence",
    }
    for read in reads:
        assert "annotations_annotation." in read["condition"], read


@postgresql_only
def test_a_documents_detail_reads_its_own_sentences_by_index(owner, many_documents):
    """Through the index by document: not by reading the sentences table in storage order
    until one of the document's turns up, which for a document stored last is all of it."""
    plan = generic_plan(representation._document_detail_queryset, owner, many_documents[-1].pk)

    reads = reads_of(plan, "annotations_sentence")
    assert reads
    for read in reads:
        assert read["Node Type"] != "Seq Scan", read
        assert "annotations_document.id" in read["condition"], read
