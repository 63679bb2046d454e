"""A reviewer's day in the workspace: keyboard, mouse spans, sources, status, saving."""

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation
from tests.browser.helpers import SELECTED, log_in, open_workspace, shot
from tests.factories import make_annotation, make_document

pytestmark = pytest.mark.browser

TEXT = (
    "The council approved a $2.5 million budget on Monday. "
    "Mayor Jane Smith said crime fell by 10% last year.\n\n"
    "Critics disagreed with the mayor. They said the figures were wrong."
)


@pytest.fixture
def story(project):
    return make_document(project, title="Council budget", text=TEXT, publisher="AP")


def test_logging_in_shows_the_projects_and_who_is_logged_in(page, annotator, project, story):
    page.goto("/")
    expect(page).to_have_url("/accounts/login/?next=/")
    page.get_by_label("Username").fill("anna")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("enter a correct username and password")
    shot(page, "login-error")
    log_in(page, annotator)
    expect(page.get_by_role("link", name=project.name)).to_be_visible()
    shot(page, "projects")
    page.get_by_role("link", name=project.name).click()
    expect(page.get_by_role("link", name="Council budget")).to_be_visible()
    shot(page, "documents")
    page.get_by_role("link", name="Council budget").click()
    expect(page.locator("body")).to_have_attribute("data-ready", "1")
    expect(page.locator("#progress")).to_have_text(
        "Annotated 0 of 4 sentences · Verified 0 of 0 claims · Approved 0 of 0 claims"
    )


def test_annotating_a_sentence_entirely_from_the_keyboard_with_two_sources(page, annotator, story):
    log_in(page, annotator)
    open_workspace(page, story)
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(page.locator("#s-1")).to_have_class(SELECTED)
    expect(page.locator("#s-1")).to_be_focused()
    page.keyboard.press("1")  # Statistic / quantity
    expect(page.locator("#editor-title")).to_have_text("New annotation")
    expect(page.get_by_role("radio", name="Statistic / quantity")).to_be_checked()

    page.keyboard.press("v")
    expect(page.locator("#f-status")).to_be_focused()
    page.keyboard.press("ArrowDown")  # Unverified → In progress
    page.keyboard.press("ArrowDown")  # → True
    expect(page.locator("#f-status")).to_have_value("true")
    page.keyboard.press("Escape")  # leave the field, keep the draft
    expect(page.locator("#s-1")).to_be_focused()
    page.keyboard.press("r")
    page.keyboard.type("Police figures show a 9.8% fall.")

    page.keyboard.press("Escape")
    expect(page.locator("#s-1")).to_be_focused()
    expect(page.locator("#editor-title")).to_have_text("New annotation")
    page.keyboard.press("s")
    page.keyboard.type("https://example.org/police-report")
    page.keyboard.press("Tab")
    page.keyboard.type("Police annual report")
    page.keyboard.press("Tab")
    page.keyboard.type("KCPD")
    page.keyboard.press("Escape")
    page.keyboard.press("s")
    page.keyboard.type("https://example.org/fact-sheet")
    page.keyboard.press("Tab")
    page.keyboard.type("City fact sheet")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # stance: supports → refutes
    page.keyboard.press("Control+s")

    expect(page.locator("#save-status")).to_contain_text("Saved")
    expect(page.locator("#s-1")).to_be_focused()  # ready for the next sentence
    expect(page.locator("#s-1 .badge")).to_have_text("1 ✓")
    expect(page.locator("#progress")).to_contain_text("Annotated 1 of 4 sentences")
    shot(page, "keyboard-saved")

    annotation = Annotation.objects.get()
    assert (annotation.annotator, annotation.claim_type.slug) == (annotator, "statistic")
    assert annotation.verification_status == "true"
    assert annotation.quote == "Mayor Jane Smith said crime fell by 10% last year."
    assert annotation.rationale == "Police figures show a 9.8% fall."
    assert [(s.url, s.title, s.publisher, s.stance) for s in annotation.sources.all()] == [
        ("https://example.org/police-report", "Police annual report", "KCPD", "supports"),
        ("https://example.org/fact-sheet", "City fact sheet", "", "refutes"),
    ]

    page.reload()
    expect(page.locator("body")).to_have_attribute("data-ready", "1")
    expect(page).to_have_url(f"/documents/{story.pk}/annotate/#a-{annotation.pk}")
    expect(page.locator("#s-1")).to_have_class(SELECTED)
    expect(page.get_by_role("radio", name="Statistic / quantity")).to_be_checked()
    expect(page.locator("#f-status")).to_have_value("true")
    expect(page.locator("#f-rationale")).to_have_value("Police figures show a 9.8% fall.")
    expect(page.get_by_label("URL")).to_have_count(2)
    expect(page.get_by_label("URL").nth(1)).to_have_value("https://example.org/fact-sheet")
    expect(page.get_by_label("Stance").nth(1)).to_have_value("refutes")


def test_changing_the_verification_status_of_an_annotation(page, annotator, story):
    annotation = make_annotation(story, user=annotator, sentence_index=2)
    log_in(page, annotator)
    open_workspace(page, story, f"#a-{annotation.pk}")
    expect(page.locator("#s-2")).to_have_class(SELECTED)
    expect(page.locator("#s-2 .badge")).to_have_text("1 ?")
    page.get_by_label("Verification status").select_option("mostly_false")
    expect(page.locator("#save-status")).to_contain_text("Unsaved changes")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#save-status")).to_contain_text("Saved")
    expect(page.locator("#s-2 .badge")).to_have_text("1 ✗~")
    annotation.refresh_from_db()
    assert (annotation.verification_status, annotation.version) == ("mostly_false", 2)


def test_annotating_a_span_selected_with_the_mouse(page, annotator, story):
    sentence = story.sentences.get(index=0)
    start = TEXT.index("$2.5 million budget")
    end = start + len("$2.5 million budget")
    log_in(page, annotator)
    open_workspace(page, story)
    box = page.evaluate(
        """([from, to]) => {
            const text = document.querySelector('#s-0 .st').firstChild;
            const range = document.createRange();
            range.setStart(text, from); range.setEnd(text, from + 1);
            const a = range.getBoundingClientRect();
            range.setStart(text, to - 1); range.setEnd(text, to);
            const b = range.getBoundingClientRect();
            return [a.left + 1, a.top + a.height / 2, b.right - 1, b.top + b.height / 2];
        }""",
        [start - sentence.start, end - sentence.start],
    )
    page.mouse.move(box[0], box[1])
    page.mouse.down()
    page.mouse.move(box[2], box[3], steps=8)
    page.mouse.up()

    expect(page.locator("#s-0")).to_have_class(SELECTED)
    expect(page.locator("#editor-span")).to_have_text("Span: $2.5 million budget")
    expect(page.locator("#s-0 mark.draft")).to_have_text("$2.5 million budget")
    page.keyboard.press("1")
    page.keyboard.press("Enter")
    expect(page.locator("#save-status")).to_contain_text("Saved")
    expect(page.locator("#s-0 mark")).to_have_text("$2.5 million budget")
    shot(page, "span-saved")

    annotation = Annotation.objects.get()
    assert (annotation.start, annotation.end) == (start, end)
    assert annotation.quote == "$2.5 million budget"


def test_unsaved_changes_are_not_dropped_when_moving_to_another_sentence(page, annotator, story):
    make_annotation(story, user=annotator, sentence_index=0)
    log_in(page, annotator)
    open_workspace(page, story, "#s-0")
    page.get_by_label("Rationale").fill("Half-written thought")
    dialogs = []

    def refuse(dialog):
        dialogs.append((dialog.type, dialog.message))
        dialog.dismiss()

    page.on("dialog", refuse)
    page.locator("#s-3").click()
    expect(page.locator("#s-0")).to_have_class(SELECTED)
    expect(page.get_by_label("Rationale")).to_have_value("Half-written thought")
    assert dialogs == [("confirm", "You have unsaved changes to this annotation. Discard them?")]
    with page.expect_event("dialog"):
        page.close(run_before_unload=True)  # leaving the page asks too
    assert dialogs[-1][0] == "beforeunload"
    assert not page.is_closed()
    page.get_by_label("Rationale").press("Escape")  # leaves the field…
    page.keyboard.press("Escape")  # …and then cancels the edit
    expect(page.get_by_label("Rationale")).to_have_value("")
    page.locator("#s-3").click()
    expect(page.locator("#s-3")).to_have_class(SELECTED)
    assert len(dialogs) == 2  # no question once nothing is unsaved


def test_filters_navigation_help_and_deep_links(page, annotator, reviewer, story):
    mine = make_annotation(story, user=annotator, sentence_index=1)
    theirs = make_annotation(story, user=reviewer, sentence_index=3, verification_status="true")
    log_in(page, annotator)
    open_workspace(page, story, f"#a-{theirs.pk}")
    expect(page.locator("#s-3")).to_have_class(SELECTED)
    expect(page.locator("#s-3 .badge.other")).to_have_text("1 ✓ rita")
    expect(page.locator("#s-1 .badge.mine")).to_have_text("1 ?")
    expect(page.locator("#editor-meta")).to_contain_text("Read only")

    page.keyboard.press("p")  # previous unannotated sentence
    expect(page.locator("#s-2")).to_have_class(SELECTED)
    page.keyboard.press("p")
    expect(page.locator("#s-0")).to_have_class(SELECTED)
    page.keyboard.press("n")
    expect(page.locator("#s-2")).to_have_class(SELECTED)

    page.get_by_label("claims").check()
    expect(page.locator("#s-0")).to_be_hidden()
    page.keyboard.press("j")
    expect(page.locator("#s-3")).to_have_class(SELECTED)
    page.get_by_label("mine").check()
    expect(page.locator("#s-3")).to_be_hidden()
    expect(page.locator("#s-1")).to_be_visible()
    page.get_by_label("mine").uncheck()
    page.get_by_label("claims").uncheck()

    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    shot(page, "help")
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_hidden()

    page.evaluate(f"location.hash = '#a-{mine.pk}'")
    expect(page.locator("#s-1")).to_have_class(SELECTED)
    page.evaluate("location.hash = '#s-2'")
    expect(page.locator("#s-2")).to_have_class(SELECTED)
    assert page.errors == []


def test_deleting_an_annotation_asks_first(page, annotator, story):
    annotation = make_annotation(story, user=annotator, sentence_index=0)
    log_in(page, annotator)
    open_workspace(page, story, f"#a-{annotation.pk}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete…").click()
    expect(page.locator("#save-status")).to_have_text("Annotation deleted.")
    expect(page.locator("#s-0 .badge")).to_have_count(0)
    assert not Annotation.objects.exists()
