"""Two annotators' versions of the demo story; a reviewer settles their disagreements
from the keyboard and watches "N of M resolved" count up."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from annotations import services
from annotations.models import Annotation, Role
from tests.adjudication_setup import annotate, finish
from tests.browser.helpers import log_in, shot
from tests.factories import UserFactory, make_document

pytestmark = pytest.mark.browser

DEMO = Path(__file__).resolve().parents[2] / "annotations" / "demo" / "kcpd-ice-arrest.txt"


def demo_story(project):
    """The demo story's first paragraphs, one line a paragraph as the demo has them."""
    lines = DEMO.read_text(encoding="utf-8").splitlines()[:6]
    return make_document(project, title="KCPD assists ICE arrest", text="\n".join(lines))


def test_adjudicate_two_disagreements_from_the_keyboard(
    new_page, project, owner, annotator, reviewer
):
    project.name = "Metro desk"
    project.save()
    alex = UserFactory(username="alex")
    services.add_member(project=project, user=alex, role=Role.ANNOTATOR)
    story = demo_story(project)
    sentences = list(story.sentences.order_by("index"))
    police = sentences[0]
    annotate(
        story,
        annotator,
        0,
        "event",
        verification_status="true",
        rationale="Matches the Facebook Live video and KCTV's report.",
    )
    annotate(
        story,
        alex,
        0,
        "event",
        verification_status="mostly_true",
        start=police.start + police.text.index("Kansas City police"),
        end=police.start + police.text.index(" after officers"),
        rationale="Police confirmed the review; the arrest details are the video's.",
    )
    annotate(story, annotator, 1, "event", verification_status="true")
    annotate(story, alex, 1, "quote", verification_status="true")
    annotate(story, annotator, 2, "event", verification_status="true")
    annotate(story, alex, 2, "event", verification_status="true")
    annotate(story, annotator, 4, "quote", verification_status="unverified")
    annotate(
        story,
        alex,
        5,
        "law-policy",
        verification_status="mixed",
        rationale="KCPD policy 2017-08 says officers may assist.",
    )
    annotate(story, annotator, 5, "law-policy", verification_status="mostly_true")
    finish(owner, story, annotator, alex)

    page = new_page()
    log_in(page, reviewer, f"/projects/{project.pk}/")
    page.get_by_role("row", name="KCPD assists ICE arrest").get_by_role(
        "link", name="Adjudicate"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Adjudicate: KCPD assists ICE arrest")
    expect(page.locator("#total-count")).to_have_text("4")  # sentence 2: they agree
    expect(page.locator("#resolved-count")).to_have_text("0")
    cards = page.locator(".adj-case")
    expect(cards).to_have_count(4)
    expect(cards.nth(0).locator(".adj-version h3")).to_have_text(["1 alex", "2 anna"])

    page.keyboard.press("2")  # anna's version of the first sentence
    expect(page.locator("#resolved-count")).to_have_text("1")
    expect(cards.nth(0).locator(".adj-decision")).to_have_text("Resolved: Version 2 (anna)")
    page.keyboard.press("j")
    page.keyboard.press("1")  # alex's: a quote
    expect(page.locator("#resolved-count")).to_have_text("2")
    expect(page.locator("#adj-status")).to_contain_text("2 of 4 resolved")
    page.keyboard.press("j")
    expect(cards.nth(2)).to_be_focused()
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "adjudication")

    page.keyboard.press("?")
    expect(page.locator("#adj-help")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#adj-help")).to_be_hidden()
    page.keyboard.press("0")  # only anna made a claim: no claim
    expect(page.locator("#resolved-count")).to_have_text("3")
    page.keyboard.press("n")
    page.keyboard.press("e")
    expect(page.locator("#merged-editor")).to_be_visible()
    page.get_by_label("Verdict").select_option("mixed")
    page.keyboard.press("Enter")
    expect(page.locator("#resolved-count")).to_have_text("4")
    expect(cards.nth(3).locator(".adj-decision")).to_have_text("Resolved: Merged by rita")

    states = dict(
        Annotation.objects.filter(sentence=sentences[0]).values_list(
            "annotator__username", "review_state"
        )
    )
    assert states == {"anna": "approved", "alex": "not_chosen"}
    assert Annotation.objects.get(sentence=sentences[4]).review_state == "not_chosen"
    assert page.errors == []
