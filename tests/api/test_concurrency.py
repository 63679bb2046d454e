"""No lost updates: ETag / If-Match on annotations, and racing clients."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from annotations import messages
from annotations.models import Annotation
from tests.factories import make_annotation

URL = "/api/v1/annotations/"


def detail(annotation):
    return f"{URL}{annotation.pk}/"


@pytest.fixture
def annotation(document, annotator):
    return make_annotation(document, user=annotator)


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_write_without_if_match_answers_428_and_changes_nothing(
    client_for, annotator, annotation, method
):
    response = getattr(client_for(annotator), method)(
        detail(annotation), {"rationale": "x"}, format="json"
    )

    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    assert Annotation.objects.get(pk=annotation.pk).version == 1


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_stale_if_match_answers_412_with_the_current_annotation(
    client_for, annotator, reviewer, annotation, method
):
    client_for(reviewer).patch(
        detail(annotation), {"verification_status": "false"}, format="json", HTTP_IF_MATCH='"1"'
    )

    response = getattr(client_for(annotator), method)(
        detail(annotation), {"rationale": "mine"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 412
    body = response.json()
    assert body["current"]["version"] == 2
    assert body["current"]["verification_status"] == "false"
    assert response["ETag"] == '"2"'
    annotation.refresh_from_db()
    assert annotation.rationale == ""


@pytest.fixture
def edited(annotation, reviewer, client_for):
    """The annotation at version 2 (a reviewer saved it once)."""
    client_for(reviewer).patch(
        detail(annotation), {"verification_status": "false"}, format="json", HTTP_IF_MATCH='"1"'
    )
    annotation.refresh_from_db()
    assert annotation.version == 2
    return annotation


def send(client, method, annotation, header):
    if method == "review":
        url, body = f"{detail(annotation)}review/", {"decision": "approve"}
        return client.post(url, body, format="json", HTTP_IF_MATCH=header)
    return getattr(client, method)(
        detail(annotation), {"rationale": "mine"}, format="json", HTTP_IF_MATCH=header
    )


# RFC 9110 §13.1.1: "*" matches any current version; a list matches when one tag does.
MATCHING = [
    '"2"',
    'W/"2"',  # weak tags are compared weakly
    "2",  # bare, as earlier clients send
    "*",
    '"1", "2"',
    '"7",W/"2"',
    ' , "2" ,, ',  # empty list elements are allowed (§5.6.1)
]
# Well-formed entity-tags that are not the current version: 412 with the current state.
NOT_MATCHING = [
    '"1"',
    '"7"',
    '"abc"',
    '"1", "3"',
    '"2,"',  # one tag holding a comma, not "2"
    '"02"',  # compared as strings: not "2"
    '"0"',
    '"99999999999"',
    '"' + "9" * 5000 + '"',
    '""',
    ",",  # a list of no tags matches nothing
]
EVERY_CONDITIONAL_WRITE = pytest.mark.parametrize("method", ["patch", "delete", "review"])
# Not "*" and not an entity-tag list: 400.
MALFORMED = ["abc", '"2', '2"', '"2" "3"', '*, "2"', "W/2", 'W/ "2"', 'w/"2"', '"a b"', "2 3"]


@EVERY_CONDITIONAL_WRITE
@pytest.mark.parametrize("header", MATCHING)
def test_if_match_that_matches_the_current_version_lets_the_write_through(
    client_for, owner, edited, method, header
):
    response = send(client_for(owner), method, edited, header)

    assert response.status_code in (200, 204), response.content
    if method == "delete":
        assert not Annotation.objects.filter(pk=edited.pk).exists()
    else:
        assert response["ETag"] == '"3"'


@EVERY_CONDITIONAL_WRITE
@pytest.mark.parametrize("header", NOT_MATCHING)
def test_if_match_naming_other_versions_answers_412_with_the_current_state(
    client_for, owner, edited, method, header
):
    response = send(client_for(owner), method, edited, header)

    assert response.status_code == 412
    body = response.json()
    assert body["detail"] == messages.VERSION_CONFLICT
    assert body["current"]["version"] == 2
    assert body["current"]["verification_status"] == "false"
    assert response["ETag"] == '"2"'
    stored = Annotation.objects.get(pk=edited.pk)
    assert (stored.version, stored.rationale, stored.review_state) == (2, "", "pending")


@EVERY_CONDITIONAL_WRITE
@pytest.mark.parametrize("header", MALFORMED)
def test_if_match_that_is_not_an_entity_tag_list_answers_400_naming_the_header(
    client_for, owner, edited, method, header
):
    response = send(client_for(owner), method, edited, header)

    assert response.status_code == 400
    assert response.json() == {"If-Match": [messages.IF_MATCH_MALFORMED]}
    assert Annotation.objects.get(pk=edited.pk).version == 2


def test_if_match_star_still_needs_the_annotation_to_exist(client_for, owner, annotation):
    client_for(owner).delete(detail(annotation), HTTP_IF_MATCH="*")

    response = client_for(owner).delete(detail(annotation), HTTP_IF_MATCH="*")

    assert response.status_code == 404


def test_two_clients_patching_the_same_version_one_wins_one_gets_412(
    annotator, reviewer, annotation
):
    first, second = APIClient(), APIClient()
    first.force_authenticate(annotator)
    second.force_authenticate(reviewer)
    etag = first.get(detail(annotation))["ETag"]
    assert second.get(detail(annotation))["ETag"] == etag

    one = first.patch(detail(annotation), {"rationale": "A"}, format="json", HTTP_IF_MATCH=etag)
    two = second.patch(detail(annotation), {"rationale": "B"}, format="json", HTTP_IF_MATCH=etag)

    assert sorted([one.status_code, two.status_code]) == [200, 412]
    assert two.json()["current"]["rationale"] == "A"
    annotation.refresh_from_db()
    assert (annotation.rationale, annotation.version) == ("A", 2)


def run_concurrently(*requests):
    """Run each ``request()`` in its own thread, released together; return the responses."""
    barrier = threading.Barrier(len(requests))
    results = [None] * len(requests)

    def run(index, request):
        try:
            barrier.wait(timeout=10)
            results[index] = request()
        except Exception as exc:  # surfaced by the assertions below
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


# PostgreSQL makes a second writer wait for the first. SQLite's in-memory test database
# (shared cache) fails it at once with "table is locked", which the API answers with 503
# and Retry-After (even, rarely, after the write committed, when re-reading it for the
# response hits a lock); either way at most one write wins and nothing answers 500.
ON_POSTGRESQL = connection.vendor == "postgresql"


def client(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.mark.django_db(transaction=True)
def test_threads_patching_the_same_version_at_most_one_succeeds(
    annotator, reviewer, owner, annotation
):
    users = [annotator, reviewer, owner]

    responses = run_concurrently(
        *[
            lambda user=user: client(user).patch(
                detail(annotation), {"rationale": user.username}, format="json", HTTP_IF_MATCH='"1"'
            )
            for user in users
        ]
    )

    codes = sorted(getattr(r, "status_code", r) for r in responses)
    if ON_POSTGRESQL:
        assert codes == [200, 412, 412], responses
    else:
        assert codes.count(200) <= 1 and set(codes) <= {200, 412, 503}, responses
    annotation.refresh_from_db()
    winner = next((r for r in responses if r.status_code == 200), None)
    if winner is not None or ON_POSTGRESQL:
        assert annotation.version == 2
        assert annotation.rationale == winner.json()["rationale"]
    else:  # on SQLite a committed write may still answer 503 if its re-read hit a lock
        assert annotation.version in (1, 2)


@pytest.mark.django_db(transaction=True)
def test_threads_creating_the_same_span_make_one_annotation_and_one_400(annotator, document):
    body = {
        "sentence": document.sentences.first().pk,
        "claim_type": document.project.claim_types.get(slug="statistic").pk,
    }

    responses = run_concurrently(
        *[lambda: client(annotator).post(URL, body, format="json") for _ in range(2)]
    )

    codes = sorted(getattr(r, "status_code", r) for r in responses)
    if ON_POSTGRESQL:
        assert codes == [201, 400], responses
        rejected = next(r for r in responses if r.status_code == 400)
        assert "already annotated" in rejected.json()["detail"]
    else:
        assert codes.count(201) <= 1 and set(codes) <= {201, 400, 503}, responses
    stored = Annotation.objects.filter(sentence_id=body["sentence"]).count()
    assert stored <= 1  # never a duplicate
    if ON_POSTGRESQL:
        assert stored == 1
    else:
        assert stored >= codes.count(201)
