"""Warming a new server process up before it takes its first request.

A gunicorn worker's first annotation page took twice as long as its second (60 ms against
25), and its first document data five times as long: templates compiled on first use,
read statements compiled and prepared, and a new PostgreSQL backend reading the catalog of
every table it touched. Each worker pays that once after every start; with five workers a
quarter of the first twenty page views were slow ones.

``warm_up`` does that work while the worker boots (``gunicorn.conf.py``). It reads only,
through the functions the pages and the API use, as stand-in users who are members of no
project and for ids no row has: it sees no data and writes none.
"""

from contextlib import suppress
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import get_template
from django.urls import get_resolver
from rest_framework.exceptions import AuthenticationFailed

from annotations import representation, selectors_pages
from annotations.api.authentication import TokenAuthentication
from annotations.models import Document

# The pages reviewers open most, compiled by the cached template loader on first use.
TEMPLATES = (
    "annotations/workspace.html",
    "annotations/project_detail.html",
    "annotations/home.html",
)
NO_ROW = -1  # ids start at 1


def stand_in_users() -> list:
    """A superuser and a member of no project: the shapes the scoped statements take (and
    staff, whose pages link to the admin: its URLs are built on first use)."""
    User = get_user_model()
    return [
        User(pk=NO_ROW, is_active=True, is_staff=True, is_superuser=True),
        User(pk=NO_ROW, is_active=True),
    ]


def first_page(rows):
    """What the API's paginator does with a document's annotations: the first page."""
    return rows[:1]


def warm_up() -> None:
    """Compile the hot templates, build the URL resolver, run the hot reads once."""
    for name in TEMPLATES:
        get_template(name)
    get_resolver().reverse_dict  # noqa: B018 - built on first access
    staticfiles_storage.base_url  # noqa: B018 - reads the manifest of hashed names
    import_module(settings.SESSION_ENGINE).SessionStore().exists("warm-up: no session")
    with suppress(AuthenticationFailed):
        TokenAuthentication().authenticate_credentials("warm-up: no token has this key")
    document = Document(pk=NO_ROW, project_id=NO_ROW)
    for user in stand_in_users():
        representation.document_detail(user, NO_ROW)
        representation.document_annotations(user, NO_ROW)  # the workspace's: all of them
        representation.document_annotations(user, NO_ROW, page=first_page)  # the API's
        selectors_pages.paragraphs(document)
        selectors_pages.workspace_data(user, document, role=None, sentence_count=0)
