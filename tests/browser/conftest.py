"""Real Chromium (Debian's, at /usr/bin/chromium) driven by Playwright against ``live_server``.

Playwright's sync API runs an event loop in the test thread, and Django refuses database
access from a thread with a running loop unless ``DJANGO_ALLOW_ASYNC_UNSAFE`` says it is
safe: here it is, because the test thread only sets up data while the browser waits. The
variable is set only while a browser is open, so the rest of the suite keeps the check.
"""

import os
import threading
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started
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


class RequestsInFlight:
    """The live server's requests that have started and not finished.

    A closed page leaves the request it was waiting for (a live-refresh poll, every half
    second) running in the server's thread: the flush that ends the test then truncated
    the tables under that request's reads, and PostgreSQL broke the deadlock by failing
    the flush.
    """

    def __init__(self):
        self.count = 0
        self.changed = threading.Condition()

    @staticmethod
    def _served():
        """The live server answers in threads of its own; the test's own client does not."""
        return threading.current_thread() is not threading.main_thread()

    def started(self, **kwargs):
        if self._served():
            with self.changed:
                self.count += 1

    def finished(self, **kwargs):
        if self._served():
            with self.changed:
                self.count -= 1
                self.changed.notify_all()

    def wait_until_none(self, timeout: float = 10.0) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.count <= 0, timeout)


@pytest.fixture
def new_page(browser, live_server):
    """Open a fresh browser context (its own cookies) and return its page. At the end the
    pages close and their last requests finish before the test's data is flushed."""
    contexts = []
    in_flight = RequestsInFlight()
    request_started.connect(in_flight.started)
    request_finished.connect(in_flight.finished)

    def _new_page():
        context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield _new_page
    try:
        for context in contexts:
            context.close()
        assert in_flight.wait_until_none(), "the live server is still answering a closed page"
    finally:
        request_started.disconnect(in_flight.started)
        request_finished.disconnect(in_flight.finished)


@pytest.fixture
def page(new_page):
    return new_page()
