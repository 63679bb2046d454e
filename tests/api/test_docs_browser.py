"""The interactive API docs render in real Chromium under our Content-Security-Policy."""

import os
from pathlib import Path

import pytest
from django.test import Client

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_the_schema_without_csp_violations(live_server, annotator):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}; run `make chromium`."
    django_client = Client()
    django_client.force_login(annotator)
    session = django_client.cookies["sessionid"].value
    problems = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        context = browser.new_context()
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on(
            "console",
            lambda message: (
                problems.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        external = []
        page.on(
            "request",
            lambda request: (
                external.append(request.url)
                if not request.url.startswith(live_server.url)
                and not request.url.startswith("data:")
                else None
            ),
        )

        page.goto(f"{live_server.url}/api/docs/")
        page.wait_for_selector(".swagger-ui .information-container .title", timeout=15_000)
        title = page.inner_text(".swagger-ui .information-container .title")
        page.wait_for_selector("text=/api/v1/annotations/{id}/review/", timeout=15_000)
        browser.close()

    assert "Factcheck API" in title
    assert problems == []
    assert external == []
