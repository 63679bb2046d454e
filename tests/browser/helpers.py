"""Steps the browser tests share: log in, open the workspace, keep a screenshot."""

import re
from pathlib import Path

from playwright.sync_api import expect

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "pw-for-tests-123"
SELECTED = re.compile(r"(^|\s)selected(\s|$)")


def log_in(page, user, next_path: str = "/"):
    page.goto(f"/accounts/login/?next={next_path}")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text(f"Signed in as {user.username}")).to_be_visible()


def open_workspace(page, document, fragment: str = ""):
    page.goto(f"/documents/{document.pk}/annotate/{fragment}")
    expect(page.locator("body")).to_have_attribute("data-ready", "1")


def shot(page, name: str, full_page: bool = False):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)
