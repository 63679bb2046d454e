"""An owner hands a document out on the project page; the annotator works through it from
My queue to "Mark done", the last step from the keyboard."""

import pytest
from playwright.sync_api import expect

from annotations.models import Assignment, AssignmentState
from tests.browser.helpers import log_in, open_workspace, shot
from tests.factories import make_document

pytestmark = pytest.mark.browser

TEXT = "The council approved a $2.5 million budget on Monday. Critics said it was too small."


def test_assign_annotate_and_mark_done_from_the_keyboard(new_page, owner, annotator, project):
    story = make_document(project, title="Council budget", text=TEXT)
    make_document(project, title="Unrelated story", text="Nothing to see here today.")

    desk = new_page()
    log_in(desk, owner, f"/projects/{project.pk}/")
    desk.get_by_label("Select “Council budget”").check()
    desk.get_by_label("Assign to", exact=True).select_option(label="anna")
    desk.get_by_label("Due on").fill("2030-05-01")
    desk.get_by_role("button", name="Assign", exact=True).click()
    expect(desk.get_by_text("Assigned 1 document to anna.")).to_be_visible()
    budget_row = desk.get_by_role("row", name="Council budget")
    expect(budget_row.locator("td.assignees")).to_have_text("anna (assigned, due 1 May)")
    shot(desk, "assign-project-page")

    page = new_page()
    log_in(page, annotator)
    queue = page.get_by_role("table", name="Documents assigned to you")
    row = queue.get_by_role("row", name="Council budget")
    expect(row).to_contain_text("Assigned")
    expect(row).to_contain_text("1 May 2030")
    shot(page, "my-queue")
    row.get_by_role("link", name="Council budget").click()
    expect(page.locator("body")).to_have_attribute("data-ready", "1")
    expect(page.locator("#assignment-state")).to_have_text("Assigned")

    page.keyboard.press("j")
    page.keyboard.press("1")
    page.keyboard.press("Enter")
    expect(page.locator("#save-status")).to_contain_text("Saved")
    expect(page.locator("#assignment-state")).to_have_text("In progress")
    assert Assignment.objects.get(document=story).state == AssignmentState.IN_PROGRESS

    # From the text, Shift+Tab walks back through the page head to the button.
    button = page.locator("#btn-mark-done")
    for _ in range(12):
        if button.evaluate("node => node === document.activeElement"):
            break
        page.keyboard.press("Shift+Tab")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#assignment-status")).to_have_text("Marked done.")
    expect(page.locator("#assignment-state")).to_have_text("Done")
    expect(button).to_have_text("Reopen")
    expect(button).to_be_focused()
    shot(page, "workspace-marked-done")
    assert Assignment.objects.get(document=story).state == AssignmentState.DONE

    page.goto("/")
    expect(queue.get_by_role("row", name="Council budget")).to_contain_text("Done")
    open_workspace(page, story)
    expect(page.locator("#btn-mark-done")).to_have_text("Reopen")
    assert page.errors == []
