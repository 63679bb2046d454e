"""The reading vocabulary: every list a user sees starts from ``for_user``."""

from django.db import models


def member_project_ids(user):
    """Subquery of the ids of projects ``user`` belongs to."""
    from annotations.models import Membership

    return Membership.objects.filter(user=user).values("project_id")


class ScopedToProjectQuerySet(models.QuerySet):
    """Rows that belong to a project through a ``project`` foreign key."""

    project_field = "project"

    def for_user(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(**{f"{self.project_field}__in": member_project_ids(user)})


class ProjectQuerySet(ScopedToProjectQuerySet):
    project_field = "pk"


class DocumentQuerySet(ScopedToProjectQuerySet):
    def with_progress(self):
        """Counts shown wherever documents are listed, in the same query."""
        from annotations.models import VERIFIED_STATUSES, ReviewState

        sentences = models.Count("sentences", distinct=True)
        annotated = models.Count("annotations__sentence", distinct=True)
        return self.annotate(
            sentence_count=sentences,
            annotation_count=models.Count("annotations", distinct=True),
            annotated_sentence_count=annotated,
            verified_count=models.Count(
                "annotations",
                filter=models.Q(annotations__verification_status__in=VERIFIED_STATUSES),
                distinct=True,
            ),
            approved_count=models.Count(
                "annotations",
                filter=models.Q(annotations__review_state=ReviewState.APPROVED),
                distinct=True,
            ),
        )


class AnnotationQuerySet(ScopedToProjectQuerySet):
    def in_document(self, document):
        return self.filter(document=document)

    def with_related(self):
        """Everything an annotation is shown with, in a fixed number of queries."""
        return self.select_related(
            "sentence", "document", "claim_type", "annotator", "reviewed_by", "project"
        ).prefetch_related("sources")
