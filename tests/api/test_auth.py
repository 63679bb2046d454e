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


def test_a_token_authenticates_its_user_as_the_orm_reads_them(annotator):
    """The token and user come from one plain query, typed as the ORM types them."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from annotations.api.authentication import TokenAuthentication

    annotator.last_login = annotator.date_joined
    annotator.save()
    token = Token.objects.create(user=annotator)

    user, found = TokenAuthentication().authenticate_credentials(token.key)

    stored = get_user_model().objects.get(pk=annotator.pk)
    fields = [f.attname for f in stored._meta.concrete_fields]
    assert [getattr(user, name) for name in fields] == [getattr(stored, name) for name in fields]
    assert user.last_login.tzinfo is not None and user.is_active is True
    assert (found.key, found.user_id, found.created) == (token.key, token.user_id, token.created)


def test_an_inactive_users_token_answers_401(annotator):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=annotator)
    annotator.is_active = False
    annotator.save()

    response = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}").get("/api/v1/projects/")

    assert response.status_code == 401
    assert response.json() == {"detail": "User inactive or deleted."}
