"""Real Chromium (Debian's, at /usr/bin/chromium) driven by Playwright against ``live_server``.

Playwright's sync API runs an event loop in the test thread, and Django refuses database
access from a thread with a running loop unless ``DJANGO_ALLOW_ASYNC_UNSAFE`` says it is
safe: here it is, because the test thread only sets up data while the browser waits. The
variable is set only while a browser is open, so the rest of the suite keeps the check.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1366, "height": 768}

expect.set_options(timeout=10_000)


@pytest.fixture(autouse=True)
def _browser_tests_use_transactions(transactional_db):
    """The live server runs in another thread: data must be committed to be seen."""


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; run `make chromium`.")
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open a fresh browser context (its own cookies) and return its page."""
    contexts = []

    def _new_page():
        context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
