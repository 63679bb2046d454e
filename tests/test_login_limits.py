"""Failed sign-ins are limited per client address and per username, on every way in.

These run in one process against the configured cache (the database's in tests);
``test_login_limits_servers.py`` proves the limits hold across server processes.
"""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from rest_framework.test import APIClient

from annotations import messages
from annotations.rate_limits import Rate
from tests.factories import UserFactory

PASSWORD = "pw-for-tests-123"  # tests.factories.UserFactory's
TOKEN_URL = "/api/v1/auth/token/"
LIMIT = 3


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.FACTCHECK_LOGIN_RATE = f"{LIMIT}/min"


def token_login(username, password, address="198.51.100.7", **headers):
    return APIClient(REMOTE_ADDR=address, **headers).post(
        TOKEN_URL, {"username": username, "password": password}, format="json"
    )


def page_login(client, username, password, url=None):
    return client.post(url or reverse("login"), {"username": username, "password": password})


def test_token_login_answers_429_with_retry_after_beyond_the_failed_attempts(annotator):
    failed = [token_login("anna", "wrong") for _ in range(LIMIT)]

    refused = token_login("anna", "wrong")

    assert [response.status_code for response in failed] == [400] * LIMIT
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith(messages.TOO_MANY_LOGIN_ATTEMPTS)
    assert 0 < int(refused["Retry-After"]) <= 60


def test_the_right_password_is_refused_too_while_the_limit_holds(annotator):
    for _ in range(LIMIT):
        token_login("anna", "wrong")

    response = token_login("anna", PASSWORD)

    assert response.status_code == 429
    assert "token" not in response.json()


def test_the_username_limit_holds_from_every_address(annotator):
    for n in range(LIMIT):
        token_login("anna", "wrong", address=f"203.0.113.{n}")

    elsewhere = token_login("anna", PASSWORD, address="192.0.2.99")
    other_user = token_login("rita", "wrong", address="192.0.2.99")

    assert elsewhere.status_code == 429
    assert other_user.status_code == 400  # the address itself is not limited


def test_the_address_limit_holds_for_every_username(annotator, reviewer):
    for n in range(LIMIT):
        token_login(f"nobody{n}", "wrong")

    response = token_login("anna", PASSWORD)

    assert response.status_code == 429


def test_usernames_differing_in_case_share_their_limit(annotator):
    for name in ["anna", "ANNA", "Anna"]:
        token_login(name, "wrong", address=f"203.0.113.{len(name) + ord(name[1])}")

    assert token_login("aNNa", "wrong", address="192.0.2.1").status_code == 429


def test_successful_sign_ins_do_not_count(annotator):
    for _ in range(LIMIT * 2):
        assert token_login("anna", PASSWORD).status_code == 200
    for _ in range(LIMIT - 1):
        token_login("anna", "wrong")

    assert token_login("anna", PASSWORD).status_code == 200


def test_x_forwarded_for_does_not_give_a_client_a_new_address(annotator):
    for n in range(LIMIT):
        token_login(f"nobody{n}", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")

    assert token_login("rita", "wrong", HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(annotator, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    for n in range(LIMIT):
        token_login(f"nobody{n}", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.5")

    same_client = token_login("rita", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.5")
    other_client = token_login("rita", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.6")

    assert (same_client.status_code, other_client.status_code) == (429, 400)


def test_ipv6_clients_are_limited_by_their_64_bit_network(annotator):
    for n in range(LIMIT):
        token_login(f"nobody{n}", "wrong", address=f"2001:db8:1:2::{n + 1}")

    same_network = token_login("rita", "wrong", address="2001:db8:1:2:ffff::9")
    next_network = token_login("rita", "wrong", address="2001:db8:1:3::1")

    assert (same_network.status_code, next_network.status_code) == (429, 400)


def test_login_page_shows_the_limit_on_the_form_with_429(client, annotator):
    for _ in range(LIMIT):
        assert page_login(client, "anna", "wrong").status_code == 200

    response = page_login(client, "anna", PASSWORD)

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    html = response.content.decode()
    assert messages.TOO_MANY_LOGIN_ATTEMPTS in html
    assert "Try again in" in html
    assert "_auth_user_id" not in client.session


def test_login_page_still_signs_in_below_the_limit(client, annotator):
    page_login(client, "anna", "wrong")

    response = page_login(client, "anna", PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(annotator.pk)


def test_admin_login_is_limited_like_the_others(client, db):
    UserFactory(username="editor", is_staff=True)
    url = reverse("admin:login")
    for _ in range(LIMIT):
        page_login(client, "editor", "wrong", url)

    response = page_login(client, "editor", PASSWORD, url)

    assert messages.TOO_MANY_LOGIN_ATTEMPTS in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_on_the_page_count_for_the_api(client, annotator):
    for _ in range(LIMIT):
        page_login(client, "anna", "wrong")

    assert token_login("anna", PASSWORD, address="192.0.2.50").status_code == 429


@pytest.mark.parametrize(
    ("rate", "expected"),
    [("20/min", Rate(20, 60)), ("5/s", Rate(5, 1)), ("100/hour", Rate(100, 3600))],
)
def test_rates_read_like_drf_throttle_rates(rate, expected):
    assert Rate.parse(rate, setting="THROTTLE_LOGIN") == expected


@pytest.mark.parametrize("rate", ["20", "20/fortnight", "x/min", "0/min", ""])
def test_a_bad_login_rate_is_a_configuration_error(rate):
    with pytest.raises(ImproperlyConfigured, match="THROTTLE_LOGIN"):
        Rate.parse(rate, setting="THROTTLE_LOGIN")
