"""Adjudication: which sentences disagree, the service's outcomes, history, and the page."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from annotations import messages, services
from annotations.adjudication import adjudication_for
from annotations.models import Annotation, ReviewState, Role
from annotations.services.adjudication import adjudicate_sentence
from tests.adjudication_setup import TEXT, annotate, disagreeing_document, finish
from tests.factories import UserFactory, make_document


@pytest.fixture
def setup(project, owner, annotator):
    return disagreeing_document(project, owner, annotator)


def states(document):
    return dict(
        Annotation.objects.filter(document=document)
        .order_by("id")
        .values_list("id", "review_state")
    )


def case_of(document, index):
    return next(c for c in adjudication_for(document).cases if c.sentence.index == index)


def test_only_sentences_where_the_versions_differ_are_cases(setup):
    document, _, found = setup

    adjudication = adjudication_for(document)

    assert [case.sentence.index for case in adjudication.cases] == [1, 2, 3]
    assert [u.username for u in adjudication.assignees] == ["alex", "anna"]
    assert (adjudication.resolved, adjudication.total) == (0, 3)
    claimless = adjudication.cases[1]
    assert claimless.versions[0].is_no_claim  # alex made no claim of sentence 2
    assert claimless.versions[1].annotations == [found["anna2"]]


def test_accepting_a_version_approves_it_and_marks_the_others_not_chosen(setup, reviewer):
    document, _, found = setup

    approved = adjudicate_sentence(
        user=reviewer, sentence=found["anna1"].sentence, accept=found["anna1"]
    )

    assert approved == [found["anna1"]]
    anna1, alex1 = (Annotation.objects.get(pk=found[k].pk) for k in ("anna1", "alex1"))
    assert anna1.review_state == ReviewState.APPROVED
    assert anna1.reviewed_by == reviewer and anna1.reviewed_at is not None
    assert anna1.version == found["anna1"].version + 1
    assert alex1.review_state == ReviewState.NOT_CHOSEN
    assert case_of(document, 1).decision == "Version 2 (anna)"
    assert adjudication_for(document).resolved == 1


def test_a_merged_version_becomes_the_approved_annotation(setup, reviewer):
    document, _, found = setup
    sentence = found["anna3"].sentence
    merged = {
        "claim_type": document.project.claim_types.get(slug="prediction"),
        "verification_status": "mostly_true",
        "start": sentence.start,
        "end": sentence.start + 18,
        "rationale": "Both right: the span is the running, not the year.",
    }

    [kept] = adjudicate_sentence(user=reviewer, sentence=sentence, merged=merged)

    assert kept.annotator == reviewer
    assert kept.quote == "The mayor will run"
    assert kept.rationale.startswith("Both right")
    kept.refresh_from_db()
    assert kept.review_state == ReviewState.APPROVED and kept.reviewed_by == reviewer
    assert {states(document)[found[k].pk] for k in ("anna3", "alex3")} == {"not_chosen"}
    assert case_of(document, 3).decision == "Merged by rita"


def test_no_claim_marks_every_annotation_of_the_sentence_not_chosen(setup, reviewer):
    document, _, found = setup

    assert adjudicate_sentence(user=reviewer, sentence=found["anna2"].sentence) == []

    assert states(document)[found["anna2"].pk] == ReviewState.NOT_CHOSEN
    case = case_of(document, 2)
    assert case.resolved and case.decision == "No claim"


def test_deciding_again_replaces_the_earlier_decision(setup, reviewer):
    document, _, found = setup
    sentence = found["anna1"].sentence
    merged = {"claim_type": found["anna1"].claim_type, "verification_status": "mixed"}

    adjudicate_sentence(user=reviewer, sentence=sentence, accept=found["anna1"])
    adjudicate_sentence(user=reviewer, sentence=sentence, accept=found["alex1"])
    assert states(document)[found["alex1"].pk] == "approved"
    assert states(document)[found["anna1"].pk] == "not_chosen"
    [first] = adjudicate_sentence(user=reviewer, sentence=sentence, merged=merged)
    [again] = adjudicate_sentence(
        user=reviewer, sentence=sentence, merged={**merged, "verification_status": "false"}
    )
    assert again.pk == first.pk  # the reviewer's merged annotation is edited, not duplicated
    adjudicate_sentence(user=reviewer, sentence=sentence, accept=found["anna1"])

    now = states(document)
    assert (now[found["anna1"].pk], now[found["alex1"].pk], now[first.pk]) == (
        "approved",
        "not_chosen",
        "not_chosen",
    )
    assert case_of(document, 1).resolved
    assert Annotation.objects.filter(sentence=sentence).count() == 3


def test_every_decision_is_in_history_with_the_reviewer_and_a_reason(setup, reviewer):
    _document, _, found = setup

    adjudicate_sentence(user=reviewer, sentence=found["anna1"].sentence, accept=found["alex1"])
    adjudicate_sentence(user=reviewer, sentence=found["anna2"].sentence)

    chosen = found["alex1"].history.first()
    other = found["anna1"].history.first()
    dropped = found["anna2"].history.first()
    assert chosen.history_user == other.history_user == reviewer
    assert chosen.history_change_reason == "adjudication: accepted alex's version"
    assert other.history_change_reason == "adjudication: accepted alex's version; not chosen"
    assert chosen.review_state == "approved" and other.review_state == "not_chosen"
    assert dropped.history_change_reason == "adjudication: accepted no claim; not chosen"


def test_a_sentence_is_unresolved_until_every_annotation_is_settled(setup, reviewer):
    document, _, found = setup
    services.review_annotation(user=reviewer, annotation=found["anna1"], decision="approve")

    assert not case_of(document, 1).resolved  # alex's version is still pending

    services.review_annotation(user=reviewer, annotation=found["alex1"], decision="approve")
    assert not case_of(document, 1).resolved  # two authors approved: not one claim


def test_annotators_may_not_adjudicate(setup, annotator):
    document, _, found = setup

    with pytest.raises(PermissionDenied, match=messages.CANNOT_ADJUDICATE):
        adjudicate_sentence(user=annotator, sentence=found["anna1"].sentence, accept=None)
    assert set(states(document).values()) == {"pending"}


def test_it_needs_two_done_assignees(project, owner, annotator, reviewer):
    document = make_document(project, text=TEXT)
    annotate(document, annotator, 0, "statistic")
    finish(owner, document, annotator)

    with pytest.raises(ValidationError) as raised:
        adjudicate_sentence(user=reviewer, sentence=document.sentences.first())

    assert raised.value.message_dict == {"document": [messages.ADJUDICATION_NEEDS_ASSIGNEES]}


def test_an_agreed_sentence_or_a_foreign_annotation_is_refused(setup, reviewer):
    document, _, found = setup

    with pytest.raises(ValidationError) as agreed:
        adjudicate_sentence(user=reviewer, sentence=found["anna0"].sentence)
    with pytest.raises(ValidationError) as foreign:
        adjudicate_sentence(user=reviewer, sentence=found["anna1"].sentence, accept=found["anna2"])

    assert agreed.value.message_dict == {"sentence": [messages.ADJUDICATION_NO_DISAGREEMENT]}
    message = messages.ADJUDICATION_NOT_A_VERSION.format(annotation=found["anna2"].pk)
    assert foreign.value.message_dict == {"accept": [message]}
    assert set(states(document).values()) == {"pending"}


def test_an_assignee_not_done_is_no_version(setup, project, owner, reviewer):
    document, _, _found = setup
    zoe = UserFactory(username="zoe")
    services.add_member(project=project, user=zoe, role=Role.ANNOTATOR)
    services.assign_documents(user=owner, documents=[document], assignees=[zoe])
    annotate(document, zoe, 0, "quote")

    adjudication = adjudication_for(document)

    assert [u.username for u in adjudication.assignees] == ["alex", "anna"]
    assert [case.sentence.index for case in adjudication.cases] == [1, 2, 3]


# --- the page -----------------------------------------------------------------------------


def test_reviewers_and_owners_see_the_page_with_its_counter(client, setup, reviewer, owner):
    document, _, found = setup
    adjudicate_sentence(user=reviewer, sentence=found["anna2"].sentence)
    url = reverse("adjudicate", args=[document.pk])

    for user in (reviewer, owner):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        text = response.content.decode()
        assert '<strong id="resolved-count">1</strong> of <strong id="total-count">3</strong>' in (
            text
        )
        assert 'id="adjudication-data"' in text
        assert "<script>" not in text  # data as json_script, code as a module file
    data = response.context["data"]
    assert [s["index"] for s in data["sentences"]] == [1, 2, 3]
    assert data["sentences"][1]["resolved"] is True


def test_annotators_get_403_and_outsiders_404(client, setup, annotator, outsider):
    document, _, _found = setup
    url = reverse("adjudicate", args=[document.pk])

    client.force_login(annotator)
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_the_page_says_when_adjudication_is_not_possible(client, project, reviewer):
    document = make_document(project, text=TEXT)
    client.force_login(reviewer)

    response = client.get(reverse("adjudicate", args=[document.pk]))

    assert response.status_code == 200
    assert messages.ADJUDICATION_NEEDS_ASSIGNEES in response.content.decode()


@pytest.mark.parametrize("copies", [1, 4])
def test_the_page_runs_a_fixed_number_of_queries(
    client, project, owner, annotator, reviewer, copies, django_assert_num_queries
):
    text = " ".join([TEXT] * copies)
    document, _alex, _found = disagreeing_document(project, owner, annotator, text=text)
    for index in range(4, 4 * copies):
        annotate(document, annotator, index, "statistic")
    client.force_login(reviewer)

    # session, user, document, role, then done assignees, sentences, annotations, claim types
    with django_assert_num_queries(8):
        response = client.get(reverse("adjudicate", args=[document.pk]))

    assert response.status_code == 200
    assert len(response.context["data"]["sentences"]) == 3 + 4 * (copies - 1)


def test_the_project_page_links_reviewers_to_adjudicate(client, setup, reviewer, annotator):
    document, _, _found = setup
    link = reverse("adjudicate", args=[document.pk])
    lonely = make_document(document.project, text="Only one. Two sentences here.")

    client.force_login(reviewer)
    page = client.get(reverse("project", args=[document.project_id])).content.decode()
    client.force_login(annotator)
    annotators_page = client.get(reverse("project", args=[document.project_id])).content.decode()

    assert f'href="{link}"' in page
    assert reverse("adjudicate", args=[lonely.pk]) not in page  # no done assignees
    assert link not in annotators_page


def test_the_admin_filters_by_not_chosen(client, setup, reviewer):
    _document, _, found = setup
    adjudicate_sentence(user=reviewer, sentence=found["anna2"].sentence)
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)

    response = client.get(
        reverse("admin:annotations_annotation_changelist"), {"review_state__exact": "not_chosen"}
    )

    assert response.status_code == 200
    assert [a.pk for a in response.context["cl"].result_list] == [found["anna2"].pk]
