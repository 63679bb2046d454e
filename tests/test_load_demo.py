import io
import re

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from annotations.models import (
    Annotation,
    Document,
    Membership,
    Project,
    ReviewState,
    Role,
    Source,
)


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def printed_passwords(output: str) -> dict[str, str]:
    return dict(re.findall(r"^\s+(\w+)\s+password (\S+)", output, flags=re.MULTILINE))


@pytest.fixture
def demo_output(db):
    return load_demo()


def test_demo_project_has_the_story_split_into_sentences(demo_output):
    project = Project.objects.get(slug="demo")
    assert project.name == "Demo newsroom"
    document = Document.objects.get(project=project)
    assert document.publisher == "KCTV/AP"
    assert document.text.startswith("KANSAS CITY, MO (KCTV/AP) --")
    assert document.sentences.count() > 50
    assert project.claim_types.filter(slug="law-policy").exists()


def test_demo_accounts_have_their_roles_and_admin_access(demo_output):
    roles = dict(
        Membership.objects.filter(project__slug="demo").values_list("user__username", "role")
    )
    assert roles == {"owner": Role.OWNER, "reviewer": Role.REVIEWER, "annotator": Role.ANNOTATOR}
    users = {u.username: u for u in get_user_model().objects.all()}
    assert users["owner"].is_superuser and users["owner"].is_staff
    assert users["reviewer"].is_staff and not users["reviewer"].is_superuser
    assert not users["annotator"].is_staff


def test_printed_passwords_log_in(demo_output):
    passwords = printed_passwords(demo_output)
    assert set(passwords) == {"owner", "reviewer", "annotator"}
    for username, password in passwords.items():
        assert authenticate(username=username, password=password).username == username
    assert "http://" in demo_output and "/admin/" in demo_output


def test_demo_annotations_show_real_review_work(demo_output):
    annotations = Annotation.objects.filter(project__slug="demo")
    assert 6 <= annotations.count() <= 8
    slugs = {a.claim_type.slug for a in annotations}
    assert slugs >= {"quote", "statistic", "law-policy", "event"}
    assert len({a.verification_status for a in annotations}) >= 5
    approved = annotations.get(review_state=ReviewState.APPROVED)
    assert approved.reviewed_by.username == "reviewer"
    returned = annotations.get(review_state=ReviewState.CHANGES_REQUESTED)
    assert returned.review_comment
    assert Source.objects.filter(annotation__project__slug="demo").count() >= 5
    for annotation in annotations:
        assert annotation.quote == annotation.document.text[annotation.start : annotation.end]
        assert annotation.history.exists()
    assert not Source.objects.exclude(url__startswith="https://").exists()


def test_running_twice_creates_nothing_new_and_resets_passwords(demo_output):
    counts = (Project.objects.count(), Document.objects.count(), Annotation.objects.count())
    sources = Source.objects.count()
    second = load_demo()
    assert (Project.objects.count(), Document.objects.count(), Annotation.objects.count()) == counts
    assert Source.objects.count() == sources
    assert get_user_model().objects.count() == 3
    assert "(0 new)" in second
    passwords = printed_passwords(second)
    assert passwords != printed_passwords(demo_output)
    assert authenticate(username="owner", password=passwords["owner"]) is not None
