"""Seen before: a claim checked in one document is suggested where another repeats it,
linked from the keyboard, and its verdict copied only when asked."""

import pytest
from playwright.sync_api import expect

from annotations import services
from annotations.models import Annotation, Claim
from tests.browser.helpers import log_in, open_workspace, shot
from tests.factories import make_annotation, make_document

pytestmark = pytest.mark.browser

WIRE = (
    "KANSAS CITY, Mo. (AP) -- The city council approved a $2.5 million budget on Monday. "
    "Mayor Jane Smith said the plan would cut crime by 10%."
)
# The same story syndicated with small edits: the amount written differently, and a
# sentence whose number differs (a different claim).
REWRITE = (
    "Local news in brief. "
    "On Monday the city council approved a budget of 2.5 million dollars, officials said. "
    "The council also approved a $7.1 million budget for parks."
)


@pytest.fixture
def checked_claim(project, annotator, reviewer):
    """The budget claim, checked by the desk, as the first document's annotation."""
    first = make_document(project, title="AP: council budget", text=WIRE)
    annotation = make_annotation(first, user=annotator, sources=[{"url": "https://city.example/b"}])
    claim = services.create_claim(
        user=annotator,
        project=project,
        text="The city council approved a $2.5 million budget on Monday.",
        annotations=[annotation.pk],
    )
    return services.update_claim(
        user=reviewer,
        claim=claim,
        expected_version=None,
        verification_status="mostly_true",
        rating_explanation="The budget adopted was $2.46 million.",
    )


def test_a_checked_claim_is_suggested_in_a_rewrite_linked_by_key_and_its_verdict_copied(
    page, project, annotator, checked_claim
):
    rewrite = make_document(project, title="Brief: budget", text=REWRITE)
    log_in(page, annotator)
    open_workspace(page, rewrite, "#s-1")
    suggestions = page.locator("#claim-suggestions li")

    expect(suggestions).to_have_count(1)
    first = suggestions.first
    expect(first).to_contain_text(checked_claim.text)
    expect(first).to_contain_text("Mostly true · 1 appearance · first seen")
    expect(first).to_have_attribute("aria-current", "true")
    expect(first.get_by_role("link")).to_have_attribute("href", f"/claims/{checked_claim.pk}/")

    # Linking needs a saved annotation: the key says so and changes nothing.
    page.keyboard.press("l")
    expect(page.locator("#save-status")).to_have_text("Link: open or add an annotation first (a).")
    page.keyboard.press("a")
    page.keyboard.press("Enter")
    expect(page.locator("#save-status")).to_contain_text("Saved ✓")
    annotation = Annotation.objects.get(document=rewrite)
    assert annotation.claim is None  # the suggestion alone changes nothing

    page.keyboard.press("l")
    expect(page.locator("#save-status")).to_contain_text(f"Linked to claim #{checked_claim.pk}")
    linked = page.locator("#claim-linked")
    expect(linked).to_contain_text(f"Linked to claim “{checked_claim.text}”")
    expect(linked).to_contain_text("Mostly true · 2 appearances")
    expect(first).to_contain_text("linked")
    annotation.refresh_from_db()
    assert (annotation.claim, annotation.verification_status) == (checked_claim, "unverified")
    shot(page, "seen-before-linked")

    page.get_by_label("with the sources of its other appearances").check()
    page.keyboard.press("C")
    expect(page.locator("#save-status")).to_contain_text(
        f"Verdict copied from claim #{checked_claim.pk}: Mostly true"
    )
    expect(page.get_by_label("Verification status")).to_have_value("mostly_true")
    expect(page.get_by_label("Rationale")).to_have_value("The budget adopted was $2.46 million.")
    expect(page.locator("#sources input[data-field=url]")).to_have_value("https://city.example/b")

    api = page.request.get(f"/api/v1/annotations/{annotation.pk}/").json()
    assert (api["claim"], api["verification_status"]) == (checked_claim.pk, "mostly_true")

    page.goto(f"/claims/{checked_claim.pk}/")
    expect(page.get_by_role("heading", name="Appearances (2)")).to_be_visible()
    expect(page.locator("ol.appearances > li")).to_have_count(2)
    expect(page.locator("ol.appearances")).to_contain_text("Brief: budget")
    expect(page.locator("ol.appearances")).to_contain_text("AP: council budget")

    # Published once: one ClaimReview of the claim, with both stories as appearances.
    export = page.request.get("/api/v1/export/annotations?format=claimreview")
    assert export.ok
    (review,) = export.json()
    assert review["claimReviewed"] == checked_claim.text
    assert review["reviewRating"]["ratingExplanation"] == "The budget adopted was $2.46 million."
    headlines = [a["headline"] for a in review["itemReviewed"]["appearance"]]
    assert sorted(headlines) == ["AP: council budget", "Brief: budget"]
    assert page.errors == []


def test_moving_on_follows_the_selection_and_a_different_number_is_not_suggested(
    page, project, annotator, checked_claim
):
    rewrite = make_document(project, title="Brief: budget", text=REWRITE)
    log_in(page, annotator)
    open_workspace(page, rewrite, "#s-1")
    expect(page.locator("#claim-suggestions li")).to_have_count(1)

    page.keyboard.press("j")  # "$7.1 million for parks": another claim
    expect(page.locator("#claims-status")).to_have_text(
        "No claim of this project seems to be repeated here."
    )
    expect(page.locator("#claim-suggestions li")).to_have_count(0)

    # A new claim from an annotation on it, by key; the next sentence up still finds the first.
    page.keyboard.press("a")
    page.keyboard.press("Enter")
    expect(page.locator("#save-status")).to_contain_text("Saved ✓")
    page.keyboard.press("c")
    expect(page.locator("#save-status")).to_contain_text("New claim #")
    parks = Claim.objects.exclude(pk=checked_claim.pk).get()
    assert parks.text == "The council also approved a $7.1 million budget for parks."
    expect(page.locator("#claim-linked")).to_contain_text("1 appearance")

    page.get_by_role("button", name="Unlink").click()
    expect(page.locator("#save-status")).to_have_text("Unlinked from the claim.")
    assert Annotation.objects.get(document=rewrite).claim is None
    assert page.errors == []


def test_suggestions_wait_for_the_reviewer_to_stop_and_a_failure_is_said_politely(
    page, project, annotator, checked_claim
):
    rewrite = make_document(project, title="Brief: budget", text=REWRITE)
    asked = []
    page.on("request", lambda r: "/claims/similar/" in r.url and asked.append(r.url))
    log_in(page, annotator)
    open_workspace(page, rewrite, "#s-0")
    page.keyboard.press("j")
    page.keyboard.press("j")  # passes sentence 2 quickly: only sentence 3 is asked about
    expect(page.locator("#claims-status")).to_have_text(
        "No claim of this project seems to be repeated here."
    )
    passed, last = (rewrite.sentences.get(index=i).pk for i in (1, 2))
    assert not [url for url in asked if url.endswith(f"sentence={passed}")]
    assert len([url for url in asked if url.endswith(f"sentence={last}")]) == 1

    page.route("**/api/v1/claims/similar/**", lambda route: route.fulfill(status=503, body=""))
    page.keyboard.press("k")
    expect(page.locator("#claims-status")).to_have_text(
        "Suggestions unavailable. Could not load: the server gave no reason."
    )
    expect(page.locator("#claim-suggestions li")).to_have_count(0)
    page.keyboard.press("a")
    page.keyboard.press("Enter")
    expect(page.locator("#save-status")).to_contain_text("Saved ✓")  # the page goes on
    assert page.errors == []
