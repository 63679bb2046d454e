"""The nouns users speak in: projects, documents split into sentences, and the claims
annotated in them with their sources.

Invariants the database can hold live in ``Meta.constraints``; the cross-row ones (a span
inside its sentence, a claim type of the same project) live in ``clean()`` methods that
every write path reaches through ``annotations.services``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from annotations import messages
from annotations.querysets import (
    AnnotationQuerySet,
    AssignmentQuerySet,
    ClaimQuerySet,
    DocumentQuerySet,
    ProjectQuerySet,
    ScopedToProjectQuerySet,
)

# The largest id a bigint key holds: a bigger one names no row (and cannot be bound).
MAX_ID = 2**63 - 1


class Role(models.TextChoices):
    ANNOTATOR = "annotator", "Annotator"
    REVIEWER = "reviewer", "Reviewer"
    OWNER = "owner", "Owner"


class VerificationStatus(models.TextChoices):
    UNVERIFIED = "unverified", "Unverified"
    IN_PROGRESS = "in_progress", "In progress"
    TRUE = "true", "True"
    MOSTLY_TRUE = "mostly_true", "Mostly true"
    MIXED = "mixed", "Mixed"
    MOSTLY_FALSE = "mostly_false", "Mostly false"
    FALSE = "false", "False"
    MISLEADING = "misleading", "Misleading"
    UNVERIFIABLE = "unverifiable", "Unverifiable"


# Statuses that carry a verdict; the rest mean "not checked yet".
VERIFIED_STATUSES = frozenset(VerificationStatus.values) - {
    VerificationStatus.UNVERIFIED,
    VerificationStatus.IN_PROGRESS,
}


class ReviewState(models.TextChoices):
    PENDING = "pending", "Pending review"
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    # Adjudication chose another annotator's version of the sentence, or "no claim".
    NOT_CHOSEN = "not_chosen", "Not chosen"


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    REFUTES = "refutes", "Refutes"
    CONTEXT = "context", "Context"


def _in_choices(field: str, choices: type[models.TextChoices]) -> Q:
    return Q(**{f"{field}__in": choices.values})


http_url_validator = URLValidator(schemes=["http", "https"], message=messages.SOURCE_URL_SCHEME)


class Project(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True, help_text="Short name used in URLs.")
    description = models.TextField(blank=True)
    independent_annotation = models.BooleanField(
        default=False,
        help_text="Blind double annotation: while an annotator's assignment of a document is "
        "not done, they see only their own annotations on it. Reviewers and owners see all.",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="factcheck_projects"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.ANNOTATOR)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedToProjectQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="membership_unique_user"),
            models.CheckConstraint(
                condition=_in_choices("role", Role), name="membership_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} of {self.project}"


class LongTextField(models.TextField):
    """A text of up to megabytes, sent to the database as one parameter per row.

    Django inserts many rows on PostgreSQL as ``UNNEST`` of one array per column, and
    psycopg escapes a text array in Python: 7 ms of CPU for a batch import of 1 MB of news
    copy, against 1.3 ms for the same texts as separate parameters (escaped by libpq). A
    field with its own placeholder keeps Django's ``VALUES`` form.
    """

    def get_placeholder(self, value, compiler, connection):
        return "%s"


class Document(models.Model):
    """A news text. Its text is immutable once segmented: sentence offsets point into it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=500)
    url = models.URLField(max_length=2000, blank=True, validators=[http_url_validator])
    publisher = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=20, default="en", help_text="BCP 47 language tag.")
    text = LongTextField()
    content_hash = models.CharField(
        max_length=64, editable=False, help_text="SHA-256 of the normalised text."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "content_hash"], name="document_unique_text_per_project"
            ),
        ]
        indexes = [models.Index(fields=["project", "-created_at"], name="document_by_project")]

    def __str__(self):
        return self.title


class Sentence(models.Model):
    # No index of its own: the unique (document, index) one serves every lookup by document,
    # and each import wrote 500 entries into both.
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="sentences", db_index=False
    )
    index = models.PositiveIntegerField(help_text="Position in reading order, from 0.")
    start = models.PositiveIntegerField(help_text="Offset of the first character in the text.")
    end = models.PositiveIntegerField(help_text="Offset just past the last character.")
    paragraph = models.PositiveIntegerField(
        default=0, help_text="Paragraph number, from 0; a sentence never crosses a paragraph."
    )
    text = models.TextField(help_text="Exactly document.text[start:end].")

    class Meta:
        ordering = ["document", "index"]
        constraints = [
            models.UniqueConstraint(fields=["document", "index"], name="sentence_unique_index"),
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="sentence_start_lt_end"),
        ]

    def __str__(self):
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"


class ClaimType(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="claim_types")
    slug = models.SlugField(max_length=50)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    color = models.CharField(
        max_length=7,
        default="#6b7280",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #1f77b4.")],
    )
    shortcut = models.CharField(
        max_length=1, blank=True, help_text="Key that picks this type in the annotation page."
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_default = models.BooleanField(
        default=False, help_text="Pre-selected for new annotations; at most one per project."
    )

    objects = ScopedToProjectQuerySet.as_manager()

    class Meta:
        ordering = ["project", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "slug"], name="claimtype_unique_slug"),
            models.UniqueConstraint(
                fields=["project", "shortcut"],
                condition=~Q(shortcut=""),
                name="claimtype_unique_shortcut",
            ),
            models.UniqueConstraint(
                fields=["project"], condition=Q(is_default=True), name="claimtype_one_default"
            ),
        ]

    def __str__(self):
        return self.name


class Claim(models.Model):
    """A checkable statement that may appear in many documents: the desk checks it once.

    Annotations linked to it are its appearances. ``normalized_text`` is the canonical form
    (``annotations.claims.normalize``) that similar-claim search indexes; the services set
    it from ``text`` on every write, so the two never disagree.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="claims")
    text = models.TextField(help_text="The claim's canonical wording, as the desk publishes it.")
    normalized_text = models.TextField(
        editable=False,
        help_text="Canonical form of the text used to find repeats (numbers, dates and "
        "paraphrase written one way, attribution removed).",
    )
    verification_status = models.CharField(
        max_length=20, choices=VerificationStatus.choices, default=VerificationStatus.UNVERIFIED
    )
    rating_explanation = models.TextField(
        blank=True, help_text="The short summary of the verdict a reader sees."
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_claims",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=_in_choices("verification_status", VerificationStatus),
                name="claim_status_valid",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="claim_text_not_empty"),
        ]
        indexes = [
            models.Index(fields=["project", "verification_status"], name="claim_by_status"),
            models.Index(fields=["project", "-created_at"], name="claim_by_project"),
        ]

    def __str__(self):
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"

    @property
    def is_verified(self) -> bool:
        return self.verification_status in VERIFIED_STATUSES


def span_inside(sentence_start: int, sentence_end: int, start: int, end: int) -> bool:
    """Is ``[start, end)`` a non-empty span inside the sentence? (``Annotation.clean``)"""
    return sentence_start <= start < end <= sentence_end


class Annotation(models.Model):
    """One claim found in one sentence, with its verdict and editorial review.

    ``start``/``end`` are offsets into the document text and lie inside the sentence;
    by default they cover the whole sentence. ``version`` grows by one on every change and
    is what clients send back to prove they saw the latest state.
    """

    # No index of their own where an index below starts with the column: each index is
    # written on every save, and these four served no lookup the others do not.
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="annotations", db_index=False
    )
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="annotations", db_index=False
    )
    sentence = models.ForeignKey(
        Sentence, on_delete=models.CASCADE, related_name="annotations", db_index=False
    )
    start = models.PositiveIntegerField(help_text="Span start, an offset into the document text.")
    end = models.PositiveIntegerField(help_text="Span end (exclusive), into the document text.")
    quote = models.TextField(help_text="The annotated text, computed from the offsets.")
    claim_type = models.ForeignKey(ClaimType, on_delete=models.PROTECT, related_name="annotations")
    verification_status = models.CharField(
        max_length=20, choices=VerificationStatus.choices, default=VerificationStatus.UNVERIFIED
    )
    rationale = models.TextField(blank=True, help_text="Why the claim got its verdict.")
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="annotations",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    review_state = models.CharField(
        max_length=20, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_annotations",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)
    claim = models.ForeignKey(
        Claim,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appearances",
        help_text="The claim this annotation is an appearance of, if it repeats one.",
    )

    # History is read by annotation (id), by date (deletions) and by user; an index per
    # copied foreign key would only make every save write seven more index entries.
    history = HistoricalRecords(
        excluded_fields=["updated_at"],
        no_db_index=[
            "project",
            "document",
            "sentence",
            "claim_type",
            "annotator",
            "reviewed_by",
            "claim",
        ],
    )
    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["document", "start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="annotation_start_lt_end"),
            models.CheckConstraint(
                condition=_in_choices("verification_status", VerificationStatus),
                name="annotation_status_valid",
            ),
            models.CheckConstraint(
                condition=_in_choices("review_state", ReviewState),
                name="annotation_review_state_valid",
            ),
            models.UniqueConstraint(
                fields=["sentence", "start", "end", "annotator"],
                name="annotation_unique_span_per_annotator",
                violation_error_message=messages.DUPLICATE_ANNOTATION,
            ),
        ]
        indexes = [
            # The export's order: read from the index, it needs no sort.
            models.Index(fields=["document", "start", "id"], name="annotation_by_document"),
            models.Index(fields=["project", "verification_status"], name="annotation_by_status"),
            models.Index(fields=["project", "review_state"], name="annotation_by_review"),
            models.Index(fields=["updated_at", "id"], name="annotation_by_update"),
            models.Index(fields=["annotator", "project"], name="annotation_by_annotator"),
        ]

    def __str__(self):
        return self.quote if len(self.quote) <= 80 else self.quote[:79] + "…"

    @property
    def covers_whole_sentence(self) -> bool:
        return self.start == self.sentence.start and self.end == self.sentence.end

    @property
    def is_verified(self) -> bool:
        return self.verification_status in VERIFIED_STATUSES

    def clean(self):
        errors = {}
        try:
            sentence = self.sentence
            claim_type = self.claim_type
        except (Sentence.DoesNotExist, ClaimType.DoesNotExist):
            return  # clean_fields() has already reported the missing or unknown row
        in_sentence = span_inside(sentence.start, sentence.end, self.start or 0, self.end or 0)
        if self.start is None or self.end is None or not in_sentence:
            errors["start" if self.start is None else "end"] = messages.SPAN_OUTSIDE
        if claim_type.project_id != self.project_id:
            errors["claim_type"] = messages.CLAIM_TYPE_OTHER_PROJECT
        if self.claim_id is not None and self.claim.project_id != self.project_id:
            errors["claim"] = messages.CLAIM_OTHER_PROJECT
        if errors:
            raise ValidationError(errors)


class Source(models.Model):
    """Evidence for or against an annotated claim."""

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="sources")
    url = models.URLField(max_length=2000, validators=[http_url_validator])
    title = models.CharField(max_length=500, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    stance = models.CharField(max_length=10, choices=Stance.choices, default=Stance.CONTEXT)
    excerpt = models.TextField(blank=True, help_text="The passage of the source that matters.")
    accessed_at = models.DateField(null=True, blank=True, help_text="When the source was read.")
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["annotation", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="source_url_http",
            ),
            models.CheckConstraint(condition=_in_choices("stance", Stance), name="source_stance"),
        ]

    def __str__(self):
        return self.title or self.url


class AssignmentState(models.TextChoices):
    ASSIGNED = "assigned", "Assigned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class Assignment(models.Model):
    """A document handed to a project member to annotate, with its progress.

    One row per (document, assignee); several assignees make independent double
    annotation. ``state`` moves to ``in_progress`` on the assignee's first save in the
    document and to ``done`` when they say so (``annotations.services.assignments``).
    """

    document = models.ForeignKey(
        Document,
        on_delete=models.CASCADE,
        related_name="assignments",
        help_text="The document to annotate; its project is the assignment's project.",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignments",
        help_text="The member who annotates the document.",
    )
    state = models.CharField(
        max_length=20,
        choices=AssignmentState.choices,
        default=AssignmentState.ASSIGNED,
        help_text="assigned → in_progress on the first save → done when the assignee says so.",
    )
    due = models.DateField(null=True, blank=True, help_text="Optional date to finish by.")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The owner who made the assignment.",
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text="When it was assigned.")
    updated_at = models.DateTimeField(auto_now=True, help_text="Last change of state or due date.")
    done_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was marked done; cleared on reopening."
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["document", "assignee"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "assignee"],
                name="assignment_unique_assignee",
                violation_error_message=messages.ALREADY_ASSIGNED,
            ),
            models.CheckConstraint(
                condition=_in_choices("state", AssignmentState), name="assignment_state_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["assignee", "state"], name="assignment_by_assignee"),
            models.Index(fields=["document"], name="assignment_by_document"),
        ]

    def __str__(self):
        return f"{self.document} → {self.assignee} ({self.get_state_display()})"
