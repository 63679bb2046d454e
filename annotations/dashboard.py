"""The desk's dashboard: one panel per question, each a function and a template.

A panel function takes ``(user, project, now)`` and returns a ``Panel``: the numbers, the
template that draws them (``templates/annotations/dashboard/``) and the same numbers as
CSV rows. Adding a panel is one function in ``PANELS`` and one template. Every panel runs
a fixed number of queries whatever the project's size; ``tests/test_dashboard.py`` pins
the total at two sizes.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, Min, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from annotations import agreement_report, svgcharts
from annotations.models import (
    Annotation,
    Assignment,
    AssignmentState,
    ReviewState,
    VerificationStatus,
)

DAYS = 30
AGREEMENT_ROWS = 10  # the dashboard lists the least-agreeing documents; the page has them all
BACKLOG_STATES = (ReviewState.PENDING, ReviewState.CHANGES_REQUESTED)
# (label, upper bound of the age) — the last bucket is open-ended
AGE_BUCKETS = (
    ("Under 1 day", timedelta(days=1)),
    ("1 to 7 days", timedelta(days=7)),
    ("Over 7 days", None),
)
SHORT_STATE = {ReviewState.PENDING: "Pending", ReviewState.CHANGES_REQUESTED: "Returned"}
CSV_COLUMNS = ("panel", "series", "label", "value")


@dataclass
class Panel:
    slug: str
    title: str
    template: str
    data: dict
    csv: list[tuple] = field(default_factory=list)  # (series, label, value)


def annotations_of(user, project):
    return Annotation.objects.for_user(user).filter(project=project).order_by()


def annotations_per_day(user, project, now) -> Panel:
    """Annotations made per day per annotator over the last ``DAYS`` days (one query)."""
    today = timezone.localdate(now)
    days = [today - timedelta(days=DAYS - 1 - i) for i in range(DAYS)]
    counts = (
        annotations_of(user, project)
        .filter(created_at__date__gte=days[0], created_at__date__lte=today)
        .annotate(day=TruncDate("created_at"))
        .values_list("annotator__username", "day")
        .annotate(n=Count("pk"))
    )
    by_annotator = defaultdict(dict)
    for username, day, n in counts:
        by_annotator[username][day] = n
    series = [
        (name, [by_annotator[name].get(day, 0) for day in days]) for name in sorted(by_annotator)
    ]
    labels = [f"{day.day} {day:%b}" for day in days]
    total = sum(sum(values) for _, values in series)
    chart = svgcharts.stacked_columns(
        chart_id="chart-per-day",
        title=f"Annotations per day and annotator, last {DAYS} days",
        description=f"{total} annotations by {len(series)} annotators; numbers in the table.",
        categories=labels,
        series=series,
    )
    rows = [
        (day, [values[i] for _, values in series], sum(v[i] for _, v in series))
        for i, day in enumerate(days)
    ]
    csv = [
        (name, day.isoformat(), value)
        for name, values in series
        for day, value in zip(days, values, strict=True)
    ]
    data = {
        "chart": chart,
        "legend": svgcharts.legend([n for n, _ in series]),
        "annotators": [n for n, _ in series],
        "rows": rows,
        "total": total,
    }
    return Panel(
        "per_day",
        f"Annotations per day, last {DAYS} days",
        "annotations/dashboard/_per_day.html",
        data,
        csv,
    )


def verdicts_by_status(user, project, now) -> Panel:
    """How many annotations carry each verification status (one query)."""
    counts = dict(
        annotations_of(user, project).values_list("verification_status").annotate(n=Count("pk"))
    )
    rows = [(status, counts.get(status.value, 0)) for status in VerificationStatus]
    chart = svgcharts.horizontal_bars(
        chart_id="chart-verdicts",
        title="Annotations by verification status",
        description=f"{sum(counts.values())} annotations; the table next to it has the numbers.",
        bars=[svgcharts.Bar(status.label, n, f"status-{status.value}") for status, n in rows],
        width=360,
        label_w=100,
    )
    csv = [("", status.value, n) for status, n in rows]
    data = {"chart": chart, "rows": rows, "total": sum(counts.values())}
    return Panel(
        "verdicts", "Verdicts by status", "annotations/dashboard/_verdicts.html", data, csv
    )


def review_backlog(user, project, now) -> Panel:
    """Annotations waiting for a review or for their annotator, by how long (one query).

    Age is the time since the annotation last changed: a pending one waits for a reviewer
    since the annotator last touched it, a returned one for the annotator since the review.
    """
    buckets, previous = {}, None
    for number, (_, bound) in enumerate(AGE_BUCKETS):
        window = Q()
        if bound is not None:
            window &= Q(updated_at__gt=now - bound)
        if previous is not None:
            window &= Q(updated_at__lte=now - previous)
        buckets[f"age_{number}"] = Count("pk", filter=window)
        previous = bound
    found = {
        row["review_state"]: row
        for row in annotations_of(user, project)
        .filter(review_state__in=BACKLOG_STATES)
        .values("review_state")
        .annotate(total=Count("pk"), oldest=Min("updated_at"), **buckets)
    }
    rows = []
    for state in BACKLOG_STATES:
        row = found.get(state.value, {})
        oldest = row.get("oldest")
        rows.append(
            {
                "state": state,
                "total": row.get("total", 0),
                "buckets": [
                    (label, row.get(f"age_{number}", 0))
                    for number, (label, _) in enumerate(AGE_BUCKETS)
                ],
                "oldest": oldest,
                "oldest_age": now - oldest if oldest else None,
            }
        )
    bars = [
        svgcharts.Bar(
            f"{SHORT_STATE[row['state']]}, {label.lower()}", n, f"state-{row['state'].value}"
        )
        for row in rows
        for label, n in row["buckets"]
    ]
    chart = svgcharts.horizontal_bars(
        chart_id="chart-backlog",
        title="Review backlog by state and age",
        description=f"{sum(r['total'] for r in rows)} annotations waiting; numbers in the table.",
        bars=bars,
        width=520,
        label_w=190,
    )
    csv = [(row["state"].value, label, n) for row in rows for label, n in row["buckets"]]
    csv += [(row["state"].value, "oldest_days", _days(row["oldest_age"])) for row in rows]
    data = {"chart": chart, "rows": rows, "labels": [label for label, _ in AGE_BUCKETS]}
    return Panel("backlog", "Review backlog", "annotations/dashboard/_backlog.html", data, csv)


class Median(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5)``: the median, interpolated as ``statistics.median``."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


def median_time_to_approval(annotations) -> tuple[timedelta | None, int]:
    """(median of approval time - creation time, how many) over approved ``annotations``.

    On PostgreSQL the database computes it (one row back); elsewhere Python does, over one
    column of durations. Both interpolate between the middle two of an even count.
    """
    approved = annotations.filter(review_state=ReviewState.APPROVED, reviewed_at__isnull=False)
    waited = ExpressionWrapper(F("reviewed_at") - F("created_at"), output_field=DurationField())
    if connection.vendor == "postgresql":
        result = approved.aggregate(
            median=Median(waited, output_field=DurationField()), n=Count("pk")
        )
        return result["median"], result["n"]
    durations = list(approved.annotate(waited=waited).values_list("waited", flat=True))
    return (statistics.median(durations) if durations else None), len(durations)


def time_to_approval(user, project, now) -> Panel:
    median, approved = median_time_to_approval(annotations_of(user, project))
    data = {"median": median, "approved": approved}
    csv = [("", "median_hours", _hours(median)), ("", "approved", approved)]
    return Panel("approval", "Time to approval", "annotations/dashboard/_approval.html", data, csv)


def agreement_by_document(user, project, now) -> Panel:
    """The least-agreeing documents, at most ``AGREEMENT_ROWS`` (three queries)."""
    documents = agreement_report.agreement_by_document(user, project)
    shown = documents[:AGREEMENT_ROWS]
    chart = svgcharts.horizontal_bars(
        chart_id="chart-agreement",
        title="Agreement on claim types per document (Krippendorff's alpha)",
        description="Alpha from 0 to 1, lines at .667 and .800; the numbers are in the table.",
        bars=[
            svgcharts.Bar(
                d.title,
                d.claim_type_alpha,
                f"band-{d.band}",
                "n/a" if d.claim_type_alpha is None else f"{d.claim_type_alpha:.3f}",
            )
            for d in shown
        ],
        maximum=1.0,
        width=640,
        label_w=280,
        markers=[(agreement_report.TENTATIVE, ".667"), (agreement_report.RELIABLE, ".800")],
    )
    csv = [(d.title, "claim_type_alpha", _blank(d.claim_type_alpha)) for d in documents]
    data = {"chart": chart, "rows": shown, "total": len(documents)}
    return Panel(
        "agreement", "Agreement per document", "annotations/dashboard/_agreement.html", data, csv
    )


def assignments_by_state(user, project, now) -> Panel:
    """How many assignments are in each state, and how many of the open ones are overdue
    (one query). Overdue: due before today and not done; done ones are never overdue."""
    today = timezone.localdate(now)
    overdue = Q(due__lt=today) & ~Q(state=AssignmentState.DONE)
    found = {
        state: (n, late)
        for state, n, late in Assignment.objects.for_user(user)
        .filter(document__project=project)
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"), late=Count("pk", filter=overdue))
    }
    rows = [(state, *found.get(state.value, (0, 0))) for state in AssignmentState]
    total, late = sum(n for _, n, _ in rows), sum(o for _, _, o in rows)
    bars = [svgcharts.Bar(state.label, n, f"assign-state-{state.value}") for state, n, _ in rows]
    bars.append(svgcharts.Bar("Overdue (not done)", late, "assign-state-overdue"))
    chart = svgcharts.horizontal_bars(
        chart_id="chart-assignments",
        title="Assignments by state, and overdue",
        description=f"{total} assignments, {late} overdue; numbers in the table.",
        bars=bars,
        width=360,
        label_w=130,
    )
    csv = [("state", state.value, n) for state, n, _ in rows]
    csv += [("overdue", state.value, o) for state, _, o in rows if state != AssignmentState.DONE]
    data = {"chart": chart, "rows": rows, "total": total, "overdue": late}
    return Panel("assignments", "Assignments", "annotations/dashboard/_assignments.html", data, csv)


PANELS = (
    annotations_per_day,
    review_backlog,
    assignments_by_state,
    verdicts_by_status,
    time_to_approval,
    agreement_by_document,
)


def dashboard(user, project, now=None) -> list[Panel]:
    """Every panel of ``project``'s dashboard as ``user`` sees it, at ``now``."""
    now = now or timezone.now()
    return [panel(user, project, now) for panel in PANELS]


def csv_rows(panels: list[Panel]):
    for panel in panels:
        for series, label, value in panel.csv:
            yield (panel.slug, series, label, value)


def _hours(duration: timedelta | None):
    return "" if duration is None else round(duration.total_seconds() / 3600, 2)


def _days(duration: timedelta | None):
    return "" if duration is None else round(duration.total_seconds() / 86400, 2)


def _blank(value):
    return "" if value is None else value
