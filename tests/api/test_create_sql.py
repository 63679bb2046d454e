"""On PostgreSQL, creates take ``services.annotations_sql``: it must store and answer
exactly what the general path (serializers and ``services.create_annotations``) does."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import messages, services
from annotations.models import Annotation, Assignment, Claim, Source
from annotations.services import annotations_sql
from tests.factories import make_project

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the fast path is PostgreSQL's"
)
TEXT = "First claim here. Second claim there, with more. Third one. Fourth at last."


@pytest.fixture
def desks(owner, annotator):
    """Two projects alike, each with the same document assigned to the annotator."""
    made = []
    for name in ("General", "Fast"):
        project = make_project(owner=owner, name=name, annotator=annotator)
        document = services.import_document(
            project=project, data=services.DocumentInput(title="Doc", text=TEXT)
        )
        services.assign_document(user=owner, document=document, assignee=annotator)
        services.create_claim(user=owner, project=project, text="The claim.")
        made.append(project)
    return made


def bodies(project):
    """A single create and a bulk one, naming ``project``'s rows."""
    sentences = list(project.documents.get().sentences.order_by("index"))
    statistic = project.claim_types.get(slug="statistic")
    quote = project.claim_types.exclude(pk=statistic.pk).first()
    claim = Claim.objects.get(project=project)
    single = {
        "sentence": sentences[1].pk,
        "claim_type": statistic.pk,
        "start": sentences[1].start + 7,
        "end": sentences[1].end - 1,
        "verification_status": "mostly_false",
        "rationale": '  Kept "as" {written}, \\ NULL, ünïcode.\n',  # array-literal traps
        "claim": claim.pk,
        "sources": [
            {"url": "https://a.example/x", "stance": "refutes", "accessed_at": "2024-02-29"},
            {"url": "http://b.example/", "title": "B", "publisher": "Bee", "excerpt": " e "},
        ],
    }
    bulk = [
        {"sentence": sentences[0].pk, "claim_type": quote.pk},
        {
            "sentence": sentences[2].pk,
            "claim_type": statistic.pk,
            "claim": None,
            "sources": [{"url": "https://c.example/", "stance": "supports", "title": "{a,b}"}],
        },
        {"sentence": sentences[3].pk, "claim_type": statistic.pk, "start": sentences[3].start},
    ]
    return single, bulk


def snapshot(project):
    """Every row the creates left in ``project``, with its ids replaced by what they name."""
    sentence_index = {s.pk: s.index for s in project.documents.get().sentences.all()}
    claim_type_slug = dict(project.claim_types.values_list("pk", "slug"))
    claim_text = dict(Claim.objects.filter(project=project).values_list("pk", "text"))
    annotations = Annotation.objects.filter(project=project)
    span = {a.pk: (sentence_index[a.sentence_id], a.start, a.end) for a in annotations}

    def named(row):
        row = dict(row)
        for key in ("id", "history_id", "history_date", "created_at", "updated_at"):
            row.pop(key, None)
        row.pop("project_id", None)
        row.pop("document_id", None)
        if "sentence_id" in row:
            row["sentence_id"] = sentence_index[row["sentence_id"]]
        if "claim_type_id" in row:
            row["claim_type_id"] = claim_type_slug[row["claim_type_id"]]
        if row.get("claim_id") is not None:
            row["claim_id"] = claim_text[row["claim_id"]]
        if "annotation_id" in row:
            row["annotation_id"] = span[row["annotation_id"]]
        return row

    def rows(queryset):
        return sorted((named(row) for row in queryset.values()), key=repr)

    sources = Source.objects.filter(annotation__in=annotations)
    assignments = Assignment.objects.filter(document__project=project)
    return {
        "annotations": rows(annotations),
        "annotation history": rows(Annotation.history.filter(id__in=list(span))),
        "sources": rows(sources),
        "source history": rows(Source.history.filter(annotation_id__in=list(span))),
        "assignments": rows(assignments),
        "assignment history": rows(Assignment.history.filter(id__in=assignments.values("id"))),
    }


def shown(body: dict) -> dict:
    """A response without what differs between the two projects' rows."""
    body = dict(body)
    for key in ("id", "project", "document", "sentence", "claim_type", "claim", "created_at"):
        body.pop(key)
    body.pop("updated_at")
    body["sources"] = [{k: v for k, v in s.items() if k != "id"} for s in body["sources"]]
    return body


def statements(queries) -> int:
    """How many statements read or wrote rows (not transaction control, which tests add)."""
    control = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT")
    return sum(not q["sql"].startswith(control) for q in queries.captured_queries)


def create(client, project):
    single, bulk = bodies(project)
    # One request per capture, counted before the next: each request empties the log.
    with CaptureQueriesContext(connection) as one_queries:
        one = client.post("/api/v1/annotations/", single, format="json")
    with CaptureQueriesContext(connection) as many_queries:
        many = client.post("/api/v1/annotations/bulk/", {"annotations": bulk}, format="json")
    counted = (statements(one_queries), statements(many_queries))  # before the next request
    assert one.status_code == 201 and many.status_code == 201, (one.json(), many.json())
    read_back = client.get(one["Location"])
    assert read_back.json() == one.json() and read_back["ETag"] == one["ETag"] == '"1"'
    listed = client.get("/api/v1/annotations/", {"project": project.pk}).json()["results"]
    assert [row["id"] for row in listed if row["id"] in many.json()["created"]] == sorted(
        many.json()["created"]
    )
    by_id = {row["id"]: row for row in listed}
    return (
        counted,
        shown(one.json()),
        [shown(by_id[pk]) for pk in many.json()["created"]],
    )


def test_both_paths_leave_the_same_rows_and_answers(client_for, annotator, desks, monkeypatch):
    general, fast = desks
    client = client_for(annotator)

    with monkeypatch.context() as patched:
        patched.setattr(annotations_sql, "available", lambda: False)
        general_queries, *general_answers = create(client, general)
    fast_queries, *fast_answers = create(client, fast)

    assert fast_queries == (2, 2)  # each: what the items name, then one statement
    assert general_queries[0] > 2 and general_queries[1] > 2
    assert fast_answers == general_answers
    stored = snapshot(fast)
    assert stored == snapshot(general)
    assert [len(rows) for rows in stored.values()] == [4, 4, 3, 3, 1, 2]
    reasons = [row["history_change_reason"] for row in stored["assignment history"]]
    assert sorted(reasons) == ["assigned", "first save"]
    assert Assignment.objects.get(document__project=fast).state == "in_progress"


def test_a_superuser_outside_the_project_creates_as_an_owner(client_for, desks, outsider):
    outsider.is_superuser = True
    outsider.save()
    single, _ = bodies(desks[1])

    with CaptureQueriesContext(connection) as queries:
        response = client_for(outsider).post("/api/v1/annotations/", single, format="json")

    assert response.status_code == 201 and statements(queries) == 2
    assert response.json()["annotator"]["username"] == outsider.username


def test_anything_the_fast_path_doubts_gets_todays_answer(client_for, annotator, desks, outsider):
    """Errors come from the general path: unknown, invisible, outside the sentence."""
    project = desks[1]
    single, bulk = bodies(project)
    client = client_for(annotator)

    outside = client.post("/api/v1/annotations/", {**single, "end": 10_000}, format="json")
    hidden = client_for(outsider).post("/api/v1/annotations/", single, format="json")
    assert client.post("/api/v1/annotations/", single, format="json").status_code == 201
    again = client.post("/api/v1/annotations/", single, format="json")
    repeated = client.post(
        "/api/v1/annotations/bulk/", {"annotations": [bulk[0], bulk[0]]}, format="json"
    )

    assert outside.status_code == 400 and outside.json() == {"end": [messages.SPAN_OUTSIDE]}
    assert hidden.status_code == 400 and set(hidden.json()) == {"sentence", "claim_type", "claim"}
    duplicate = {"detail": messages.DUPLICATE_ANNOTATION}
    assert again.status_code == 400 and again.json() == duplicate
    assert repeated.json() == {"annotations": {"1": duplicate}}


def test_a_span_saved_concurrently_is_todays_duplicate_and_stores_nothing(
    annotator, desks, monkeypatch
):
    """Between the read and the write, another request stores the same span."""
    project = desks[1]
    sentence = project.documents.get().sentences.get(index=0)
    statistic = project.claim_types.get(slug="statistic")
    item = {
        "sentence": sentence.pk,
        "claim_type": statistic.pk,
        "start": None,
        "end": None,
        "verification_status": "unverified",
        "rationale": "",
        "claim": None,
        "sources": [],
    }
    read = annotations_sql._read

    def read_then_race(user, items):
        found = read(user, items)
        services.create_annotation(user=annotator, sentence=sentence, claim_type=statistic)
        return found

    monkeypatch.setattr(annotations_sql, "_read", read_then_race)

    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.create_annotations_sql(user=annotator, items=[item])
    assert caught.value.messages == [messages.DUPLICATE_ANNOTATION]
    assert Annotation.objects.filter(project=project).count() == 1
    assert Assignment.history.filter(history_change_reason="first save").count() == 1


# What a JSON writer or reader might alter: escapes, line separators, control characters,
# characters outside the BMP, decomposed accents, array-literal and HTML syntax.
TRICKY_TEXTS = [
    '"quoted" \\ back\\slash \\" \\\\',
    "\\u0000 written out, \\ud800 too",
    "line\u2028para\u2029end",
    "\x01\x08\x1f\x7f\x85 controls",
    "😀 \U0010ffff \ufeff \ufffd",
    "e\u0301 vs \u00e9",
    "</script><!-- & {a,b} NULL () '' ",
    "\t tab \r\n line ",
    "ü" * 3000,
]


def test_texts_and_dates_are_stored_exactly_as_sent(client_for, owner, annotator):
    """Rationales, quotes and every text of a source pass through the write's JSON."""
    project = make_project(owner=owner, name="Unicode", annotator=annotator)
    text = 'Ünïcode “quoted” claim 😀 here. Second \\ one, {a,b} "x". Third e\u0301tude.'
    document = services.import_document(
        project=project, data=services.DocumentInput(title="Doc", text=text)
    )
    sentences = list(document.sentences.order_by("index"))
    statistic = project.claim_types.get(slug="statistic")
    dates = ["2024-02-29", "1999-12-31", None]
    items = [
        {
            "sentence": sentence.pk,
            "claim_type": statistic.pk,
            "rationale": "".join(TRICKY_TEXTS[n:]),
            "sources": [
                {
                    "url": f"https://e.example/{n}/{m}?q=ü",
                    "title": tricky.strip()[:500].strip(),
                    "publisher": tricky.strip()[:200].strip(),
                    "excerpt": tricky,
                    "accessed_at": dates[m % 3],
                }
                for m, tricky in enumerate(TRICKY_TEXTS)
            ],
        }
        for n, sentence in enumerate(sentences)
    ]

    with CaptureQueriesContext(connection) as queries:
        response = client_for(annotator).post(
            "/api/v1/annotations/bulk/", {"annotations": items}, format="json"
        )

    assert response.status_code == 201, response.json()
    assert statements(queries) == 2  # the fast path
    created = response.json()["created"]
    assert created == sorted(created)
    stored = Annotation.objects.in_bulk(created)
    for pk, item, sentence in zip(created, items, sentences, strict=True):
        annotation = stored[pk]
        assert annotation.quote == sentence.text
        assert annotation.rationale == item["rationale"]
        sources = annotation.sources.order_by("position").values(*item["sources"][0])
        assert [
            {**source, "accessed_at": source["accessed_at"] and source["accessed_at"].isoformat()}
            for source in sources
        ] == item["sources"]
