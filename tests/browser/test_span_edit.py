"""Changing a saved annotation's span, and saving after the session has expired."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PASSWORD, log_in, open_workspace
from tests.factories import make_annotation, make_document

pytestmark = pytest.mark.browser

TEXT = (
    "The council approved a $2.5 million budget on Monday. "
    "Mayor Jane Smith said crime fell by 10% last year."
)
BUDGET = "$2.5 million budget"


@pytest.fixture
def annotation(project, annotator):
    document = make_document(project, title="Council budget", text=TEXT)
    return make_annotation(document, user=annotator, sentence_index=0, rationale="First take")


def drag_select(page, index, start, end):
    """Select the characters [start, end) of sentence `index` with a real mouse drag."""
    box = page.evaluate(
        """([index, from, to]) => {
            const text = document.querySelector(`#s-${index} .st`).firstChild;
            const range = document.createRange();
            range.setStart(text, from); range.setEnd(text, from + 1);
            const a = range.getBoundingClientRect();
            range.setStart(text, to - 1); range.setEnd(text, to);
            const b = range.getBoundingClientRect();
            return [a.left + 1, a.top + a.height / 2, b.right - 1, b.top + b.height / 2];
        }""",
        [index, start, end],
    )
    page.mouse.move(box[0], box[1])
    page.mouse.down()
    page.mouse.move(box[2], box[3], steps=8)
    page.mouse.up()


def test_a_saved_annotations_span_changes_with_a_mouse_selection_and_resets_to_the_sentence(
    page, annotator, annotation
):
    start = TEXT.index(BUDGET)
    log_in(page, annotator)
    open_workspace(page, annotation.document, f"#a-{annotation.pk}")
    expect(page.locator("#editor-span")).to_have_text("Whole sentence")

    drag_select(page, 0, start, start + len(BUDGET))
    expect(page.locator("#editor-title")).to_have_text("Your annotation")  # no new draft
    page.get_by_role("button", name="Use selected text as span").click()
    expect(page.locator("#editor-span")).to_have_text(
        f"Whole sentenceNew span, unsaved: Span: {BUDGET}"
    )
    expect(page.locator("#s-0 mark.draft")).to_have_text(BUDGET)
    expect(page.locator("#save-status")).to_contain_text("Unsaved changes")
    page.keyboard.press("Enter")
    expect(page.locator("#save-status")).to_contain_text("Saved")
    expect(page.locator(f'#s-0 mark[data-annotation="{annotation.pk}"]')).to_have_text(BUDGET)

    annotation.refresh_from_db()
    assert (annotation.start, annotation.end, annotation.quote) == (
        start,
        start + len(BUDGET),
        BUDGET,
    )
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-ready", "1")
    expect(page.locator("#editor-span")).to_have_text(f"Span: {BUDGET}")
    expect(page.locator(f'#s-0 mark[data-annotation="{annotation.pk}"]')).to_have_text(BUDGET)

    page.get_by_role("button", name="Whole sentence").click()
    expect(page.locator("#editor-span")).to_contain_text("New span, unsaved: Whole sentence")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#save-status")).to_contain_text("Saved")
    expect(page.locator("#editor-span")).to_have_text("Whole sentence")
    expect(page.locator("#s-0 mark")).to_have_count(0)
    annotation.refresh_from_db()
    sentence = annotation.sentence
    assert (annotation.start, annotation.end) == (sentence.start, sentence.end)


def test_a_selection_in_another_sentence_is_refused_as_the_span(page, annotator, annotation):
    log_in(page, annotator)
    open_workspace(page, annotation.document, f"#a-{annotation.pk}")
    # A keyboard-made selection in sentence 2 (no mouseup, so the open annotation stays).
    page.evaluate(
        """() => {
            const text = document.querySelector('#s-1 .st').firstChild;
            const range = document.createRange();
            range.setStart(text, 0); range.setEnd(text, 16);
            getSelection().removeAllRanges(); getSelection().addRange(range);
        }"""
    )
    page.keyboard.press("S")
    expect(page.locator("#save-status")).to_contain_text(
        "Not used: the selection is in sentence 2; "
        "a span must lie inside this annotation's sentence (1)."
    )
    expect(page.locator("#editor-span")).to_have_text("Whole sentence")
    expect(page.locator("#s-1 mark")).to_have_count(0)


def test_an_expired_session_keeps_the_edit_and_the_retry_saves_after_signing_in_again(
    page, annotator, annotation
):
    log_in(page, annotator)
    open_workspace(page, annotation.document, f"#a-{annotation.pk}")
    page.get_by_label("Rationale").fill("Written while the session ended")
    page.context.clear_cookies()
    page.get_by_role("button", name="Save").click()

    notice = page.locator("#signed-out")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("You are signed out")
    link = notice.get_by_role("link", name="sign in again (opens in a new tab)")
    expect(link).to_have_attribute(
        "href", f"/accounts/login/?next=/documents/{annotation.document.pk}/annotate/"
    )
    expect(page.locator("#save-status")).to_contain_text("Save failed: you are signed out")
    expect(page.locator("#live-offline")).to_be_hidden()
    expect(page.get_by_label("Rationale")).to_have_value("Written while the session ended")

    with page.context.expect_page() as opened:
        link.click()
    login = opened.value
    login.get_by_label("Username").fill(annotator.username)
    login.get_by_label("Password").fill(PASSWORD)
    login.get_by_role("button", name="Log in").click()
    expect(login).to_have_url(f"/documents/{annotation.document.pk}/annotate/")
    login.close()

    page.get_by_role("button", name="Save").click()
    expect(page.locator("#save-status")).to_contain_text("Saved")
    expect(notice).to_be_hidden()
    annotation.refresh_from_db()
    assert annotation.rationale == "Written while the session ended"


def test_live_refresh_notices_the_ended_session_and_resumes_after_a_successful_save(
    new_page, settings, annotator, reviewer, annotation
):
    settings.FACTCHECK_LIVE_REFRESH_SECONDS = 0.5
    page = new_page()
    log_in(page, annotator)
    open_workspace(page, annotation.document, f"#a-{annotation.pk}")
    page.get_by_label("Rationale").fill("Kept through the sign-out")
    page.context.clear_cookies()

    expect(page.locator("#signed-out")).to_be_visible(timeout=15_000)  # seen by a poll
    expect(page.locator("#live-offline")).to_be_hidden()
    expect(page.get_by_label("Rationale")).to_have_value("Kept through the sign-out")

    other = page.context.new_page()
    log_in(other, annotator)
    other.close()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#save-status")).to_contain_text("Saved")
    expect(page.locator("#signed-out")).to_be_hidden()

    rita = new_page()
    log_in(rita, reviewer)
    open_workspace(rita, annotation.document, "#s-1")
    rita.keyboard.press("1")
    rita.keyboard.press("Enter")
    expect(rita.locator("#save-status")).to_contain_text("Saved")
    expect(page.locator("#s-1 .badge.other")).to_have_text("1 ? rita", timeout=15_000)
