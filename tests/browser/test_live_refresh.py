"""Two reviewers on one document see each other's changes without reloading."""

import re

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation
from tests.browser.helpers import log_in, open_workspace, shot
from tests.factories import make_annotation, make_document

pytestmark = pytest.mark.browser

TEXT = (
    "The council approved a $2.5 million budget on Monday. "
    "Mayor Jane Smith said crime fell by 10% last year.\n\n"
    "Critics disagreed with the mayor. They said the figures were wrong."
)
LIVE_TIMEOUT = 15_000  # several poll intervals, for a busy machine


@pytest.fixture(autouse=True)
def _poll_fast(settings):
    settings.FACTCHECK_LIVE_REFRESH_SECONDS = 0.5


@pytest.fixture
def story(project):
    return make_document(project, title="Council budget", text=TEXT)


def two_reviewers(new_page, annotator, reviewer, document, fragment=""):
    anna, rita = new_page(), new_page()
    for page, user in ((anna, annotator), (rita, reviewer)):
        log_in(page, user)
        open_workspace(page, document, fragment)
    return anna, rita


def test_anothers_new_annotation_status_change_and_deletion_appear_without_reload(
    new_page, annotator, reviewer, story
):
    anna, rita = two_reviewers(new_page, annotator, reviewer, story)
    anna.keyboard.press("j")  # anna looks at the first sentence, still empty
    expect(anna.locator("#ann-list li")).to_have_count(0)

    rita.keyboard.press("j")
    rita.keyboard.press("1")  # Statistic / quantity, whole sentence
    rita.keyboard.press("Enter")
    expect(rita.locator("#save-status")).to_contain_text("Saved")

    badge = anna.locator("#s-0 .badge.other")
    expect(badge).to_have_text("1 ? rita", timeout=LIVE_TIMEOUT)
    expect(anna.locator("#progress")).to_contain_text("Annotated 1 of 4 sentences")
    expect(anna.locator("#live-status")).to_contain_text("rita added an annotation to sentence 1")
    expect(anna.locator("#ann-list li")).to_have_count(1)  # the open sentence's list too
    expect(anna.locator("#s-0")).to_be_focused()
    anna.locator("#ann-list button").click()
    expect(anna.get_by_label("Verification status")).to_have_value("unverified")

    rita.get_by_label("Verification status").select_option("false")
    rita.get_by_role("button", name="Save").click()
    expect(rita.locator("#save-status")).to_contain_text("Saved")

    expect(badge).to_have_text("1 ✗ rita", timeout=LIVE_TIMEOUT)
    expect(anna.get_by_label("Verification status")).to_have_value("false")  # clean form: refreshed
    expect(anna.locator("#editor-meta")).to_contain_text("version 2")
    expect(anna.locator("#remote-notice")).to_be_hidden()
    expect(anna.locator("#live-status")).to_contain_text(
        "Statistic / quantity on sentence 1 is now False"
    )
    expect(anna.locator("#progress")).to_contain_text("Verified 1 of 1 claims")
    shot(anna, "live-refresh-status")

    rita.get_by_role("button", name="Approve").click()
    expect(rita.locator("#save-status")).to_contain_text("Approved")

    expect(badge).to_have_class(re.compile(r"\bapproved\b"), timeout=LIVE_TIMEOUT)
    expect(anna.locator("#live-status")).to_contain_text("Approved by rita")
    expect(anna.locator("#progress")).to_contain_text("Approved 1 of 1 claims")

    rita.once("dialog", lambda dialog: dialog.accept())
    rita.get_by_role("button", name="Delete…").click()
    expect(rita.locator("#save-status")).to_contain_text("Annotation deleted")

    expect(anna.locator("#s-0 .badge")).to_have_count(0, timeout=LIVE_TIMEOUT)
    expect(anna.locator("#s-0")).not_to_have_class(re.compile(r"\bhas-a\b"))
    expect(anna.locator("#editor")).to_be_hidden()
    expect(anna.locator("#progress")).to_contain_text("Annotated 0 of 4 sentences")
    expect(anna.locator("#live-status")).to_contain_text("rita deleted an annotation on sentence 1")
    assert anna.errors == [] and rita.errors == []


def test_unsaved_edits_survive_a_remote_change_and_the_save_asks_to_choose(
    new_page, annotator, reviewer, story
):
    annotation = make_annotation(story, user=annotator, sentence_index=1, rationale="First take")
    anna, rita = two_reviewers(new_page, annotator, reviewer, story, f"#a-{annotation.pk}")
    anna.get_by_label("Rationale").fill("Anna's unsaved thoughts")

    rita.get_by_label("Verification status").select_option("mostly_true")
    rita.get_by_role("button", name="Save").click()
    expect(rita.locator("#save-status")).to_contain_text("Saved")

    notice = anna.locator("#remote-notice")
    expect(notice).to_contain_text("Changed by rita at", timeout=LIVE_TIMEOUT)
    expect(notice).to_contain_text("your save will ask you to choose")
    expect(anna.get_by_label("Rationale")).to_have_value("Anna's unsaved thoughts")
    expect(anna.get_by_label("Verification status")).to_have_value("unverified")
    expect(anna.get_by_label("Rationale")).to_be_focused()
    expect(anna.locator("#s-1 .badge")).to_have_text("1 ✓~")  # the mark shows the server's
    shot(anna, "live-refresh-notice")

    anna.get_by_role("button", name="Save").click()
    conflict = anna.get_by_role("alert").filter(has_text="Someone else changed this annotation")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Anna's unsaved thoughts")
    annotation.refresh_from_db()
    assert (annotation.rationale, annotation.verification_status) == ("First take", "mostly_true")


def test_a_deletion_under_unsaved_edits_keeps_them_as_a_new_draft(
    new_page, annotator, reviewer, story
):
    annotation = make_annotation(story, user=annotator, sentence_index=2, rationale="Keep me")
    anna, _ = two_reviewers(new_page, annotator, reviewer, story, f"#a-{annotation.pk}")
    anna.get_by_label("Rationale").fill("Keep me, improved")

    Annotation.objects.get(pk=annotation.pk).delete()  # e.g. by an owner in the admin

    expect(anna.locator("#remote-notice")).to_contain_text("Deleted by", timeout=LIVE_TIMEOUT)
    expect(anna.locator("#editor-title")).to_have_text("New annotation")
    expect(anna.get_by_label("Rationale")).to_have_value("Keep me, improved")
    expect(anna.locator("#s-2 .badge")).to_have_count(0)
    anna.get_by_role("button", name="Save").click()
    expect(anna.locator("#save-status")).to_contain_text("Saved")
    assert Annotation.objects.get(document=story).rationale == "Keep me, improved"


def test_a_lost_connection_shows_offline_and_catches_up_when_back(
    new_page, annotator, reviewer, story
):
    anna = new_page()
    log_in(anna, annotator)
    open_workspace(anna, story)
    anna.context.set_offline(True)
    expect(anna.locator("#live-offline")).to_be_visible(timeout=LIVE_TIMEOUT)
    expect(anna.locator("#live-offline")).to_have_text("offline — retrying")

    make_annotation(story, user=reviewer, sentence_index=3)
    anna.context.set_offline(False)

    expect(anna.locator("#s-3 .badge.other")).to_have_text("1 ? rita", timeout=LIVE_TIMEOUT)
    expect(anna.locator("#live-offline")).to_be_hidden()


def test_a_tab_shown_again_catches_up_at_once(page, annotator, reviewer, story, settings):
    settings.FACTCHECK_LIVE_REFRESH_SECONDS = 600  # no regular poll during this test
    log_in(page, annotator)
    open_workspace(page, story)
    set_hidden = """hidden => {
        Object.defineProperty(document, "hidden", {value: hidden, configurable: true});
        document.dispatchEvent(new Event("visibilitychange"));
    }"""
    page.evaluate(set_hidden, True)
    make_annotation(story, user=reviewer, sentence_index=2)
    expect(page.locator("#s-2 .badge")).to_have_count(0)

    page.evaluate(set_hidden, False)

    expect(page.locator("#s-2 .badge.other")).to_have_text("1 ? rita")
    expect(page.locator("#live-status")).to_contain_text("rita added an annotation to sentence 3")
