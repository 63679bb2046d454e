"""The document list and import form, and projects with their members and claim types."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annotations import messages, services
from annotations.models import ClaimType, Document, Membership, Project, Role, Sentence
from tests.factories import SAMPLE_TEXT, make_annotation

ADD_DOCUMENT = reverse("admin:annotations_document_add")


def add_form(project, **fields):
    return {"project": project.pk, "title": "", "text": "", "language": "en", **fields}


@pytest.mark.django_db
class TestDocumentList:
    def test_shows_sentence_and_annotation_counts_and_review_progress(
        self, reviewer_client, staff_reviewer, document, annotator
    ):
        first = make_annotation(document, user=annotator, sentence_index=0)
        make_annotation(document, user=annotator, sentence_index=1)
        services.review_annotation(user=staff_reviewer, annotation=first, decision="approve")
        response = reviewer_client.get(reverse("admin:annotations_document_changelist"))
        row = response.context["cl"].result_list[0]
        assert (row.sentence_count, row.annotation_count, row.approved_count) == (4, 2, 1)
        assert '<progress value="1" max="2"></progress> 1/2 approved' in response.text

    def test_document_page_lists_sentences_read_only(self, owner_client, document):
        url = reverse("admin:annotations_document_change", args=[document.pk])
        response = owner_client.get(url)
        assert response.status_code == 200
        for sentence in document.sentences.all():
            assert sentence.text.replace('"', "&quot;") in response.text
        assert 'name="text"' not in response.text
        response = owner_client.post(
            url,
            {"title": "Renamed", "text": "Replaced text.", "language": "en", "url": ""},
        )
        assert response.status_code == 302
        document.refresh_from_db()
        assert document.title == "Renamed"
        assert document.text == SAMPLE_TEXT


@pytest.mark.django_db
class TestAddDocument:
    def test_pasted_text_is_imported_and_segmented(self, owner_client, staff_owner, project):
        response = owner_client.post(
            ADD_DOCUMENT,
            add_form(project, title="Budget story", text=SAMPLE_TEXT, publisher="AP"),
        )
        assert response.status_code == 302
        document = Document.objects.get(title="Budget story")
        assert document.publisher == "AP"
        assert document.created_by == staff_owner
        assert document.sentences.count() == 4
        assert response["Location"] == reverse(
            "admin:annotations_document_change", args=[document.pk]
        )

    @pytest.mark.parametrize(
        ("fields", "error"),
        [
            ({"title": "Blank", "text": "   \n  "}, messages.EMPTY_TEXT),
            ({"title": "Nothing"}, messages.TEXT_OR_FILE),
            ({"text": SAMPLE_TEXT}, messages.MISSING_TITLE),
        ],
    )
    def test_bad_input_shows_an_error_and_creates_nothing(
        self, owner_client, project, fields, error
    ):
        response = owner_client.post(ADD_DOCUMENT, add_form(project, **fields))
        assert response.status_code == 200
        assert error in response.text
        assert not Document.objects.exists()
        assert not Sentence.objects.exists()

    def test_duplicate_text_is_reported_not_imported_again(self, owner_client, project, document):
        response = owner_client.post(
            ADD_DOCUMENT, add_form(project, title="Again", text=SAMPLE_TEXT)
        )
        assert response.status_code == 200
        assert f"already in the project as document {document.pk}" in response.text
        existing = reverse("admin:annotations_document_change", args=[document.pk])
        assert f'<a href="{existing}">Open it</a>' in response.text
        assert Document.objects.count() == 1

    def test_a_text_file_is_imported(self, owner_client, project):
        upload = SimpleUploadedFile("city-budget.txt", SAMPLE_TEXT.encode())
        response = owner_client.post(ADD_DOCUMENT, add_form(project, file=upload, publisher="Wire"))
        assert response.status_code == 302
        document = Document.objects.get()
        assert document.publisher == "Wire"
        assert document.sentences.count() == 4

    def test_a_jsonl_file_imports_every_record_or_none(self, owner_client, project):
        records = [
            {"title": "One", "text": "First story. It has two sentences."},
            {"title": "Two", "text": "Second story."},
        ]
        body = "\n".join(json.dumps(r) for r in records).encode()
        response = owner_client.post(
            ADD_DOCUMENT, add_form(project, file=SimpleUploadedFile("batch.jsonl", body))
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:annotations_document_changelist")
        assert set(Document.objects.values_list("title", flat=True)) == {"One", "Two"}

        again = [{"title": "Three", "text": "A new story."}, records[1]]
        body = "\n".join(json.dumps(r) for r in again).encode()
        response = owner_client.post(
            ADD_DOCUMENT, add_form(project, file=SimpleUploadedFile("again.jsonl", body))
        )
        assert response.status_code == 200
        assert "already in the project" in response.text
        assert not Document.objects.filter(title="Three").exists()

    @pytest.mark.parametrize(
        ("name", "data", "error"),
        [
            ("scan.pdf", b"%PDF-1.7", "Unsupported file type"),
            ("latin1.txt", "Caf\xe9 society.".encode("latin-1"), messages.NOT_UTF8),
        ],
    )
    def test_unreadable_files_show_an_error(self, owner_client, project, name, data, error):
        response = owner_client.post(
            ADD_DOCUMENT, add_form(project, file=SimpleUploadedFile(name, data))
        )
        assert response.status_code == 200
        assert error in response.text
        assert not Document.objects.exists()

    def test_text_and_file_together_are_refused(self, owner_client, project):
        upload = SimpleUploadedFile("a.txt", b"Some text.")
        response = owner_client.post(
            ADD_DOCUMENT, add_form(project, title="Both", text="Other text.", file=upload)
        )
        assert messages.TEXT_OR_FILE in response.text
        assert not Document.objects.exists()

    def test_only_owners_can_import_into_a_project(
        self, owner_client, staff_owner, project, other_project
    ):
        services.add_member(project=other_project, user=staff_owner, role=Role.REVIEWER)
        response = owner_client.post(
            ADD_DOCUMENT, add_form(other_project, title="Sneaky", text=SAMPLE_TEXT)
        )
        assert response.status_code == 200
        assert "Select a valid choice" in response.text
        assert not Document.objects.exists()


@pytest.mark.django_db
class TestProjects:
    def test_creating_a_project_seeds_claim_types_and_makes_the_creator_owner(
        self, client, django_user_model
    ):
        admin_user = django_user_model.objects.create_superuser("eddie", "e@example.org", "pw")
        client.force_login(admin_user)
        response = client.post(
            reverse("admin:annotations_project_add"),
            {
                "name": "Election 2026",
                "slug": "election-2026",
                "description": "",
                **empty_inline("memberships"),
                **empty_inline("claim_types"),
            },
        )
        assert response.status_code == 302
        project = Project.objects.get(slug="election-2026")
        assert project.claim_types.count() == len(services.DEFAULT_CLAIM_TYPES)
        assert Membership.objects.get(project=project, user=admin_user).role == Role.OWNER

    def test_owner_manages_members_and_claim_types_inline(self, owner_client, project, outsider):
        url = reverse("admin:annotations_project_change", args=[project.pk])
        page = owner_client.get(url)
        assert page.status_code == 200
        formsets = {f.formset.prefix: f.formset for f in page.context["inline_admin_formsets"]}
        assert set(formsets) == {"memberships", "claim_types"}
        data = {"name": project.name, "slug": project.slug, "description": ""}
        for prefix, formset in formsets.items():
            data.update(inline_data(prefix, formset))
        n = len(formsets["memberships"].forms)
        data[f"memberships-{n}-user"] = outsider.pk
        data[f"memberships-{n}-role"] = Role.REVIEWER
        data["memberships-TOTAL_FORMS"] = str(n + 1)
        response = owner_client.post(url, data)
        assert response.status_code == 302, response.context["errors"]
        assert Membership.objects.get(project=project, user=outsider).role == Role.REVIEWER

    def test_claim_type_list_is_scoped_and_read_only_for_reviewers(
        self, reviewer_client, project, other_project
    ):
        response = reviewer_client.get(reverse("admin:annotations_claimtype_changelist"))
        assert {c.project_id for c in response.context["cl"].result_list} == {project.pk}
        claim_type = project.claim_types.first()
        url = reverse("admin:annotations_claimtype_change", args=[claim_type.pk])
        assert reviewer_client.post(url, {"name": "Hijacked"}).status_code == 403
        assert ClaimType.objects.get(pk=claim_type.pk).name != "Hijacked"


def empty_inline(prefix):
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def inline_data(prefix, formset):
    """The POST data that re-submits an inline formset unchanged."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(formset.forms)),
        f"{prefix}-INITIAL_FORMS": str(formset.initial_form_count()),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for form in formset.forms:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if value is None:
                continue
            if isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
                continue
            data[form.add_prefix(name)] = getattr(value, "pk", value)
    return data


@pytest.mark.django_db
def test_document_list_query_count_does_not_grow_with_documents(
    reviewer_client, project, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_document

    url = reverse("admin:annotations_document_changelist")
    make_document(project, text="One short story.")
    with CaptureQueriesContext(connection) as one:
        reviewer_client.get(url)
    for n in range(12):
        make_document(project, text=f"Story number {n}. It has two sentences.")
    with django_assert_num_queries(len(one.captured_queries)):
        response = reviewer_client.get(url)
    assert response.context["cl"].result_count == 13
