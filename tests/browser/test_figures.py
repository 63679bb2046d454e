"""The dashboard and the agreement page in Chromium, as a reviewer sees them on demo data.

The screenshots are the README's (``make`` does not copy them: see the README's
*Dashboard and agreement page* section).
"""

import random
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from annotations import services
from annotations.models import Annotation, Document, Project, Role, VerificationStatus
from tests.browser.helpers import PASSWORD, log_in, shot
from tests.factories import SAMPLE_TEXT, UserFactory, make_document

# Claim types and verdicts a second annotator gives, in turn.
SECOND_OPINIONS = [
    ("quote", VerificationStatus.TRUE),
    ("event", VerificationStatus.MIXED),
    ("law-policy", VerificationStatus.TRUE),
    ("statistic", VerificationStatus.MOSTLY_TRUE),
    ("quote", VerificationStatus.IN_PROGRESS),
    ("causal", VerificationStatus.FALSE),
]


def demo_desk():
    """``load_demo``, then a second annotator double-checking and a few weeks of work."""
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    project = Project.objects.get(slug="demo")
    reviewer = project.memberships.get(role=Role.REVIEWER).user
    reviewer.set_password(PASSWORD)
    reviewer.save()
    first = project.memberships.get(user__username="annotator").user
    sam = UserFactory(username="sam")
    services.add_member(project=project, user=sam, role=Role.ANNOTATOR)
    story = Document.objects.get(project=project)
    budget = make_document(project, text=SAMPLE_TEXT, title="Council passes $2.5 million budget")
    types = {c.slug: c for c in project.claim_types.all()}
    rng = random.Random(7)
    now = timezone.now()
    # sam codes the sentences the first annotator coded, mostly alike, plus a few more.
    for n, annotation in enumerate(Annotation.objects.filter(document=story, annotator=first)):
        slug, status = SECOND_OPINIONS[n % len(SECOND_OPINIONS)]
        sentence = annotation.sentence
        services.create_annotation(
            user=sam,
            sentence=sentence,
            claim_type=types[annotation.claim_type.slug if n % 3 else slug],
            start=sentence.start,
            end=sentence.end,
            verification_status=status,
        )
    for user in (first, sam):
        for sentence in budget.sentences.all():
            services.create_annotation(
                user=user,
                sentence=sentence,
                claim_type=types["statistic" if sentence.index < 3 or user == first else "quote"],
            )
    # Spread the work over the last weeks; approve some, a day or two after it was made.
    for annotation in Annotation.objects.filter(project=project).order_by("id"):
        made = now - timedelta(days=rng.randint(0, 24), hours=rng.randint(0, 8))
        Annotation.objects.filter(pk=annotation.pk).update(created_at=made, updated_at=made)
        if annotation.annotator == sam and rng.random() < 0.5:
            annotation.refresh_from_db()
            services.review_annotation(user=reviewer, annotation=annotation, decision="approve")
            Annotation.objects.filter(pk=annotation.pk).update(
                reviewed_at=made + timedelta(hours=rng.randint(2, 40))
            )
    return project, reviewer


def test_reviewer_opens_the_dashboard_and_the_agreement_page(page):
    project, reviewer = demo_desk()
    log_in(page, reviewer, next_path=f"/projects/{project.pk}/")
    page.get_by_role("link", name="Dashboard").click()

    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    chart = page.get_by_role("img", name="Annotations per day and annotator, last 30 days")
    expect(chart).to_be_visible()
    expect(page.get_by_role("img", name="Review backlog by state and age")).to_be_visible()
    expect(page.get_by_role("table").filter(has_text="Pending review").first).to_be_visible()
    assert page.locator("#chart-per-day rect").count() > 5
    shot(page, "dashboard", full_page=True)
    assert not page.errors

    page.get_by_role("link", name="Agreement", exact=True).first.click()
    expect(page.get_by_role("heading", name="Agreement", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Pairs of annotators")).to_be_visible()
    expect(page.get_by_role("row", name="annotator & sam")).to_be_visible()
    expect(page.get_by_role("link", name="Council passes $2.5 million budget")).to_be_visible()
    shot(page, "agreement", full_page=True)
    assert not page.errors
