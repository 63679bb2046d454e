"""The browser pages as the server renders them: access, content, escaping, query counts."""

import json
import re
from html import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations import messages
from annotations.models import Document, Sentence
from tests.factories import make_annotation, make_document, make_project

PASSWORD = "pw-for-tests-123"
HOSTILE_TEXT = (
    'He wrote <script>alert("x")</script> in the post. '
    "Then <img src=x onerror=alert(1)> appeared.\n\n"
    'A link said <a href="javascript:alert(2)">click</a> here.'
)


def long_document(project, sentences: int) -> Document:
    """A document of ``sentences`` sentences, built in bulk (segmenting 5,000 is slow)."""
    parts = [f"Sentence {i} says prices rose {i % 97} percent." for i in range(sentences)]
    text = " ".join(parts)
    document = Document.objects.create(
        project=project, title=f"Long {sentences}", text=text, content_hash=f"long-{sentences}"
    )
    rows, offset = [], 0
    for index, part in enumerate(parts):
        rows.append(
            Sentence(
                document=document,
                index=index,
                start=offset,
                end=offset + len(part),
                paragraph=index // 5,
                text=part,
            )
        )
        offset += len(part) + 1
    Sentence.objects.bulk_create(rows, batch_size=1000)
    return document


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


# --- login and navigation -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["home", "project", "annotate"])
def test_every_page_sends_anonymous_users_to_the_login_page(client, document, name):
    url = reverse(name) if name == "home" else reverse(name, args=[document.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_login_page_has_labelled_fields_and_a_strict_content_security_policy(client):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert '<label for="id_username">Username</label>' in html
    assert '<label for="id_password">Password</label>' in html
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


def test_logging_in_leads_to_the_projects_and_the_header_names_the_user(client, annotator, project):
    response = client.post(
        reverse("login"), {"username": "anna", "password": PASSWORD}, follow=True
    )
    html = response.content.decode()
    assert "Signed in as <strong>anna</strong>" in html
    assert project.name in html
    assert "<header" in html and "<nav" in html and "<main" in html


def test_logout_is_a_post_form_and_logs_out(login, annotator):
    client = login(annotator)
    assert 'method="post" action="/accounts/logout/"' in client.get("/").content.decode()
    client.post(reverse("logout"))
    assert client.get("/").status_code == 302


# --- home ---------------------------------------------------------------------------------


def test_home_lists_only_the_callers_projects_with_counts(
    login, annotator, project, other_project, document
):
    make_annotation(document, user=annotator, verification_status="true")
    response = login(annotator).get("/")
    projects = list(response.context["projects"])
    assert [p.pk for p in projects] == [project.pk]
    shown = projects[0]
    assert (shown.document_count, shown.sentence_count, shown.annotation_count) == (1, 4, 1)
    assert (shown.annotated_sentence_count, shown.verified_count, shown.approved_count) == (1, 1, 0)
    assert shown.role == "annotator"
    assert other_project.name not in response.content.decode()


def test_home_runs_a_fixed_number_of_queries(login, owner, django_assert_max_num_queries):
    client = login(owner)
    for _ in range(5):
        project = make_project(owner=owner)
        make_document(project)
    with django_assert_max_num_queries(4):
        assert client.get("/").status_code == 200


# --- project page -------------------------------------------------------------------------


def test_project_page_is_404_for_non_members(login, outsider, project):
    assert login(outsider).get(reverse("project", args=[project.pk])).status_code == 404


def test_project_page_lists_documents_with_their_progress(login, reviewer, project, annotator):
    document = make_document(project, title="Budget story", publisher="AP")
    make_annotation(document, user=annotator)
    response = login(reviewer).get(reverse("project", args=[project.pk]))
    html = response.content.decode()
    assert "Budget story" in html and "AP" in html
    assert reverse("annotate", args=[document.pk]) in html
    assert 'aria-label="Sentences annotated: 1 of 4"' in html
    assert "Add a document" not in html  # only owners add documents


def test_project_page_searches_titles_and_publishers(login, owner, project):
    make_document(project, title="Budget story")
    make_document(project, title="Weather", text="Rain fell. It was cold.", publisher="Reuters")
    client = login(owner)

    def titles(query):
        page = client.get(f"/projects/{project.pk}/?q={query}").context["page"]
        return [document.title for document in page]

    assert titles("budget") == ["Budget story"]
    assert titles("reuters") == ["Weather"]


def test_project_page_sorts_by_an_allowed_key_and_refuses_others(login, owner, project):
    make_document(project, title="Beta")
    make_document(project, title="Alpha", text="Another text. With two sentences.")
    client = login(owner)
    page = client.get(f"/projects/{project.pk}/?sort=title").context["page"]
    assert [d.title for d in page] == ["Alpha", "Beta"]
    response = client.get(f"/projects/{project.pk}/?sort=password")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_owner_adds_a_document_by_pasting_text(login, owner, project):
    response = login(owner).post(
        reverse("add_document", args=[project.pk]),
        {"title": "Pasted", "text": "One sentence here. And a second one.", "publisher": "AP"},
    )
    document = Document.objects.get(title="Pasted")
    assert response.status_code == 302
    assert response.url == reverse("annotate", args=[document.pk])
    assert document.sentences.count() == 2 and document.publisher == "AP"


def test_owner_adds_documents_by_uploading_a_file(login, owner, project):
    upload = SimpleUploadedFile("story.txt", b"Uploaded story\n\nIt has text. Two sentences.")
    response = login(owner).post(reverse("add_document", args=[project.pk]), {"file": upload})
    assert response.status_code == 302
    assert Document.objects.filter(project=project, title="Uploaded story").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "Empty", "text": "   "}, messages.TEXT_OR_FILE),
        ({"text": "Text without a title."}, messages.MISSING_TITLE),
        (
            {"title": "Bad", "text": "Some text.", "url": "ftp://example.org/x"},
            messages.SOURCE_URL_SCHEME,
        ),
    ],
)
def test_adding_a_bad_document_shows_a_clear_error_and_adds_nothing(
    login, owner, project, data, message
):
    response = login(owner).post(reverse("add_document", args=[project.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not project.documents.exists()


def test_adding_a_duplicate_or_unsupported_file_names_the_problem(login, owner, project):
    existing = make_document(project, title="First", text="Same text. Twice.")
    client = login(owner)
    url = reverse("add_document", args=[project.pk])
    response = client.post(url, {"title": "Again", "text": "Same text. Twice."})
    assert response.status_code == 400
    assert f"already in the project as document {existing.pk}" in response.content.decode()
    upload = SimpleUploadedFile("sheet.xlsx", b"\x00\x01")
    response = client.post(url, {"file": upload})
    assert response.status_code == 400
    assert "Unsupported file type" in response.content.decode()
    assert project.documents.count() == 1


def test_non_owners_cannot_add_documents(login, reviewer, project):
    response = login(reviewer).post(
        reverse("add_document", args=[project.pk]), {"title": "X", "text": "Some text."}
    )
    assert response.status_code == 403
    assert not project.documents.exists()


# --- workspace ----------------------------------------------------------------------------


def workspace_data(response) -> dict:
    match = re.search(
        r'<script id="workspace-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(match.group(1))


def test_workspace_is_404_for_users_of_another_project(login, outsider, document):
    assert login(outsider).get(reverse("annotate", args=[document.pk])).status_code == 404


def test_workspace_renders_each_sentence_in_its_paragraph(login, annotator, document):
    response = login(annotator).get(reverse("annotate", args=[document.pk]))
    html = response.content.decode()
    paragraphs = re.findall(r'<p class="para">(.*?)</p>', html, re.S)
    assert len(paragraphs) == 2
    assert paragraphs[0].count('class="s"') == 2 and paragraphs[1].count('class="s"') == 2
    first = document.sentences.get(index=0)
    assert (
        f'id="s-0" data-id="{first.pk}" data-start="{first.start}" data-end="{first.end}"' in html
    )
    assert '<script type="module" src="/static/annotations/workspace/main.js"></script>' in html


def test_workspace_passes_annotations_claim_types_and_the_user_as_json(
    login, reviewer, annotator, document
):
    annotation = make_annotation(
        document, user=annotator, sources=[{"url": "https://example.org/", "stance": "supports"}]
    )
    data = workspace_data(login(reviewer).get(reverse("annotate", args=[document.pk])))
    assert data["user"] == {
        "id": reviewer.pk,
        "username": "rita",
        "role": "reviewer",
        "can_review": True,
        "is_staff": False,
    }
    assert [a["id"] for a in data["annotations"]] == [annotation.pk]
    assert data["annotations"][0]["sources"][0]["url"] == "https://example.org/"
    assert data["annotations"][0]["annotator"] == {"id": annotator.pk, "username": "anna"}
    assert [c["shortcut"] for c in data["claim_types"]][:3] == ["1", "2", "3"]
    assert data["urls"]["annotations"] == "/api/v1/annotations/"
    assert data["sentence_count"] == 4


def test_workspace_shows_hostile_text_as_text(login, owner, project):
    document = make_document(project, text=HOSTILE_TEXT, title="<b>Bold</b> title")
    breakout = "</script><script>alert(2)</script> & <!--"
    make_annotation(document, user=owner, rationale=breakout)  # its JSON goes in the page
    response = login(owner).get(reverse("annotate", args=[document.pk]))
    html = response.content.decode()
    assert "<script>alert" not in html and "<!--" not in html
    assert workspace_data(response)["annotations"][0]["rationale"] == breakout
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript:' not in html
    assert "<b>Bold</b>" not in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_workspace_links_a_document_url_only_when_it_is_http(login, owner, project):
    document = make_document(project, url="https://example.org/story")
    client = login(owner)
    html = client.get(f"/documents/{document.pk}/annotate/").content.decode()
    assert 'href="https://example.org/story"' in html
    Document.objects.filter(pk=document.pk).update(url="javascript:alert(1)")
    html = client.get(f"/documents/{document.pk}/annotate/").content.decode()
    assert "javascript:alert(1)" not in html.split('id="workspace-data"')[0]
    assert workspace_data_url(html) == ""


def workspace_data_url(html: str) -> str:
    match = re.search(r'<script id="workspace-data" type="application/json">(.*?)</script>', html)
    return json.loads(match.group(1))["document"]["url"]


def test_staff_get_admin_links_and_others_do_not(login, owner, annotator, document):
    owner.is_staff = True
    owner.save()
    staff = workspace_data(login(owner).get(f"/documents/{document.pk}/annotate/"))
    assert staff["urls"]["admin_annotation"] == "/admin/annotations/annotation/0/change/"
    member = workspace_data(login(annotator).get(f"/documents/{document.pk}/annotate/"))
    assert member["urls"]["admin_annotation"] == ""


def test_workspace_query_count_does_not_grow_with_the_document(
    login, annotator, reviewer, project, django_assert_num_queries
):
    client = login(annotator)
    small, large = long_document(project, 50), long_document(project, 5000)
    for document in (small, large):
        for index in (0, 3, 7):
            make_annotation(
                document,
                user=annotator,
                sentence_index=index,
                sources=[{"url": "https://example.org/a"}, {"url": "https://example.org/b"}],
            )
        make_annotation(document, user=reviewer, sentence_index=3)

    def count(document):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("annotate", args=[document.pk]))
        assert response.status_code == 200
        return len(queries)

    small_count = count(small)
    assert count(large) == small_count
    with django_assert_num_queries(small_count):
        html = client.get(reverse("annotate", args=[large.pk])).content.decode()
    assert 'id="s-4999"' in html


def test_unknown_sort_or_page_never_causes_a_server_error(login, owner, project):
    client = login(owner)
    assert client.get(f"/projects/{project.pk}/?page=abc").status_code == 200
    assert client.get(f"/projects/{project.pk}/?q=" + "x" * 500).status_code == 400


def test_service_error_messages_reach_the_form(login, owner, project, settings):
    settings.FACTCHECK_MAX_DOCUMENT_BYTES = 20
    response = login(owner).post(
        reverse("add_document", args=[project.pk]),
        {"title": "Big", "text": "This text is longer than twenty bytes."},
    )
    assert response.status_code == 400
    assert messages.TOO_LARGE.format(limit=20) in response.content.decode()


def test_workspace_data_element_holds_what_json_script_would(document):
    from django.utils.html import json_script

    from annotations.templatetags.workspace import fast_json_script

    value = {"text": '</script><script>alert("x")</script> & ünï \u2028', "n": [1, None, True]}

    fast = fast_json_script(value, "workspace-data")

    assert "</script><script>" not in fast and "<" not in fast.split(">", 1)[1][:-9]
    inner = re.search(r">(.*)</script>$", fast, re.S).group(1)
    reference = re.search(r">(.*)</script>$", json_script(value, "workspace-data"), re.S)
    assert json.loads(inner) == json.loads(reference.group(1)) == value
    assert fast.startswith('<script id="workspace-data" type="application/json">')


def test_workspace_data_gives_the_claims_urls_seen_before_needs(login, annotator, document):
    response = login(annotator).get(reverse("annotate", args=[document.pk]))

    urls = response.context["data"]["urls"]
    assert (urls["claims"], urls["claims_similar"], urls["claim_page"]) == (
        "/api/v1/claims/",
        "/api/v1/claims/similar/",
        "/claims/0/",
    )


def test_the_text_is_escaped_sentence_by_sentence_even_with_nul_in_it():
    from annotations.selectors_pages import Paragraph
    from annotations.templatetags.workspace import document_paragraphs

    def sentence(n, text):
        return {"id": n, "index": n, "start": n, "end": n + 1, "text": text}

    for texts in (["a<b>&\"'", "<i>", "ok"], ["nul \0 <i>", "<b>", "x"]):
        paragraphs = [Paragraph(0, [sentence(0, texts[0]), sentence(1, texts[1])])]
        paragraphs.append(Paragraph(1, [sentence(2, texts[2])]))
        html = str(document_paragraphs(paragraphs))
        shown = re.findall(r'<span class="st">(.*?)</span>', html)
        assert shown == [escape(text) for text in texts]
        assert html.count('<p class="para">') == 2
