"""The workspace as a ``DEBUG=0`` deployment serves it: collectstatic's hashed modules,
served by WhiteNoise alone (no staticfiles finders, no test static handler)."""

import re

import pytest
from django.db import connections
from django.test.testcases import LiveServerThread
from playwright.sync_api import expect

from annotations.models import Annotation
from tests.browser.conftest import VIEWPORT
from tests.browser.helpers import log_in, open_workspace
from tests.production_static import WORKSPACE_PREFIX, collect_static, module_names

pytestmark = pytest.mark.browser

HASHED_MODULE = re.compile(rf"/static/{WORKSPACE_PREFIX}([a-z_]+)\.[0-9a-f]{{12}}\.js$")


@pytest.fixture
def production_url(tmp_path, settings):
    collect_static(settings, tmp_path / "static")
    settings.WHITENOISE_AUTOREFRESH = False
    settings.WHITENOISE_USE_FINDERS = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    in_memory = {
        conn.alias: conn
        for conn in connections.all()
        if conn.vendor == "sqlite" and conn.is_in_memory_db()
    }
    # The server's own middleware (WhiteNoise included) is built in its thread, with the
    # settings above; requests under /static/ reach WhiteNoise like in production.
    server = LiveServerThread("localhost", lambda handler: handler, connections_override=in_memory)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    yield f"http://localhost:{server.port}"
    server.terminate()


def test_hashed_modules_load_and_the_workspace_saves(browser, production_url, annotator, document):
    context = browser.new_context(viewport=VIEWPORT, base_url=production_url)
    page = context.new_page()
    errors, modules = [], {}
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda response: (
            modules.setdefault(response.url, response)
            if f"/{WORKSPACE_PREFIX}" in response.url
            else None
        ),
    )
    try:
        log_in(page, annotator)
        open_workspace(page, document)
        loaded = {url: HASHED_MODULE.search(url) for url in modules}
        assert all(loaded.values()), (
            f"unhashed module URLs: {[u for u, m in loaded.items() if not m]}"
        )
        assert sorted(f"{match[1]}.js" for match in loaded.values()) == module_names()
        for response in modules.values():
            assert response.status == 200
            assert "immutable" in response.headers["cache-control"]

        page.keyboard.press("j")
        page.keyboard.press("a")
        page.keyboard.press("Enter")
        expect(page.locator("#save-status")).to_contain_text("Saved ✓")
        assert (
            Annotation.objects.filter(sentence__document=document, annotator=annotator).count() == 1
        )
        assert errors == []
    finally:
        context.close()
