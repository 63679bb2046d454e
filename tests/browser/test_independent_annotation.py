"""Two annotators assigned the same document in an independent project annotate it blind:
neither sees the other's marks, not even after live refresh, until they mark it done."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from annotations import services
from annotations.models import Annotation, Role
from tests.browser.helpers import log_in, open_workspace, shot
from tests.factories import UserFactory, make_document

pytestmark = pytest.mark.browser

TEXT = (
    "The council approved a $2.5 million budget on Monday. "
    "Mayor Jane Smith said crime fell by 10% last year."
)
HOUR = datetime.timedelta(hours=1)
LIVE_TIMEOUT = 15_000  # several poll intervals, for a busy machine


@pytest.fixture(autouse=True)
def _poll_fast(settings):
    settings.FACTCHECK_LIVE_REFRESH_SECONDS = 0.5


def wait_for_a_poll(page):
    """Until the workspace has asked for changes and deletions once more (and applied them)."""
    with page.expect_response(
        lambda r: "/api/v1/annotations/deleted/" in r.url, timeout=LIVE_TIMEOUT
    ):
        pass
    page.wait_for_timeout(100)


def annotate(page, sentence_presses: int, shortcut: str):
    for _ in range(sentence_presses):
        page.keyboard.press("j")
    page.keyboard.press(shortcut)
    page.keyboard.press("Enter")
    expect(page.locator("#save-status")).to_contain_text("Saved")


def test_two_annotators_work_blind_until_they_mark_done(new_page, owner, annotator, project):
    services.update_project(user=owner, project=project, independent_annotation=True)
    alex = UserFactory(username="alex")
    services.add_member(project=project, user=alex, role=Role.ANNOTATOR)
    story = make_document(project, title="Council budget", text=TEXT)
    services.assign_documents(user=owner, documents=[story], assignees=[annotator, alex])

    anna_page, alex_page = new_page(), new_page()
    for page, user in ((anna_page, annotator), (alex_page, alex)):
        log_in(page, user)
        open_workspace(page, story)
        expect(page.locator("#assignment-blind")).to_be_visible()

    annotate(anna_page, 1, "1")  # anna: the first sentence
    annotate(alex_page, 2, "2")  # alex: the second
    for page in (anna_page, alex_page):
        wait_for_a_poll(page)
        wait_for_a_poll(page)
    expect(anna_page.locator(".badge.other")).to_have_count(0)
    expect(alex_page.locator(".badge.other")).to_have_count(0)
    expect(anna_page.locator("#progress")).to_contain_text("Annotated 1 of 2 sentences")

    # Older than live refresh's overlap: only the full fetch after "Mark done" brings it.
    Annotation.objects.filter(annotator=alex).update(updated_at=timezone.now() - HOUR)
    anna_page.reload()  # the page itself leaves alex's out too
    expect(anna_page.locator("body")).to_have_attribute("data-ready", "1")
    expect(anna_page.locator(".badge.other")).to_have_count(0)
    expect(anna_page.locator("#s-0 .badge")).to_have_count(1)

    anna_page.get_by_role("button", name="Mark done").click()
    expect(anna_page.locator("#assignment-status")).to_have_text("Marked done.")
    expect(anna_page.locator("#assignment-blind")).to_be_hidden()
    expect(anna_page.locator("#s-1 .badge.other")).to_contain_text("alex", timeout=LIVE_TIMEOUT)
    expect(anna_page.locator("#progress")).to_contain_text("Annotated 2 of 2 sentences")
    shot(anna_page, "independent-after-done")

    wait_for_a_poll(alex_page)  # alex's assignment is still open: anna's stays hidden
    expect(alex_page.locator(".badge.other")).to_have_count(0)
    assert anna_page.errors == [] and alex_page.errors == []
