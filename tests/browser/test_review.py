"""Two people on one document: conflicting edits, and a reviewer's approval."""

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation
from tests.browser.helpers import log_in, open_workspace, shot
from tests.factories import make_annotation, make_document

pytestmark = pytest.mark.browser


@pytest.fixture
def annotation(project, annotator):
    document = make_document(project, title="Council budget")
    return make_annotation(document, user=annotator, sentence_index=1, rationale="First take")


def test_a_stale_edit_shows_both_versions_and_overwrites_only_when_asked(
    new_page, annotator, reviewer, annotation
):
    anna, rita = new_page(), new_page()
    for page, user in ((anna, annotator), (rita, reviewer)):
        log_in(page, user)
        open_workspace(page, annotation.document, f"#a-{annotation.pk}")
        expect(page.get_by_label("Rationale")).to_have_value("First take")

    rita.get_by_label("Rationale").fill("Rita's correction")
    rita.get_by_label("Verification status").select_option("false")
    rita.get_by_role("button", name="Save").click()
    expect(rita.locator("#save-status")).to_contain_text("Saved")

    anna.get_by_label("Rationale").fill("Anna's rewrite")
    anna.get_by_role("button", name="Save").click()
    conflict = anna.get_by_role("alert").filter(has_text="Someone else changed this annotation")
    expect(conflict).to_be_visible()
    expect(conflict.locator("tr.differs")).to_have_count(2)  # rationale and status
    expect(conflict).to_contain_text("Anna's rewrite")
    expect(conflict).to_contain_text("Rita's correction")
    expect(anna.locator("#save-status")).to_contain_text("Not saved")
    shot(anna, "conflict")
    annotation.refresh_from_db()
    assert annotation.rationale == "Rita's correction"

    anna.get_by_role("button", name="Overwrite with mine").click()
    expect(anna.locator("#save-status")).to_contain_text("Saved")
    expect(conflict).to_be_hidden()
    annotation.refresh_from_db()
    assert (annotation.rationale, annotation.verification_status) == (
        "Anna's rewrite",
        "unverified",
    )
    assert annotation.version == 3

    # The other way out: take the server's version and drop one's own edit.
    rita.get_by_label("Rationale").fill("Rita again")
    rita.get_by_role("button", name="Save").click()
    expect(rita.get_by_role("button", name="Reload theirs")).to_be_visible()
    rita.get_by_role("button", name="Reload theirs").click()
    expect(rita.get_by_label("Rationale")).to_have_value("Anna's rewrite")
    expect(rita.locator("#save-status")).to_contain_text("Loaded the current version 3")
    annotation.refresh_from_db()
    assert annotation.rationale == "Anna's rewrite"


def test_a_reviewer_approves_and_requests_changes(page, reviewer, annotation):
    log_in(page, reviewer)
    open_workspace(page, annotation.document, f"#a-{annotation.pk}")
    expect(page.locator("#review-state")).to_have_text("Pending review")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("#save-status")).to_have_text("Approved ✓")
    expect(page.locator("#review-state")).to_have_text("Approved by rita")
    expect(page.locator("#s-1 .badge.approved")).to_be_visible()
    expect(page.locator("#progress")).to_contain_text("Approved 1 of 1 claims")
    shot(page, "approved")
    annotation.refresh_from_db()
    assert (annotation.review_state, annotation.reviewed_by) == ("approved", reviewer)

    page.get_by_label("Review comment").fill("Add the police source")
    page.keyboard.press("Escape")
    page.keyboard.press("R")
    expect(page.locator("#review-state")).to_contain_text("Changes requested by rita")
    annotation.refresh_from_db()
    assert annotation.review_state == "changes_requested"
    assert annotation.review_comment == "Add the police source"


def test_annotators_see_no_review_buttons(page, annotator, annotation):
    log_in(page, annotator)
    open_workspace(page, annotation.document, f"#a-{annotation.pk}")
    expect(page.get_by_label("Rationale")).to_have_value("First take")
    expect(page.get_by_role("button", name="Approve")).to_be_hidden()
    page.keyboard.press("A")
    expect(page.locator("#review-state")).to_be_hidden()
    assert Annotation.objects.get().review_state == "pending"
