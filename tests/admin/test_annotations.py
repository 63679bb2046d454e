"""The annotation list, its bulk actions and the annotation page."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations import messages, services
from annotations.models import (
    Annotation,
    ReviewState,
    Role,
    Sentence,
    Source,
    VerificationStatus,
)
from tests.admin.conftest import make_staff
from tests.factories import UserFactory, make_annotation, make_document, make_project

CHANGELIST = reverse("admin:annotations_annotation_changelist")


def change_url(annotation):
    return reverse("admin:annotations_annotation_change", args=[annotation.pk])


def run_action(client, action, annotations, **extra):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [a.pk for a in annotations], "index": 0, **extra},
        follow=True,
    )


def message_texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def two_annotations(document, annotator):
    return [make_annotation(document, user=annotator, sentence_index=i) for i in (0, 1)]


@pytest.mark.django_db
class TestBulkActions:
    def test_approve_records_reviewer_time_and_history(
        self, reviewer_client, staff_reviewer, two_annotations
    ):
        response = run_action(reviewer_client, "approve", two_annotations)
        assert "2 annotations approved." in message_texts(response)
        for annotation in two_annotations:
            annotation.refresh_from_db()
            assert annotation.review_state == ReviewState.APPROVED
            assert annotation.reviewed_by == staff_reviewer
            assert annotation.reviewed_at is not None
            latest = annotation.history.first()
            assert latest.history_user == staff_reviewer
            assert latest.review_state == ReviewState.APPROVED

    def test_request_changes_asks_for_a_comment_then_sends_back(
        self, reviewer_client, staff_reviewer, two_annotations
    ):
        page = run_action(reviewer_client, "request_changes", two_annotations)
        assert page.status_code == 200
        assert "What should the annotator change?" in page.text
        assert Annotation.objects.filter(review_state=ReviewState.PENDING).count() == 2

        response = run_action(
            reviewer_client,
            "request_changes",
            two_annotations,
            apply="Request changes",
            comment="Add the council minutes as a source.",
        )
        assert "2 annotations sent back for changes." in message_texts(response)
        for annotation in two_annotations:
            annotation.refresh_from_db()
            assert annotation.review_state == ReviewState.CHANGES_REQUESTED
            assert annotation.reviewed_by == staff_reviewer
            assert annotation.review_comment == "Add the council minutes as a source."
            assert annotation.history.first().history_user == staff_reviewer

    def test_set_verification_status_changes_each_and_writes_history(
        self, reviewer_client, staff_reviewer, two_annotations
    ):
        response = run_action(reviewer_client, "set_status_mostly_false", two_annotations)
        assert "2 annotations set to “Mostly false”." in message_texts(response)
        for annotation in two_annotations:
            annotation.refresh_from_db()
            assert annotation.verification_status == VerificationStatus.MOSTLY_FALSE
            assert annotation.version == 2
            latest = annotation.history.first()
            assert latest.history_user == staff_reviewer
            assert latest.verification_status == VerificationStatus.MOSTLY_FALSE

    def test_annotations_the_user_may_not_review_are_skipped_and_counted(
        self, reviewer_client, staff_reviewer, two_annotations, owner
    ):
        # In this project the reviewer is only an annotator: they may not approve.
        annotating_desk = make_project(owner=owner, annotator=staff_reviewer)
        elsewhere = make_annotation(make_document(annotating_desk), user=owner)
        response = run_action(reviewer_client, "approve", [*two_annotations, elsewhere])
        assert "2 annotations approved. 1 skipped: you may not change them." in message_texts(
            response
        )
        elsewhere.refresh_from_db()
        assert elsewhere.review_state == ReviewState.PENDING
        assert elsewhere.history.count() == 1

    def test_annotator_sees_no_review_actions(self, client, annotator, two_annotations):
        client.force_login(make_staff(annotator))
        response = client.get(CHANGELIST)
        actions = dict(response.context["action_form"].fields["action"].choices)
        assert "approve" not in actions
        assert "request_changes" not in actions
        assert "set_status_true" in actions


@pytest.mark.django_db
class TestChangelist:
    def test_columns_show_labelled_badges_and_source_counts(
        self, reviewer_client, annotation_a, staff_reviewer
    ):
        services.review_annotation(user=staff_reviewer, annotation=annotation_a, decision="approve")
        response = reviewer_client.get(CHANGELIST)
        # A symbol and a word, so the state does not depend on seeing the colour.
        assert (
            '<span class="fc-badge fc-review-approved"><span aria-hidden="true">✔</span> '
            "Approved</span>"
        ) in response.text
        assert (
            '<span class="fc-badge fc-status-unverified"><span aria-hidden="true">○</span> '
            "Unverified</span>"
        ) in response.text
        row = response.context["cl"].result_list[0]
        assert row.source_count == 1

    def test_has_no_sources_filter(self, reviewer_client, annotation_a, document, annotator):
        bare = make_annotation(document, user=annotator, sentence_index=2)
        response = reviewer_client.get(CHANGELIST, {"sources": "none"})
        assert [a.pk for a in response.context["cl"].result_list] == [bare.pk]
        response = reviewer_client.get(CHANGELIST, {"sources": "some"})
        assert [a.pk for a in response.context["cl"].result_list] == [annotation_a.pk]

    def test_search_finds_by_source_url_once_per_annotation(
        self, reviewer_client, annotation_a, annotator
    ):
        services.update_annotation(
            user=annotator,
            annotation=annotation_a,
            expected_version=None,
            sources=[
                {"url": "https://example.org/minutes/1"},
                {"url": "https://example.org/minutes/2"},
            ],
        )
        response = reviewer_client.get(CHANGELIST, {"q": "minutes"})
        assert [a.pk for a in response.context["cl"].result_list] == [annotation_a.pk]
        assert response.context["cl"].result_list[0].source_count == 2

    def test_columns_sort_by_source_count(self, reviewer_client, annotation_a, document, annotator):
        bare = make_annotation(document, user=annotator, sentence_index=2)
        column = 1 + list(response_columns()).index("source_count_display")
        ascending = reviewer_client.get(CHANGELIST, {"o": str(column)})
        assert [a.pk for a in ascending.context["cl"].result_list] == [bare.pk, annotation_a.pk]
        descending = reviewer_client.get(CHANGELIST, {"o": f"-{column}"})
        assert [a.pk for a in descending.context["cl"].result_list] == [annotation_a.pk, bare.pk]

    def test_query_count_is_the_same_for_10_and_1000_annotations(
        self, reviewer_client, project, annotator, django_assert_num_queries
    ):
        sentences = bulk_sentences(project, 1000)
        add_annotations(sentences[:10], annotator)
        with CaptureQueriesContext(connection) as ten:
            assert reviewer_client.get(CHANGELIST).status_code == 200
        add_annotations(sentences[10:], annotator)
        assert Annotation.objects.count() == 1000
        with django_assert_num_queries(len(ten.captured_queries)):
            response = reviewer_client.get(CHANGELIST)
        assert response.context["cl"].result_count == 1000


def response_columns():
    from annotations.admin.annotation import AnnotationAdmin

    return AnnotationAdmin.list_display


def bulk_sentences(project, count):
    text = " ".join(f"Claim number {i} is here." for i in range(count))
    document = make_document(project, text=text, title="Many claims")
    sentences = list(document.sentences.select_related("document"))
    assert len(sentences) == count
    return sentences


def add_annotations(sentences, annotator):
    """Rows as the service would make them, created in bulk to keep the test fast."""
    claim_type = sentences[0].document.project.claim_types.first()
    annotations = Annotation.objects.bulk_create(
        Annotation(
            project_id=s.document.project_id,
            document=s.document,
            sentence=s,
            start=s.start,
            end=s.end,
            quote=s.text,
            claim_type=claim_type,
            annotator=annotator,
            verification_status=VerificationStatus.values[i % 9],
        )
        for i, s in enumerate(sentences)
    )
    Source.objects.bulk_create(
        Source(annotation=a, url=f"https://example.org/{a.pk}") for a in annotations[::3]
    )


@pytest.mark.django_db
class TestAnnotationPage:
    def test_shows_the_sentence_with_the_span_marked_and_escapes_html(
        self, reviewer_client, project, annotator
    ):
        document = make_document(
            project,
            text='The mayor said <script>alert("x")</script> taxes rose 5%. Critics disagreed.',
            title="<b>Escaped</b> title",
        )
        sentence = document.sentences.get(index=0)
        start = document.text.index("taxes")
        annotation = make_annotation(
            document, user=annotator, start=start, end=start + len("taxes rose 5%")
        )
        response = reviewer_client.get(change_url(annotation))
        assert response.status_code == 200
        assert "<mark>taxes rose 5%</mark>" in response.text
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in response.text
        assert '<script>alert("x")' not in response.text
        assert "&lt;b&gt;Escaped&lt;/b&gt; title" in response.text
        assert "Critics disagreed." in response.text  # the next sentence, for context
        assert sentence.text.startswith("The mayor said")

    def test_links_to_the_document_and_lists_recent_changes(
        self, reviewer_client, annotation_a, staff_reviewer
    ):
        services.set_verification_status(
            user=staff_reviewer, annotation=annotation_a, status=VerificationStatus.TRUE
        )
        response = reviewer_client.get(change_url(annotation_a))
        document_url = reverse("admin:annotations_document_change", args=[annotation_a.document_id])
        assert f'href="{document_url}"' in response.text
        assert "verification: Unverified → True" in response.text
        assert "Source added: https://example.org/council-minutes" in response.text
        assert "rita" in response.text and "anna" in response.text

    def test_saving_goes_through_the_service_with_sources(
        self, reviewer_client, staff_reviewer, annotation_a
    ):
        source = annotation_a.sources.get()
        data = change_form_data(annotation_a)
        data.update(
            verification_status=VerificationStatus.FALSE,
            rationale="Minutes say otherwise.",
            **{
                "sources-TOTAL_FORMS": "2",
                "sources-1-url": "https://example.org/new-evidence",
                "sources-1-title": "New evidence",
                "sources-1-stance": "refutes",
            },
        )
        response = reviewer_client.post(change_url(annotation_a), data)
        assert response.status_code == 302, response.context["errors"]
        annotation_a.refresh_from_db()
        assert annotation_a.verification_status == VerificationStatus.FALSE
        assert annotation_a.rationale == "Minutes say otherwise."
        assert annotation_a.version == 2
        assert annotation_a.history.first().history_user == staff_reviewer
        urls = list(annotation_a.sources.values_list("url", flat=True))
        assert urls == [source.url, "https://example.org/new-evidence"]
        new_source = annotation_a.sources.get(url__contains="new-evidence")
        assert new_source.history.first().history_user == staff_reviewer

    def test_a_stale_form_is_refused_with_a_clear_error(
        self, reviewer_client, annotation_a, annotator
    ):
        data = change_form_data(annotation_a)
        services.set_verification_status(
            user=annotator, annotation=annotation_a, status=VerificationStatus.TRUE
        )
        data["verification_status"] = VerificationStatus.FALSE
        response = reviewer_client.post(change_url(annotation_a), data)
        assert response.status_code == 200
        assert "Someone else changed this annotation meanwhile" in response.text
        annotation_a.refresh_from_db()
        assert annotation_a.verification_status == VerificationStatus.TRUE

    def test_a_bad_source_url_is_a_form_error(self, reviewer_client, annotation_a):
        data = change_form_data(annotation_a)
        data["sources-0-url"] = "javascript:alert(1)"
        response = reviewer_client.post(change_url(annotation_a), data)
        assert response.status_code == 200
        assert annotation_a.sources.get().url == "https://example.org/council-minutes"

    def test_save_and_request_changes_button_reviews_with_the_note(
        self, reviewer_client, staff_reviewer, annotation_a
    ):
        data = change_form_data(annotation_a)
        data.update(review_note="Cite the minutes' page number.", _request_changes="1")
        response = reviewer_client.post(change_url(annotation_a), data)
        assert response.status_code == 302
        annotation_a.refresh_from_db()
        assert annotation_a.review_state == ReviewState.CHANGES_REQUESTED
        assert annotation_a.review_comment == "Cite the minutes' page number."
        assert annotation_a.reviewed_by == staff_reviewer

    def test_server_owned_fields_cannot_be_changed(self, reviewer_client, annotation_a):
        data = change_form_data(annotation_a)
        data.update(quote="forged", version="99", review_state="approved", start="1")
        reviewer_client.post(change_url(annotation_a), data)
        annotation_a.refresh_from_db()
        assert annotation_a.quote != "forged"
        assert annotation_a.review_state == ReviewState.PENDING
        assert annotation_a.start == 0

    def test_annotations_cannot_be_added_in_the_admin(self, reviewer_client):
        response = reviewer_client.get(reverse("admin:annotations_annotation_add"))
        assert response.status_code == 403

    def test_annotator_sees_others_annotations_read_only(self, client, project, annotation_a):
        other = make_staff(UserFactory(username="amir"))
        services.add_member(project=project, user=other, role=Role.ANNOTATOR)
        client.force_login(other)
        response = client.get(change_url(annotation_a))
        assert response.status_code == 200
        assert not response.context["has_change_permission"]
        assert 'name="_approve"' not in response.text

    def test_deleting_goes_through_the_service(self, reviewer_client, staff_reviewer, annotation_a):
        url = reverse("admin:annotations_annotation_delete", args=[annotation_a.pk])
        response = reviewer_client.post(url, {"post": "yes"})
        assert response.status_code == 302
        assert not Annotation.objects.filter(pk=annotation_a.pk).exists()
        deleted = Annotation.history.filter(id=annotation_a.pk, history_type="-").get()
        assert deleted.history_user == staff_reviewer


def change_form_data(annotation):
    sources = list(annotation.sources.all())
    data = {
        "claim_type": annotation.claim_type_id,
        "verification_status": annotation.verification_status,
        "rationale": annotation.rationale,
        "expected_version": annotation.version,
        "review_note": "",
        "sources-TOTAL_FORMS": str(len(sources)),
        "sources-INITIAL_FORMS": str(len(sources)),
        "sources-MIN_NUM_FORMS": "0",
        "sources-MAX_NUM_FORMS": "1000",
    }
    for i, source in enumerate(sources):
        data.update(
            {
                f"sources-{i}-id": source.pk,
                f"sources-{i}-annotation": annotation.pk,
                f"sources-{i}-url": source.url,
                f"sources-{i}-title": source.title,
                f"sources-{i}-publisher": source.publisher,
                f"sources-{i}-stance": source.stance,
                f"sources-{i}-excerpt": source.excerpt,
                f"sources-{i}-accessed_at": "",
            }
        )
    return data


@pytest.mark.django_db
def test_sentence_fixture_text_is_what_the_tests_assume(document):
    assert Sentence.objects.filter(document=document).count() == 4


@pytest.mark.django_db
def test_history_page_lists_who_changed_what(reviewer_client, staff_reviewer, annotation_a):
    services.set_verification_status(
        user=staff_reviewer, annotation=annotation_a, status=VerificationStatus.MISLEADING
    )
    response = reviewer_client.get(
        reverse("admin:annotations_annotation_history", args=[annotation_a.pk])
    )
    assert response.status_code == 200
    records = list(response.context["page_obj"].object_list)
    assert [r.history_user.username for r in records] == ["rita", "anna"]
    assert "misleading" in response.text  # the change column shows old and new values
    assert "/admin/auth/user/" not in response.text  # rita may not open user pages


@pytest.mark.django_db
def test_annotator_cannot_approve_own_work_by_posting_the_button(client, annotator, annotation_a):
    client.force_login(make_staff(annotator))
    data = change_form_data(annotation_a)
    data.update(rationale="Approving myself.", _approve="1")
    response = client.post(change_url(annotation_a), data, follow=True)
    assert messages.CANNOT_REVIEW in message_texts(response)
    annotation_a.refresh_from_db()
    assert annotation_a.review_state == ReviewState.PENDING
    assert annotation_a.rationale == "Council minutes confirm it."  # the save rolled back too
