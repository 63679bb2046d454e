"""Query-string filters of the list endpoints; the same names as the export's.

A ``project`` or ``document`` id the caller cannot see answers 404, exactly like an id
that does not exist; other ids simply match nothing, since every list is already limited
to the caller's projects.
"""

from functools import partial

import django_filters
from django import forms
from django_filters.constants import EMPTY_VALUES
from rest_framework.exceptions import NotFound

from annotations import messages
from annotations.models import (
    MAX_ID,
    Annotation,
    Assignment,
    AssignmentState,
    Document,
    Project,
    ReviewState,
    VerificationStatus,
)


class IdFilter(django_filters.NumberFilter):
    """A positive integer id; anything else answers 400 naming the parameter."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class VisibleIdFilter(IdFilter):
    """An id of a project or document that must be among the caller's (404 otherwise).

    A view that sets ``request.deferred_visibility_checks`` to a list gets the checks
    appended there instead, to run only when no row matches: in a list already limited to
    the caller's projects, any row of that project or document proves it is theirs, and
    the query that checks it is saved.
    """

    def __init__(self, *args, model, not_found: str, **kwargs):
        self.visible_model = model  # not ``model``: FilterSet sets that to its own model
        self.not_found = not_found
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        request = self.parent.request
        check = partial(self.require_visible, request.user, value)
        deferred = getattr(request, "deferred_visibility_checks", None)
        if deferred is None:
            check()
        else:
            deferred.append(check)
        return super().filter(qs, value)

    def require_visible(self, user, value):
        require_visible(self.visible_model, user, value, self.not_found)


def require_visible(model, user, pk, not_found: str) -> None:
    if not model.objects.for_user(user).filter(pk=pk).exists():
        raise NotFound(not_found.format(key=pk))


def require_visible_document(user, pk) -> None:
    """404 as the ``document`` filter answers, unless the document is in ``user``'s projects."""
    require_visible(Document, user, pk, messages.EXPORT_NO_SUCH_DOCUMENT)


class ChoiceInFilter(django_filters.BaseInFilter, django_filters.ChoiceFilter):
    """One value or several separated by commas, each one of ``choices``."""


def project_filter(field_name="project_id"):
    return VisibleIdFilter(
        field_name=field_name,
        model=Project,
        not_found=messages.EXPORT_NO_SUCH_PROJECT,
        help_text="Project id.",
    )


def document_filter():
    return VisibleIdFilter(
        field_name="document_id",
        model=Document,
        not_found=messages.EXPORT_NO_SUCH_DOCUMENT,
        help_text="Document id.",
    )


class AnnotationFilter(django_filters.FilterSet):
    project = project_filter()
    document = document_filter()
    sentence = IdFilter(field_name="sentence_id", help_text="Sentence id.")
    claim_type = IdFilter(field_name="claim_type_id", help_text="Claim type id.")
    claim_type_slug = django_filters.CharFilter(
        field_name="claim_type__slug", max_length=50, help_text="Claim type slug."
    )
    verification_status = ChoiceInFilter(
        choices=VerificationStatus.choices,
        help_text="One status or several separated by commas.",
    )
    review_state = ChoiceInFilter(
        choices=ReviewState.choices,
        help_text="One review state or several separated by commas.",
    )
    annotator = IdFilter(field_name="annotator_id", help_text="User id of the annotator.")
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="ISO 8601 date-time; annotations changed at or after it (incremental pulls).",
    )

    class Meta:
        model = Annotation
        fields = []


class DocumentFilter(django_filters.FilterSet):
    project = project_filter()

    class Meta:
        model = Document
        fields = []


class AssignmentFilter(django_filters.FilterSet):
    project = project_filter("document__project_id")
    document = document_filter()
    assignee = IdFilter(field_name="assignee_id", help_text="User id of the assignee.")
    state = ChoiceInFilter(
        choices=AssignmentState.choices, help_text="One state or several separated by commas."
    )

    class Meta:
        model = Assignment
        fields = []
