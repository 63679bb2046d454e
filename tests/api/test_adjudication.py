"""``/api/v1/documents/{id}/adjudicate/``: access, strict input, answers, filters, export."""

import json

import pytest

from annotations import messages
from annotations.models import Annotation
from tests.adjudication_setup import disagreeing_document


@pytest.fixture
def setup(project, owner, annotator):
    return disagreeing_document(project, owner, annotator)


def url(document):
    return f"/api/v1/documents/{document.pk}/adjudicate/"


def post(client, document, body):
    return client.post(url(document), body, format="json")


ACCESS = {"owner": 200, "reviewer": 200, "annotator": 403, "outsider": 404, "anonymous": 401}


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", sorted(ACCESS))
def test_reviewers_and_owners_only(client_for, users, setup, role, method):
    document, _, found = setup
    client = client_for(users[role])
    body = {"sentence": found["anna2"].sentence_id, "accept": None}

    response = client.get(url(document)) if method == "get" else post(client, document, body)

    assert response.status_code == ACCESS[role], response.content
    if role == "annotator":
        assert response.json() == {"detail": messages.CANNOT_ADJUDICATE}
    expected = "not_chosen" if method == "post" and ACCESS[role] == 200 else "pending"
    assert Annotation.objects.get(pk=found["anna2"].pk).review_state == expected


def test_get_lists_the_disagreements(client_for, reviewer, setup):
    document, _, _found = setup

    body = client_for(reviewer).get(url(document)).json()

    assert body["assignees"] == ["alex", "anna"]
    assert (body["resolved"], body["total"]) == (0, 3)
    first = body["sentences"][0]
    assert first["index"] == 1
    assert [v["annotator"] for v in first["versions"]] == ["alex", "anna"]
    assert first["versions"][0]["annotations"][0]["claim_type"] == "quote"
    assert body["sentences"][1]["versions"][0]["annotations"] == []  # alex: no claim


def test_accepting_answers_the_sentence_and_the_counter(client_for, reviewer, setup):
    document, _, found = setup

    response = post(
        client_for(reviewer),
        document,
        {"sentence": found["anna1"].sentence_id, "accept": found["alex1"].pk},
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["resolved"], body["total"]) == (1, 3)
    assert body["sentence"]["resolved"] is True
    assert body["sentence"]["decision"] == "Version 1 (alex)"
    states = [v["annotations"][0]["review_state"] for v in body["sentence"]["versions"]]
    assert states == ["approved", "not_chosen"]


def test_a_merged_version_through_the_api(client_for, reviewer, setup):
    document, _, found = setup
    sentence = found["anna3"].sentence
    claim_type = document.project.claim_types.get(slug="prediction")
    merged = {
        "claim_type": claim_type.pk,
        "verification_status": "mostly_true",
        "start": sentence.start,
        "end": sentence.start + 18,
        "rationale": "merged",
    }

    response = post(client_for(reviewer), document, {"sentence": sentence.pk, "merged": merged})

    assert response.status_code == 200, response.content
    [kept] = response.json()["sentence"]["others"]
    assert (kept["annotator"], kept["quote"], kept["review_state"]) == (
        "rita",
        "The mayor will run",
        "approved",
    )


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "sentence", "This field is required."),
        ({"sentence": "x", "accept": None}, "sentence", messages.EXPECTED_INTEGER),
        ({"sentence": "{s}"}, "accept", messages.ADJUDICATION_ACCEPT_OR_MERGED),
        (
            {
                "sentence": "{s}",
                "accept": None,
                "merged": {"claim_type": 1, "verification_status": "true"},
            },
            "accept",
            messages.ADJUDICATION_ACCEPT_OR_MERGED,
        ),
        ({"sentence": "{s}", "accept": None, "note": "x"}, "note", None),
        ({"sentence": 999999, "accept": None}, "sentence", "elsewhere"),
        ({"sentence": "{s}", "accept": 999999}, "accept", "not a version"),
        ({"sentence": "{a}", "accept": None}, "sentence", messages.ADJUDICATION_NO_DISAGREEMENT),
        ({"sentence": "{s}", "merged": {"claim_type": "{ct}"}}, "merged", "verification_status"),
        (
            {"sentence": "{s}", "merged": {"claim_type": 999999, "verification_status": "true"}},
            "merged",
            "claim_type",
        ),
        (
            {
                "sentence": "{s}",
                "merged": {
                    "claim_type": "{ct}",
                    "verification_status": "true",
                    "start": 0,
                    "end": 3,
                },
            },
            "merged",
            "end",
        ),
    ],
)
def test_bad_input_answers_400_naming_the_field(client_for, reviewer, setup, body, field, message):
    document, _, found = setup
    ids = {
        "{s}": found["anna1"].sentence_id,
        "{a}": found["anna0"].sentence_id,
        "{ct}": found["anna1"].claim_type_id,
    }
    raw = json.dumps(body)
    for key, value in ids.items():
        raw = raw.replace(f'"{key}"', str(value))
    before = dict(Annotation.objects.values_list("pk", "review_state"))

    response = client_for(reviewer).post(url(document), raw, content_type="application/json")

    assert response.status_code == 400, response.content
    errors = response.json()
    assert field in errors, errors
    if message == "elsewhere":
        assert errors[field] == [messages.ADJUDICATION_SENTENCE_ELSEWHERE.format(sentence=999999)]
    elif message == "not a version":
        assert errors[field] == [messages.ADJUDICATION_NOT_A_VERSION.format(annotation=999999)]
    elif field == "merged":
        assert message in errors["merged"], errors
    elif message is not None:
        assert errors[field] == [message]
    assert dict(Annotation.objects.values_list("pk", "review_state")) == before


def test_fewer_than_two_done_assignees_answers_400(client_for, reviewer, setup):
    document, alex, found = setup
    done = document.assignments.get(assignee=alex)
    done.state = "in_progress"
    done.save()

    response = post(
        client_for(reviewer), document, {"sentence": found["anna1"].sentence_id, "accept": None}
    )

    assert response.status_code == 400
    assert response.json() == {"document": [messages.ADJUDICATION_NEEDS_ASSIGNEES]}


def resolve_all(client, document, found):
    post(client, document, {"sentence": found["anna1"].sentence_id, "accept": found["anna1"].pk})
    post(client, document, {"sentence": found["anna2"].sentence_id, "accept": None})
    sentence = found["anna3"].sentence
    merged = {"claim_type": found["anna3"].claim_type_id, "verification_status": "true"}
    return post(client, document, {"sentence": sentence.pk, "merged": merged})


def test_export_of_approved_gives_one_annotation_per_resolved_claim(client_for, reviewer, setup):
    document, _, found = setup
    client = client_for(reviewer)
    assert resolve_all(client, document, found).json()["resolved"] == 3

    response = client.get(
        "/api/v1/export/annotations",
        {"format": "json", "review_state": "approved", "document": document.pk},
    )

    assert response.status_code == 200
    body = json.loads(b"".join(response.streaming_content))
    [exported] = body["documents"]
    rows = exported["annotations"]
    by_sentence = {}
    for row in rows:
        by_sentence.setdefault(row["sentence_index"], []).append(row)
    assert sorted(by_sentence) == [1, 3]  # anna's version and the merged one; 2 is no claim
    assert all(len(group) == 1 for group in by_sentence.values())
    assert {row["review"]["state"] for row in rows} == {"approved"}
    assert by_sentence[1][0]["id"] == found["anna1"].pk


def test_annotations_and_the_export_filter_by_not_chosen(client_for, reviewer, setup):
    document, _, found = setup
    client = client_for(reviewer)
    resolve_all(client, document, found)
    expected = {found[k].pk for k in ("alex1", "anna2", "anna3", "alex3")}

    listed = client.get("/api/v1/annotations/", {"review_state": "not_chosen"}).json()
    exported = client.get(
        "/api/v1/export/annotations", {"format": "jsonl", "review_state": "not_chosen"}
    )
    lines = b"".join(exported.streaming_content).decode().splitlines()

    assert {row["id"] for row in listed["results"]} == expected
    assert {json.loads(line)["id"] for line in lines} == expected
    assert {json.loads(line)["review"]["state"] for line in lines} == {"not_chosen"}


def test_schema_lists_every_answer(client_for, owner):
    schema = client_for(owner).get("/api/schema/", {"format": "json"}).json()

    operations = schema["paths"]["/api/v1/documents/{id}/adjudicate/"]
    assert set(operations["post"]["responses"]) == {
        "200",
        "400",
        "401",
        "403",
        "404",
        "413",
        "414",
        "415",
        "503",
    }
    assert set(operations["get"]["responses"]) == {"200", "400", "401", "403", "404", "414"}
