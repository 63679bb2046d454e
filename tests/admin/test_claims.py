"""The Claims admin: the list with appearances, the claim page, merging duplicates."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from annotations import messages, services
from annotations.models import Claim
from tests.admin.conftest import make_staff
from tests.factories import make_annotation, make_document

CHANGELIST = reverse("admin:annotations_claim_changelist")
TEXT = "The city council approved a $2.5 million budget on Monday."


def change_url(claim):
    return reverse("admin:annotations_claim_change", args=[claim.pk])


def message_texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def claim(project, annotator, annotation_a):
    return services.create_claim(
        user=annotator, project=project, text=TEXT, annotations=[annotation_a.pk]
    )


@pytest.fixture
def claim_b(other_project, outsider, annotation_b):
    return services.create_claim(
        user=outsider, project=other_project, text="Secret claim.", annotations=[annotation_b.pk]
    )


def test_the_list_shows_your_claims_with_their_appearances(reviewer_client, claim, claim_b):
    response = reviewer_client.get(CHANGELIST)

    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert rows == [claim]
    assert rows[0].appearance_count == 1
    assert rows[0].first_seen is not None
    assert b"Secret claim." not in response.content
    assert reviewer_client.get(change_url(claim_b)).status_code == 302  # not in your projects


def test_the_claim_page_lists_its_appearances(reviewer_client, claim, annotation_a):
    response = reviewer_client.get(change_url(claim))

    assert response.status_code == 200
    assert annotation_a.document.title.encode() in response.content
    assert b"appearances" in response.content.lower()


def test_saving_the_verdict_goes_through_the_service(reviewer_client, staff_reviewer, claim):
    response = reviewer_client.post(
        change_url(claim),
        {
            "text": "The council approved a $2.5 million budget.",
            "verification_status": "mostly_true",
            "rating_explanation": "The budget was $2.4 million.",
            "expected_version": claim.version,
            "appearances-TOTAL_FORMS": 1,
            "appearances-INITIAL_FORMS": 1,
        },
    )

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    claim.refresh_from_db()
    assert (claim.verification_status, claim.reviewed_by) == ("mostly_true", staff_reviewer)
    assert "$2500000" in claim.normalized_text.split()
    assert claim.version == 2


def test_annotators_may_look_but_not_change(client, annotator, claim):
    client.force_login(make_staff(annotator))

    assert client.get(change_url(claim)).status_code == 200
    response = client.post(change_url(claim), {"text": "x", "verification_status": "true"})
    assert response.status_code == 403
    assert Claim.objects.get().text == TEXT


def test_merge_action_merges_into_the_oldest(reviewer_client, project, annotator, claim):
    repeat = make_annotation(make_document(project, text="Another. Repeat."), user=annotator)
    newer = services.create_claim(
        user=annotator, project=project, text="Council OKs $2.5M budget", annotations=[repeat.pk]
    )

    response = reviewer_client.post(
        CHANGELIST,
        {"action": "merge", "_selected_action": [claim.pk, newer.pk], "index": 0},
        follow=True,
    )

    assert messages.CLAIM_MERGED.format(count=1, claim=claim) in message_texts(response)
    assert list(Claim.objects.all()) == [claim]
    repeat.refresh_from_db()
    assert repeat.claim == claim


def test_merging_one_claim_asks_for_two(reviewer_client, claim):
    response = reviewer_client.post(
        CHANGELIST, {"action": "merge", "_selected_action": [claim.pk], "index": 0}, follow=True
    )

    assert messages.CLAIM_MERGE_TOO_FEW in message_texts(response)


def test_deleting_in_the_admin_keeps_the_appearances(reviewer_client, claim, annotation_a):
    delete_url = reverse("admin:annotations_claim_delete", args=[claim.pk])
    response = reviewer_client.post(delete_url, {"post": "yes"})

    assert response.status_code == 302
    assert not Claim.objects.exists()
    annotation_a.refresh_from_db()
    assert annotation_a.claim is None


def test_a_stale_save_is_refused_and_changes_nothing(reviewer_client, reviewer, claim):
    services.update_claim(
        user=reviewer, claim=claim, expected_version=None, verification_status="false"
    )
    response = reviewer_client.post(
        change_url(claim),
        {
            "text": TEXT,
            "verification_status": "true",
            "rating_explanation": "",
            "expected_version": 1,
            "appearances-TOTAL_FORMS": 1,
            "appearances-INITIAL_FORMS": 1,
        },
        follow=True,
    )

    assert messages.CLAIM_VERSION_CONFLICT in message_texts(response)
    claim.refresh_from_db()
    assert (claim.verification_status, claim.version) == ("false", 2)
