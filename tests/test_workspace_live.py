"""The workspace page tells its script where and how often to poll, on the server's clock."""

import json
import re
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone


def live_config(client, document) -> dict:
    html = client.get(reverse("annotate", args=[document.pk])).content.decode()
    match = re.search(
        r'<script id="workspace-data" type="application/json">(.*?)</script>', html, re.S
    )
    return json.loads(match.group(1))["live"]


def test_the_page_gives_the_server_time_the_poll_interval_and_the_deletions_url(
    client, annotator, document, settings
):
    settings.FACTCHECK_LIVE_REFRESH_SECONDS = 3
    client.force_login(annotator)
    before = timezone.now()

    live = live_config(client, document)

    now = datetime.fromisoformat(live["now"].replace("Z", "+00:00"))
    assert before <= now <= timezone.now() + timedelta(seconds=1)
    assert live["interval"] == 3
    assert live["deleted_url"] == "/api/v1/annotations/deleted/"


def test_polling_every_ten_seconds_is_the_default(client, annotator, document, settings):
    del settings.FACTCHECK_LIVE_REFRESH_SECONDS
    client.force_login(annotator)

    assert live_config(client, document)["interval"] == 10
