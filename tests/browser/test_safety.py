"""Untrusted text stays text, and other projects stay out of reach."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in, open_workspace, shot
from tests.factories import make_annotation, make_document

pytestmark = pytest.mark.browser

HOSTILE = (
    'He wrote <script>alert("x")</script> in the post. '
    "Then <img src=x onerror=alert(1)> appeared.\n\n"
    'A link said <a href="javascript:alert(2)">click</a> here. '
    "Plain javascript:alert(3) too."
)


def test_hostile_document_text_is_shown_literally_and_runs_nothing(page, owner, project):
    document = make_document(project, title='<img src=x onerror=alert("t")>', text=HOSTILE)
    annotation = make_annotation(
        document,
        user=owner,
        sentence_index=1,
        rationale="<script>alert('r')</script>",
        sources=[{"url": "https://example.org/", "title": "<b onmouseover=alert(4)>t</b>"}],
    )
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, owner)
    open_workspace(page, document, f"#a-{annotation.pk}")

    expect(page.locator("#s-0")).to_contain_text(
        'He wrote <script>alert("x")</script> in the post.'
    )
    expect(page.locator("#s-1")).to_contain_text("Then <img src=x onerror=alert(1)> appeared.")
    expect(page.locator("#s-2")).to_contain_text('<a href="javascript:alert(2)">click</a>')
    expect(page.get_by_role("heading", level=1)).to_have_text('<img src=x onerror=alert("t")>')
    expect(page.get_by_label("Rationale")).to_have_value("<script>alert('r')</script>")
    expect(page.get_by_label("Title")).to_have_value("<b onmouseover=alert(4)>t</b>")
    assert page.locator("#doc img, #doc script, #doc a, #panel script, #panel b").count() == 0
    page.locator("#s-2").hover()
    page.locator("#s-2").click()
    page.keyboard.press("j")
    shot(page, "hostile-text")
    assert dialogs == []
    assert page.errors == []


def test_a_user_of_another_project_gets_404_for_the_workspace(
    page, outsider, other_project, document
):
    log_in(page, outsider)
    response = page.goto(f"/documents/{document.pk}/annotate/")
    assert response.status == 404
    page.goto("/")
    expect(page.get_by_role("link", name=other_project.name)).to_be_visible()
    expect(page.get_by_text(document.project.name)).to_have_count(0)
