"""The agreement page and the dashboard: who sees them, their figures, CSV, charts, queries."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils.html import escape

from annotations import dashboard, services
from annotations.agreement import agreement_for
from annotations.agreement_report import Band, agreement_by_document, band
from annotations.models import Annotation, ReviewState, Role
from tests.factories import UserFactory, make_annotation, make_document

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
PAGES = ["agreement", "dashboard"]


@pytest.fixture
def alex(project):
    user = UserFactory(username="alex")
    services.add_member(project=project, user=user, role=Role.ANNOTATOR)
    return user


def annotate(document, user, index, slug, **fields):
    claim_type = document.project.claim_types.get(slug=slug)
    return make_annotation(
        document, user=user, sentence_index=index, claim_type=claim_type, **fields
    )


def at(annotation, *, created=None, updated=None, reviewed=None):
    """Set an annotation's timestamps directly (auto_now would overwrite them on save)."""
    fields = {"created_at": created, "updated_at": updated, "reviewed_at": reviewed}
    Annotation.objects.filter(pk=annotation.pk).update(**{k: v for k, v in fields.items() if v})


def read_csv(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


# --- who sees them ------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("query", ["", "?format=csv"])
def test_reviewers_and_owners_see_the_pages_and_their_csv(
    client, project, owner, reviewer, name, query
):
    for user in (owner, reviewer):
        client.force_login(user)
        response = client.get(reverse(name, args=[project.pk]) + query)
        assert response.status_code == 200


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("query", ["", "?format=csv"])
def test_annotators_get_403_and_outsiders_404(client, project, annotator, outsider, name, query):
    url = reverse(name, args=[project.pk]) + query
    client.force_login(annotator)
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_users_are_sent_to_log_in(client, project, name):
    response = client.get(reverse(name, args=[project.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", PAGES)
def test_bad_query_answers_400_naming_the_field(client, project, reviewer, name):
    client.force_login(reviewer)
    response = client.get(reverse(name, args=[project.pk]) + "?format=xml")
    assert response.status_code == 400
    assert "format:" in response.content.decode()


def test_a_document_of_another_project_is_not_found(client, project, reviewer, other_project):
    elsewhere = make_document(other_project)
    client.force_login(reviewer)
    response = client.get(reverse("agreement", args=[project.pk]) + f"?document={elsewhere.pk}")
    assert response.status_code == 404


def test_project_page_links_both_pages_for_reviewers_only(client, project, reviewer, annotator):
    links = [reverse(name, args=[project.pk]) for name in PAGES]
    client.force_login(reviewer)
    html = client.get(reverse("project", args=[project.pk])).content.decode()
    assert all(f'href="{link}"' in html for link in links)
    client.force_login(annotator)
    html = client.get(reverse("project", args=[project.pk])).content.decode()
    assert not any(link in html for link in links)


# --- agreement page -----------------------------------------------------------------------


def test_bands_follow_krippendorffs_thresholds():
    assert band(0.8) == Band.RELIABLE
    assert band(0.799) == Band.TENTATIVE
    assert band(0.667) == Band.TENTATIVE
    assert band(0.666) == Band.UNRELIABLE
    assert band(-0.2) == Band.UNRELIABLE
    assert band(None) == Band.UNDEFINED


def test_agreement_page_shows_the_apis_figures_in_words(
    client, project, document, annotator, alex, reviewer
):
    annotate(document, annotator, 0, "statistic", verification_status="true")
    annotate(document, alex, 0, "statistic", verification_status="mostly_true")
    annotate(document, annotator, 1, "quote")
    annotate(document, alex, 2, "causal")
    figures = agreement_for(reviewer, project)
    client.force_login(reviewer)

    response = client.get(reverse("agreement", args=[project.pk]))

    html = response.content.decode()
    assert response.context["figures"] == figures
    alpha = figures["claim_type"]["alpha"]
    assert f"{alpha:.3f}" in html
    assert escape(band(alpha).meaning) in html
    assert "alex &amp; anna" in html
    assert "Krippendorff, Content Analysis" in html
    assert f'href="?document={document.pk}"' in html  # the per-document table
    assert f"{figures['claim_type']['pairwise'][0]['kappa']:.3f}" in html


def test_agreement_of_one_document_is_the_apis_for_that_document(
    client, project, document, annotator, alex, reviewer
):
    other = make_document(project, text="One claim here. Another one there.")
    annotate(document, annotator, 0, "statistic")
    annotate(document, alex, 0, "statistic")
    annotate(other, annotator, 0, "statistic")
    annotate(other, alex, 1, "quote")
    client.force_login(reviewer)

    response = client.get(reverse("agreement", args=[project.pk]) + f"?document={other.pk}")

    assert response.context["figures"] == agreement_for(reviewer, project, other)
    assert response.context["figures"]["units"] == 2
    assert other.title in response.content.decode()


def test_agreement_per_document_puts_the_least_agreeing_first(
    project, document, annotator, alex, reviewer
):
    other = make_document(project, text="One claim here. Another one there.", title="Disputed")
    lone = make_document(project, text="Only anna read this one.")
    annotate(document, annotator, 0, "statistic")
    annotate(document, alex, 0, "statistic")
    annotate(document, annotator, 1, "quote")
    annotate(document, alex, 1, "quote")
    annotate(other, annotator, 0, "statistic")
    annotate(other, alex, 1, "quote")
    annotate(lone, annotator, 0, "statistic")

    rows = agreement_by_document(reviewer, project)

    assert [row.id for row in rows] == [other.pk, document.pk]  # lone has one coder
    assert rows[0].title == "Disputed"
    assert (
        rows[0].claim_type_alpha == agreement_for(reviewer, project, other)["claim_type"]["alpha"]
    )
    assert rows[1].claim_type_alpha == 1.0
    assert rows[1].band == Band.RELIABLE


def test_agreement_csv_has_one_number_per_row(client, project, document, annotator, alex, reviewer):
    annotate(document, annotator, 0, "statistic")
    annotate(document, alex, 0, "statistic")
    figures = agreement_for(reviewer, project)
    client.force_login(reviewer)

    response = client.get(reverse("agreement", args=[project.pk]) + "?format=csv")

    assert f"agreement-project-{project.pk}.csv" in response["Content-Disposition"]
    rows = read_csv(response)
    project_rows = {
        row["figure"]: row
        for row in rows
        if not row["document_id"] and not row["annotator_a"] and not row["claim_type"]
    }
    assert float(project_rows["claim_type_alpha"]["value"]) == figures["claim_type"]["alpha"]
    assert int(project_rows["claim_type_alpha"]["units"]) == figures["units"]
    pair = [row for row in rows if row["figure"] == "pair_percent"]
    assert [(p["annotator_a"], p["annotator_b"], float(p["value"])) for p in pair] == [
        ("alex", "anna", 100.0)
    ]
    specific = {
        row["claim_type"]: float(row["value"])
        for row in rows
        if row["figure"] == "specific_agreement"
    }
    assert specific["statistic"] == 1.0
    per_document = [row for row in rows if row["document_id"] == str(document.pk)]
    assert {row["figure"] for row in per_document} == {
        "claim_type_alpha",
        "verdict_alpha",
        "span_overlap_f1",
    }


def test_csv_defuses_spreadsheet_formulas_in_titles(client, project, annotator, alex, reviewer):
    hostile = make_document(project, title='=HYPERLINK("http://x")', text="One claim. Two claims.")
    annotate(hostile, annotator, 0, "statistic")
    annotate(hostile, alex, 0, "statistic")
    client.force_login(reviewer)
    rows = read_csv(client.get(reverse("agreement", args=[project.pk]) + "?format=csv"))
    assert {row["document"] for row in rows if row["document_id"]} == {'\'=HYPERLINK("http://x")'}


def test_agreement_page_queries_do_not_grow_with_the_project(
    client, project, annotator, alex, reviewer, django_assert_num_queries
):
    client.force_login(reviewer)
    url = reverse("agreement", args=[project.pk])
    counts = []
    for size in (1, 5):
        while project.documents.count() < size:
            document = make_document(
                project, text=f"Claim {project.documents.count()} one. Claim two."
            )
            annotate(document, annotator, 0, "statistic")
            annotate(document, alex, 1, "quote")
        with django_assert_num_queries(AGREEMENT_PAGE_QUERIES) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


# session, user, project, role, then agreement_for (3) and agreement_by_document (4)
AGREEMENT_PAGE_QUERIES = 11


# --- dashboard figures --------------------------------------------------------------------


def test_annotations_per_day_per_annotator_over_30_days(
    project, document, annotator, alex, reviewer
):
    days_ago = {annotator: [0, 0, 1, 29], alex: [1, 30]}  # 30 days ago is out of the window
    index = 0
    for user, ages in days_ago.items():
        for age in ages:
            sentence = document.sentences.get(index=index % 4)
            annotation = services.create_annotation(
                user=user,
                sentence=sentence,
                claim_type=project.claim_types.get(slug="quote"),
                start=sentence.start + index // 4,
                end=sentence.end,
            )
            at(annotation, created=NOW - timedelta(days=age, hours=1))
            index += 1

    panel = dashboard.annotations_per_day(reviewer, project, NOW)

    assert panel.data["annotators"] == ["alex", "anna"]
    assert panel.data["total"] == 5
    counts = {(name, day): value for name, day, value in panel.csv}
    assert counts["anna", "2026-11-30"] == 2
    assert counts["anna", "2026-11-29"] == 1
    assert counts["anna", "2026-11-01"] == 1
    assert counts["alex", "2026-11-29"] == 1
    assert len(panel.csv) == 2 * 30
    assert min(day for _, day, _ in panel.csv) == "2026-11-01"


def test_verdicts_by_status_count_every_status(project, document, annotator, reviewer):
    annotate(document, annotator, 0, "statistic", verification_status="true")
    annotate(document, annotator, 1, "statistic", verification_status="true")
    annotate(document, annotator, 2, "statistic", verification_status="false")

    panel = dashboard.verdicts_by_status(reviewer, project, NOW)

    counts = {label: n for _, label, n in panel.csv}
    assert counts["true"] == 2
    assert counts["false"] == 1
    assert counts["misleading"] == 0
    assert len(counts) == 9


def test_backlog_counts_waiting_annotations_by_age(project, document, annotator, reviewer):
    ages = {0: timedelta(hours=3), 1: timedelta(days=2), 2: timedelta(days=9)}
    for index, age in ages.items():
        at(annotate(document, annotator, index, "statistic"), updated=NOW - age)
    returned = annotate(document, annotator, 3, "statistic")
    services.review_annotation(user=reviewer, annotation=returned, decision="request_changes")
    at(returned, updated=NOW - timedelta(days=1, hours=1))
    approved = annotate(document, reviewer, 0, "quote")
    services.review_annotation(user=reviewer, annotation=approved, decision="approve")

    panel = dashboard.review_backlog(reviewer, project, NOW)

    pending, changes = panel.data["rows"]
    assert pending["state"] == ReviewState.PENDING
    assert pending["buckets"] == [("Under 1 day", 1), ("1 to 7 days", 1), ("Over 7 days", 1)]
    assert pending["total"] == 3
    assert pending["oldest_age"] == timedelta(days=9)
    assert changes["buckets"] == [("Under 1 day", 0), ("1 to 7 days", 1), ("Over 7 days", 0)]
    assert ("pending", "oldest_days", 9.0) in panel.csv


def test_median_time_to_approval_on_either_database(project, document, annotator, reviewer):
    waits = [timedelta(hours=1), timedelta(hours=3), timedelta(hours=10), timedelta(days=2)]
    for index, wait in enumerate(waits):
        annotation = annotate(document, annotator, index, "statistic")
        services.review_annotation(user=reviewer, annotation=annotation, decision="approve")
        at(annotation, created=NOW - wait, reviewed=NOW)
    annotate(document, reviewer, 0, "quote")  # pending: does not count

    median, approved = dashboard.median_time_to_approval(Annotation.objects.filter(project=project))

    assert approved == 4
    assert median == timedelta(hours=6.5)  # between 3 h and 10 h
    panel = dashboard.time_to_approval(reviewer, project, NOW)
    assert ("", "median_hours", 6.5) in panel.csv


def test_median_is_empty_without_approvals(project, document, annotator):
    annotate(document, annotator, 0, "statistic")
    assert dashboard.median_time_to_approval(Annotation.objects.filter(project=project)) == (
        None,
        0,
    )


def test_dashboard_draws_accessible_svg_charts_with_their_tables(
    client, project, document, annotator, alex, reviewer
):
    annotate(document, annotator, 0, "statistic", verification_status="true")
    annotate(document, alex, 0, "statistic")
    client.force_login(reviewer)

    response = client.get(reverse("dashboard", args=[project.pk]))

    html = response.content.decode()
    for chart in ("chart-per-day", "chart-verdicts", "chart-backlog", "chart-agreement"):
        assert (
            f'<svg class="chart" id="{chart}" role="img" '
            f'aria-labelledby="{chart}-title {chart}-desc"' in html
        )
        assert f'<title id="{chart}-title">' in html
    assert html.count("<table") >= 4
    assert "<caption" in html
    assert " style=" not in html  # colours come from app.css classes
    assert "<script" not in html


def test_dashboard_escapes_names_in_charts(client, project, annotator, alex, reviewer):
    hostile = make_document(
        project, title="<script>alert(1)</script>", text="One claim. Two claims."
    )
    annotate(hostile, annotator, 0, "statistic")
    annotate(hostile, alex, 0, "quote")
    client.force_login(reviewer)
    html = client.get(reverse("dashboard", args=[project.pk])).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_dashboard_csv_holds_every_panels_numbers(client, project, document, annotator, reviewer):
    annotate(document, annotator, 0, "statistic", verification_status="false")
    client.force_login(reviewer)

    response = client.get(reverse("dashboard", args=[project.pk]) + "?format=csv")

    assert f"dashboard-project-{project.pk}.csv" in response["Content-Disposition"]
    rows = read_csv(response)
    assert list(rows[0]) == ["panel", "series", "label", "value"]
    assert {row["panel"] for row in rows} == {
        "per_day",
        "verdicts",
        "backlog",
        "assignments",
        "approval",
    }
    verdicts = {row["label"]: row["value"] for row in rows if row["panel"] == "verdicts"}
    assert verdicts["false"] == "1"
    backlog = {
        (row["series"], row["label"]): row["value"] for row in rows if row["panel"] == "backlog"
    }
    assert backlog["pending", "Under 1 day"] == "1"


# session, user, project, role, per day, verdicts, backlog, assignments, median, agreement (4)
DASHBOARD_QUERIES = 13


@pytest.mark.parametrize("documents", [1, 6])
def test_dashboard_runs_a_fixed_number_of_queries(
    client, project, owner, annotator, alex, reviewer, documents, django_assert_num_queries
):
    for n in range(documents):
        document = make_document(project, text=f"Claim {n} one. Claim {n} two. Claim three.")
        first = annotate(document, annotator, 0, "statistic", verification_status="true")
        annotate(document, alex, 1, "quote")
        services.review_annotation(user=reviewer, annotation=first, decision="approve")
        if n % 2:  # half the documents are assigned (and so on the done assignees' basis)
            services.assign_documents(user=owner, documents=[document], assignees=[annotator, alex])
            for assignment in document.assignments.all():
                services.update_assignment(user=owner, assignment=assignment, state="done")
    client.force_login(reviewer)

    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(reverse("dashboard", args=[project.pk]))

    assert response.status_code == 200
    assert len(response.context["panels"][-1].data["rows"]) == min(
        documents, dashboard.AGREEMENT_ROWS
    )


def test_assignments_by_state_and_overdue(project, document, annotator, alex, owner):
    other = make_document(project, text="Another one. With two sentences.")
    services.assign_documents(
        user=owner, documents=[document, other], assignees=[annotator], due=NOW.date()
    )
    services.assign_documents(
        user=owner, documents=[document], assignees=[alex], due=NOW.date() - timedelta(days=3)
    )
    services.assign_documents(
        user=owner, documents=[other], assignees=[alex], due=NOW.date() - timedelta(days=1)
    )
    done = other.assignments.get(assignee=alex)
    services.update_assignment(user=owner, assignment=done, state="done")
    make_annotation(document, user=annotator)  # anna's first save: in progress

    panel = dashboard.assignments_by_state(owner, project, NOW)

    assert [(state.value, n, late) for state, n, late in panel.data["rows"]] == [
        ("assigned", 2, 1),  # alex's document is 3 days late; anna's other is due today
        ("in_progress", 1, 0),
        ("done", 1, 0),  # done a day late is not overdue
    ]
    assert panel.data["overdue"] == 1
    assert ("overdue", "assigned", 1) in panel.csv


def test_agreement_per_document_compares_done_assignees_only(
    project, document, annotator, alex, reviewer, owner
):
    zoe = UserFactory(username="zoe")
    services.add_member(project=project, user=zoe, role=Role.ANNOTATOR)
    for user, slug in ((annotator, "statistic"), (alex, "statistic"), (zoe, "quote")):
        annotate(document, user, 0, slug)
    services.assign_documents(user=owner, documents=[document], assignees=[annotator, alex, zoe])
    for assignment in document.assignments.exclude(assignee=zoe):
        services.update_assignment(user=owner, assignment=assignment, state="done")

    [row] = agreement_by_document(reviewer, project)

    assert row.annotators == ["alex", "anna"]
    assert row.annotators == agreement_for(reviewer, project, document)["annotators"]


def test_agreement_page_says_who_is_compared(client, project, document, annotator, alex, owner):
    annotate(document, annotator, 0, "statistic")
    annotate(document, alex, 0, "quote")
    client.force_login(owner)
    url = reverse("agreement", args=[project.pk])

    before = client.get(url).content.decode()
    services.assign_documents(user=owner, documents=[document], assignees=[annotator, alex])
    for assignment in document.assignments.all():
        services.update_assignment(user=owner, assignment=assignment, state="done")
    after = client.get(url).content.decode()

    assert 'data-basis="all_annotators"' in before
    assert "everyone who annotated a document is one of its coders" in before
    assert 'data-basis="done_assignees"' in after
    assert "the assignees who marked their assignment done" in after
