"""Signing in: a token for scripts, the session (with CSRF) for the browser."""

from rest_framework.test import APIClient

TOKEN_URL = "/api/v1/auth/token/"
PASSWORD = "pw-for-tests-123"  # tests.factories.UserFactory's


def test_token_login_returns_a_token_that_authenticates(annotator, document):
    response = APIClient().post(
        TOKEN_URL, {"username": "anna", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    token = response.json()["token"]
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/documents/").json()["count"] == 1


def test_wrong_password_answers_400_without_a_token(annotator):
    response = APIClient().post(TOKEN_URL, {"username": "anna", "password": "nope"}, format="json")

    assert response.status_code == 400
    assert "token" not in response.json()


def test_bad_token_answers_401(db):
    response = APIClient(HTTP_AUTHORIZATION="Token not-a-real-token").get("/api/v1/projects/")

    assert response.status_code == 401


def test_session_writes_need_the_csrf_token(annotator, document):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(annotator)
    body = {
        "sentence": document.sentences.first().pk,
        "claim_type": document.project.claim_types.first().pk,
    }

    refused = client.post("/api/v1/annotations/", body, format="json")
    # What the browser page does: echo the csrftoken cookie in the X-CSRFToken header.
    secret = "k" * 32
    client.cookies["csrftoken"] = secret
    accepted = client.post("/api/v1/annotations/", body, format="json", HTTP_X_CSRFTOKEN=secret)

    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert accepted.status_code == 201
    assert client.get("/api/v1/annotations/").status_code == 200  # reads need no token


def test_token_requests_need_no_csrf_token(annotator, document):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=annotator)
    client = APIClient(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Token {token.key}")

    response = client.post(
        "/api/v1/annotations/",
        {
            "sentence": document.sentences.first().pk,
            "claim_type": document.project.claim_types.first().pk,
        },
        format="json",
    )

    assert response.status_code == 201
