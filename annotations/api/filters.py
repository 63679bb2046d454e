"""Query-string filters of the list endpoints (the export takes the annotation ones too).

Ids are plain numbers rather than model choices: the list is already limited to the
caller's projects, so an id from another project simply matches nothing and reveals
nothing.
"""

import django_filters
from django import forms

from annotations.models import Annotation, Document, ReviewState, VerificationStatus


class IdFilter(django_filters.NumberFilter):
    """A positive integer id; anything else answers 400 naming the parameter."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)

    field_class = forms.IntegerField


class AnnotationFilter(django_filters.FilterSet):
    project = IdFilter(field_name="project_id", help_text="Project id.")
    document = IdFilter(field_name="document_id", help_text="Document id.")
    sentence = IdFilter(field_name="sentence_id", help_text="Sentence id.")
    claim_type = IdFilter(field_name="claim_type_id", help_text="Claim type id.")
    claim_type_slug = django_filters.CharFilter(
        field_name="claim_type__slug", max_length=50, help_text="Claim type slug."
    )
    verification_status = django_filters.ChoiceFilter(choices=VerificationStatus.choices)
    review_state = django_filters.ChoiceFilter(choices=ReviewState.choices)
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
    project = IdFilter(field_name="project_id", help_text="Project id.")

    class Meta:
        model = Document
        fields = []
