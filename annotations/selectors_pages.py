"""Read models of the browser pages: what each page shows, in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from annotations import permissions, representation
from annotations.models import (
    VERIFIED_STATUSES,
    Annotation,
    Assignment,
    AssignmentState,
    ClaimType,
    Document,
    Membership,
    Project,
    ReviewState,
    Sentence,
    Source,
    Stance,
    VerificationStatus,
)
from annotations.querysets import visible_annotations

# Symbols that carry the verification status without colour (see the legend on the page).
STATUS_SYMBOLS = {
    VerificationStatus.UNVERIFIED: "?",
    VerificationStatus.IN_PROGRESS: "…",
    VerificationStatus.TRUE: "✓",
    VerificationStatus.MOSTLY_TRUE: "✓~",
    VerificationStatus.MIXED: "±",
    VerificationStatus.MOSTLY_FALSE: "✗~",
    VerificationStatus.FALSE: "✗",
    VerificationStatus.MISLEADING: "!",
    VerificationStatus.UNVERIFIABLE: "∅",
}

# ``?sort=`` values of the project page and the ordering each one means.
DOCUMENT_SORTS = {
    "newest": ("Newest first", ("-created_at", "-id")),
    "oldest": ("Oldest first", ("created_at", "id")),
    "title": ("Title A to Z", ("title", "id")),
    "published": ("Published, latest first", ("-published_at", "-id")),
    "publisher": ("Publisher A to Z", ("publisher", "title", "id")),
    "sentences": ("Most sentences", ("-sentence_count", "-id")),
    "least-annotated": ("Least annotated", ("annotated_sentence_count", "-id")),
}


def _count(queryset, outer: str, what: str = "pk", distinct: bool = False):
    """A correlated COUNT subquery: avoids the row blow-up of several joined Counts."""
    counted = (
        queryset.filter(**{outer: OuterRef("pk")})
        .order_by()
        .values(outer)
        .annotate(n=Count(what, distinct=distinct))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def projects_for_home(user):
    """The caller's projects with their role and counts, in one query (of the annotations
    the caller may see: independent annotation hides others' on documents one works blind)."""
    annotations = Annotation.objects.visible_to(user)
    role = Membership.objects.filter(project=OuterRef("pk"), user=user).values("role")[:1]
    return (
        Project.objects.for_user(user)
        .annotate(
            role=Subquery(role),
            document_count=_count(Document.objects.all(), "project"),
            sentence_count=_count(Sentence.objects.all(), "document__project"),
            annotation_count=_count(annotations, "project"),
            annotated_sentence_count=_count(annotations, "project", "sentence", distinct=True),
            verified_count=_count(
                annotations.filter(verification_status__in=VERIFIED_STATUSES), "project"
            ),
            approved_count=_count(annotations.filter(review_state=ReviewState.APPROVED), "project"),
        )
        .order_by("name", "pk")
    )


def documents_for_project(user, project, *, query: str = "", sort: str = "newest"):
    """The project's documents with their progress, filtered by ``query`` and sorted."""
    documents = Document.objects.for_user(user).filter(project=project).with_progress(user)
    if query:
        documents = documents.filter(Q(title__icontains=query) | Q(publisher__icontains=query))
    return documents.order_by(*DOCUMENT_SORTS[sort][1]).defer("text")


@dataclass
class Paragraph:
    number: int
    sentences: list = field(default_factory=list)


def paragraphs(document) -> list[Paragraph]:
    """The document's sentences grouped by paragraph, as plain rows (one query)."""
    grouped: list[Paragraph] = []
    rows = Sentence.objects.filter(document=document).order_by("index")
    columns = ("id", "index", "start", "end", "paragraph", "text")
    for pk, index, start, end, paragraph, text in rows.values_list(*columns):
        if not grouped or grouped[-1].number != paragraph:
            grouped.append(Paragraph(number=paragraph))
        grouped[-1].sentences.append(
            {"id": pk, "index": index, "start": start, "end": end, "text": text}
        )
    return grouped


def annotation_rows(document, user):
    """The document's annotations ``user`` may see, in the API's own representation, by
    position; others' are hidden while ``user`` annotates the document blind. One query
    on PostgreSQL, whose JSON text is spliced into the page as it is (see
    ``representation.document_annotations``), two elsewhere."""
    return representation.document_annotations(user, document.pk)


def _admin_change_url(user, model: str, pk: int = 0) -> str:
    """The admin change page of a row, for staff; id 0 is a template the script fills in."""
    if not user.is_staff:
        return ""
    try:
        return reverse(f"admin:annotations_{model}_change", args=[pk])
    except NoReverseMatch:  # the model is not in the admin
        return ""


def safe_url(url: str) -> str:
    """The URL if it is http(s), else nothing: only those become links."""
    return url if url.lower().startswith(("http://", "https://")) else ""


# Seconds between the workspace's checks for other people's changes (setting of that name).
DEFAULT_LIVE_REFRESH_SECONDS = 10


def live_refresh_config() -> dict:
    """Where the workspace polls for others' changes, how often, and from when.

    ``now`` is the server's clock taken before the page's annotations are read, so the
    first poll asks for everything changed since then without trusting the browser's clock.
    """
    seconds = getattr(settings, "FACTCHECK_LIVE_REFRESH_SECONDS", DEFAULT_LIVE_REFRESH_SECONDS)
    return {
        "now": representation.api_datetime(timezone.now()),
        "interval": float(seconds),
        "deleted_url": reverse("api-annotation-deleted"),
    }


def workspace_data(user, document, role: str, sentence_count: int) -> dict:
    """Everything the workspace script needs at start, for ``json_script``."""
    live = live_refresh_config()  # first: a change made while the page is built is caught
    claim_types = ClaimType.objects.filter(project_id=document.project_id).order_by(
        "position", "name"
    )
    return {
        "document": {
            "id": document.pk,
            "title": document.title,
            "project": document.project_id,
            "url": safe_url(document.url),
        },
        "sentence_count": sentence_count,
        "user": {
            "id": user.pk,
            "username": user.get_username(),
            "role": role,
            "can_review": permissions.can_review(user, document.project_id, role=role),
            "is_staff": user.is_staff,
        },
        "claim_types": [
            {
                "id": claim_type.pk,
                "slug": claim_type.slug,
                "name": claim_type.name,
                "color": claim_type.color,
                "shortcut": claim_type.shortcut,
                "description": claim_type.description,
                "is_default": claim_type.is_default,
            }
            for claim_type in claim_types
        ],
        "statuses": [
            {"value": value, "label": label, "symbol": STATUS_SYMBOLS[value]}
            for value, label in VerificationStatus.choices
        ],
        "verified_statuses": sorted(VERIFIED_STATUSES),
        "stances": [{"value": value, "label": label} for value, label in Stance.choices],
        "review_states": dict(ReviewState.choices),
        "annotations": annotation_rows(document, user),
        "urls": {
            "annotations": reverse("api-annotation-list"),
            "admin_annotation": _admin_change_url(user, "annotation"),
            "admin_document": _admin_change_url(user, "document", document.pk),
            # "Seen before" (claims.js); id 0 in claim_page is a template the script fills in.
            "claims": reverse("api-claim-list"),
            "claims_similar": reverse("api-claim-similar"),
            "claim_page": reverse("claim", args=[0]),
        },
        "live": live,
        "assignment": assignment_for_workspace(user, document, role),
    }


@dataclass
class ClaimPage:
    """A claim with every appearance and the evidence of all of them, grouped by stance."""

    claim: object
    appearances: list
    evidence: list  # [(stance label, [sources])] in the order supports, refutes, context


def claim_page(user, pk: int) -> ClaimPage | None:
    """Three queries: the claim, its appearances with their documents, their sources."""
    from annotations.models import Claim

    claim = (
        Claim.objects.for_user(user)
        .with_appearances(user)
        .select_related("project", "reviewed_by")
        .filter(pk=pk)
        .first()
    )
    if claim is None:
        return None
    appearances = list(
        Annotation.objects.filter(claim=claim)
        .visible_to(user)
        .select_related("document", "annotator")
        .defer("document__text")
        .order_by("created_at", "id")
    )
    by_stance = defaultdict(list)
    sources = (
        Source.objects.filter(annotation__claim=claim)
        .filter(visible_annotations(user, "annotation__"))
        .select_related("annotation__document")
    )
    for source in sources.defer("annotation__document__text").order_by("position", "id"):
        by_stance[source.stance].append(source)
    evidence = [(stance.label, by_stance[stance]) for stance in Stance if by_stance[stance]]
    return ClaimPage(claim=claim, appearances=appearances, evidence=evidence)


# --- assignments --------------------------------------------------------------------------


def my_queue(user):
    """The caller's assignments for the home page: overdue first, then open before done,
    then by due date (none last), then oldest first. One query."""
    today = timezone.localdate()
    overdue = Case(
        When(Q(due__lt=today) & ~Q(state=AssignmentState.DONE), then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    is_done = Case(
        When(state=AssignmentState.DONE, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        Assignment.objects.for_user(user)
        .filter(assignee=user)
        .select_related("document__project")
        .defer("document__text")
        .annotate(overdue_rank=overdue, done_rank=is_done)
        .order_by("overdue_rank", "done_rank", F("due").asc(nulls_last=True), "created_at", "id")
    )


def assignment_for_workspace(user, document, role=None) -> dict | None:
    """The caller's assignment of ``document`` as the workspace script reads it, or None.

    ``independent`` says the caller annotates it blind until done (``blind_document_ids``):
    the page says so, and fetches the others' annotations once it is marked done.
    """
    assignment = (
        Assignment.objects.filter(document=document, assignee=user)
        .values("id", "state", "due", "done_at")
        .first()
    )
    if assignment is None:
        return None
    zone = timezone.get_current_timezone()
    return {
        "id": assignment["id"],
        "state": assignment["state"],
        "state_label": AssignmentState(assignment["state"]).label,
        "states": dict(AssignmentState.choices),
        "due": assignment["due"].isoformat() if assignment["due"] else None,
        "overdue": bool(
            assignment["due"]
            and assignment["due"] < timezone.localdate()
            and assignment["state"] != AssignmentState.DONE
        ),
        "done_at": representation.api_datetime(assignment["done_at"], zone),
        "url": reverse("api-assignment-detail", args=[assignment["id"]]),
        "independent": permissions.works_blind(user, document.project, role),
    }


def filter_by_assignment(documents, user, *, assignee=None, state: str = ""):
    """Documents with an assignment, visible to ``user``, of that assignee and/or state."""
    if assignee is None and not state:
        return documents
    assignments = Assignment.objects.visible_to(user)
    if assignee is not None:
        assignments = assignments.filter(assignee=assignee)
    if state:
        assignments = assignments.filter(state=state)
    return documents.filter(pk__in=assignments.values("document_id"))


def with_assignments(documents, user):
    """Prefetch each document's assignments that ``user`` may see (one query for the page)."""
    visible = (
        Assignment.objects.visible_to(user)
        .select_related("assignee")
        .order_by("assignee__username")
    )
    return documents.prefetch_related(Prefetch("assignments", queryset=visible, to_attr="shown"))


def project_members(project):
    """Members of ``project`` by username, for the assign form."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(memberships__project=project).order_by("username")
