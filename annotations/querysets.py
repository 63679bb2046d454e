"""The reading vocabulary: every list a user sees starts from ``for_user``."""

from django.db import models
from django.db.models.functions import Coalesce


def member_project_ids(user):
    """Subquery of the ids of projects ``user`` belongs to."""
    from annotations.models import Membership

    return Membership.objects.filter(user=user).values("project_id")


def with_caller_role(queryset, user, project_field: str):
    """Annotate each row with ``user``'s role in its project, read in the same query.

    ``permissions.role_in(user, ..., annotated=row)`` then answers without a query of its
    own; ``caller_id`` records whose role it is.
    """
    from annotations.models import Membership

    role = Membership.objects.filter(project=models.OuterRef(project_field), user=user.pk)
    return queryset.annotate(
        caller_role=models.Subquery(role.values("role")[:1]),
        caller_id=models.Value(user.pk, output_field=models.BigIntegerField()),
    )


def blind_document_ids(user):
    """Subquery of the documents ``user`` annotates blind, the one rule of independent
    annotation: in a project with ``independent_annotation``, an annotator (not a reviewer
    or owner there) whose assignment of the document is not done yet.

    Annotators without an assignment of a document are not working on it blind, so the
    rule does not apply to them; superusers act as owners. ``permissions.works_blind``
    is the same rule for one member, without a query.
    """
    from annotations.models import Assignment, AssignmentState, Membership
    from annotations.permissions import EDITOR_ROLES

    edited = Membership.objects.filter(user=user, role__in=EDITOR_ROLES).values("project_id")
    return (
        Assignment.objects.filter(assignee=user, document__project__independent_annotation=True)
        .exclude(state=AssignmentState.DONE)
        .exclude(document__project__in=edited)
        .values("document_id")
    )


def visible_annotations(user, prefix: str = "") -> models.Q:
    """Which annotations (or their history rows, through ``prefix``) ``user`` may see,
    membership aside: their own, and anyone's on documents they do not annotate blind."""
    if not user.is_authenticated or user.is_superuser:  # see ``for_user``: nothing else
        return models.Q()
    return models.Q(**{f"{prefix}annotator_id": user.pk}) | ~models.Q(
        **{f"{prefix}document_id__in": blind_document_ids(user)}
    )


class ScopedToProjectQuerySet(models.QuerySet):
    """Rows that belong to a project through a ``project`` foreign key."""

    project_field = "project"

    def for_user(self, user):
        # ``representation.compiled`` reuses SQL built for one user for every user alike in
        # is_authenticated, is_active and is_superuser: branch on nothing else of the user.
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(**{f"{self.project_field}__in": member_project_ids(user)})


class ProjectQuerySet(ScopedToProjectQuerySet):
    project_field = "pk"


class DocumentQuerySet(ScopedToProjectQuerySet):
    def with_progress(self, user=None):
        """Counts shown wherever documents are listed, in the same query.

        One correlated subquery per count: joining sentences and annotations in a single
        GROUP BY would multiply them (sentences x annotations rows per document). Given
        ``user``, annotations count only if they may see them: how many marks others made
        on a document one annotates blind is a hint of what they marked.
        """
        from annotations.models import VERIFIED_STATUSES, Annotation, ReviewState, Sentence

        visible = visible_annotations(user) if user is not None else models.Q()

        def count(model, expression="pk", **filters):
            rows = model.objects.filter(document=models.OuterRef("pk"), **filters).order_by()
            if model is Annotation:
                rows = rows.filter(visible)
            counted = rows.values("document").annotate(n=expression).values("n")
            return Coalesce(models.Subquery(counted, output_field=models.IntegerField()), 0)

        return self.annotate(
            sentence_count=count(Sentence, models.Count("pk")),
            annotation_count=count(Annotation, models.Count("pk")),
            annotated_sentence_count=count(Annotation, models.Count("sentence", distinct=True)),
            verified_count=count(
                Annotation, models.Count("pk"), verification_status__in=VERIFIED_STATUSES
            ),
            approved_count=count(Annotation, models.Count("pk"), review_state=ReviewState.APPROVED),
        )


class AnnotationQuerySet(ScopedToProjectQuerySet):
    def for_user(self, user):
        """The annotations of ``user``'s projects that independent annotation lets them see."""
        return super().for_user(user).visible_to(user)

    def visible_to(self, user):
        """Without others' annotations on documents ``user`` annotates blind (see
        ``blind_document_ids``); for querysets already scoped to a project the user is in."""
        return self.filter(visible_annotations(user))

    def in_document(self, document):
        return self.filter(document=document)

    def with_related(self):
        """Everything an annotation is shown with, in a fixed number of queries."""
        return self.select_related(
            "sentence", "document", "claim_type", "annotator", "reviewed_by", "project"
        ).prefetch_related("sources")

    def for_editing(self, user):
        """What a change needs and its response shows, in two queries: the row with its
        sentence, claim type and users, ``user``'s role in its project, and its sources.

        The document (and its text, possibly megabytes) is not read: the quote is cut from
        the sentence.
        """
        rows = self.select_related("sentence", "claim_type", "annotator", "reviewed_by")
        return with_caller_role(rows, user, "project").prefetch_related("sources")


class ClaimQuerySet(ScopedToProjectQuerySet):
    def with_appearances(self, user=None):
        """``appearance_count`` and ``first_seen`` (the earliest appearance's publication
        date, or when it was annotated if its document has none), in the same query.

        Given ``user``, of the appearances they may see: a claim stays the desk's and is
        shown to every member, but others' annotations hidden by independent annotation
        are not counted.
        """
        visible = visible_annotations(user, "appearances__") if user is not None else None
        return self.annotate(
            appearance_count=models.Count("appearances", distinct=True, filter=visible),
            first_seen=models.Min(
                Coalesce("appearances__document__published_at", "appearances__created_at"),
                filter=visible,
            ),
        )


class AssignmentQuerySet(ScopedToProjectQuerySet):
    project_field = "document__project"

    def done(self):
        """Finished: whose annotators count for agreement and see everything of the document."""
        return self.filter(state="done")

    def open(self):
        """Not finished yet (assigned or in progress)."""
        return self.exclude(state="done")

    def with_related(self):
        """What an assignment is shown with (document title, project, users), in one query."""
        return self.select_related("document", "assignee", "assigned_by").defer("document__text")

    def visible_to(self, user):
        """Assignments ``user`` may see: all in projects they review or own, else their own.

        Annotators see only theirs, so who else was handed a document stays with the desk.
        """
        from annotations.models import Membership
        from annotations.permissions import EDITOR_ROLES

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        edited = Membership.objects.filter(user=user, role__in=EDITOR_ROLES).values("project_id")
        return self.for_user(user).filter(
            models.Q(document__project__in=edited) | models.Q(assignee=user)
        )
