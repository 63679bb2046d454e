"""Output serializers render what the API shows; input serializers parse what it accepts.

They are kept apart (HackSoft style): input serializers list exactly the writable fields
and reject every other key, output serializers never write.
"""

from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotations import messages
from annotations.api.validation import RejectUnknownFieldsMixin
from annotations.models import (
    Annotation,
    ClaimType,
    Document,
    Project,
    Role,
    Sentence,
    Source,
    Stance,
    VerificationStatus,
    http_url_validator,
)
from annotations.services import REVIEW_DECISIONS

# Offsets and ids beyond this are never valid; bounding them keeps them inside every
# database's integer range.
MAX_INT = 2**31 - 1
MAX_SOURCES = 100
MAX_RATIONALE = 20_000


# --- output -------------------------------------------------------------------------------


class UserSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = get_user_model()
        fields = ["id", "username"]
        read_only_fields = fields


class ClaimTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClaimType
        fields = [
            "id",
            "slug",
            "name",
            "description",
            "color",
            "shortcut",
            "position",
            "is_default",
        ]
        read_only_fields = fields


class ProjectSerializer(serializers.ModelSerializer):
    claim_types = ClaimTypeSerializer(many=True, read_only=True)
    role = serializers.SerializerMethodField(help_text="The caller's role in the project.")

    class Meta:
        model = Project
        fields = ["id", "name", "slug", "description", "created_at", "role", "claim_types"]
        read_only_fields = fields

    def get_role(self, project) -> str | None:
        # ``caller_role`` is annotated by the view's queryset; superusers act as owners.
        request = self.context.get("request")
        if request is not None and request.user.is_superuser:
            return Role.OWNER.value
        return getattr(project, "caller_role", None)


class SentenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sentence
        fields = ["id", "index", "start", "end", "text", "paragraph"]
        read_only_fields = fields


@extend_schema_field(
    {
        "type": "string",
        "anyOf": [{"format": "uri"}, {"maxLength": 0}],
        "description": "The source URL, or an empty string when there is none.",
    }
)
class UrlOrEmptyField(serializers.CharField):
    """A URL that may be blank: ``""`` (not null) keeps existing clients' string checks."""


class DocumentSerializer(serializers.ModelSerializer):
    """A document as listed, with its progress counts (``with_progress()``)."""

    url = UrlOrEmptyField(read_only=True)

    sentence_count = serializers.IntegerField(read_only=True)
    annotation_count = serializers.IntegerField(read_only=True)
    annotated_sentence_count = serializers.IntegerField(read_only=True)
    verified_count = serializers.IntegerField(read_only=True)
    approved_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "project",
            "title",
            "url",
            "publisher",
            "published_at",
            "language",
            "content_hash",
            "created_at",
            "sentence_count",
            "annotation_count",
            "annotated_sentence_count",
            "verified_count",
            "approved_count",
        ]
        read_only_fields = fields


class DocumentDetailSerializer(DocumentSerializer):
    sentences = SentenceSerializer(many=True, read_only=True)

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "text", "sentences"]
        read_only_fields = fields


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["id", "url", "title", "publisher", "stance", "excerpt", "accessed_at"]
        read_only_fields = fields


class AnnotationSerializer(serializers.ModelSerializer):
    """The annotation as every client sees it (API, browser page, exports).

    Needs ``Annotation.objects.with_related()`` to stay at a fixed number of queries.
    """

    sentence_index = serializers.IntegerField(source="sentence.index", read_only=True)
    claim_type_slug = serializers.CharField(source="claim_type.slug", read_only=True)
    claim_type_name = serializers.CharField(source="claim_type.name", read_only=True)
    sources = SourceSerializer(many=True, read_only=True)
    annotator = UserSummarySerializer(read_only=True)
    reviewed_by = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Annotation
        fields = [
            "id",
            "project",
            "document",
            "sentence",
            "sentence_index",
            "start",
            "end",
            "quote",
            "claim_type",
            "claim_type_slug",
            "claim_type_name",
            "verification_status",
            "rationale",
            "sources",
            "annotator",
            "review_state",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class HistoryEntrySerializer(serializers.Serializer):
    """One recorded change of the annotation or of one of its sources."""

    history_id = serializers.IntegerField()
    object = serializers.ChoiceField(choices=["annotation", "source"])
    object_id = serializers.IntegerField()
    version = serializers.IntegerField(allow_null=True)
    date = serializers.DateTimeField()
    user = UserSummarySerializer(allow_null=True)
    type = serializers.ChoiceField(
        choices=["+", "~", "-"], help_text="+ created, ~ changed, - deleted."
    )
    reason = serializers.CharField(allow_blank=True)
    changes = HistoryChangeSerializer(many=True)


# --- input --------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class VisiblePrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A foreign key the caller may reference: only rows of their own projects exist.

    ``visible(user)`` returns the queryset; anything else reads as "does not exist".
    """

    def __init__(self, *, visible, **kwargs):
        self.visible = visible
        super().__init__(queryset=None, **kwargs)

    def get_queryset(self):
        return self.visible(self.context["request"].user)

    def to_internal_value(self, data):
        if isinstance(data, bool) or (isinstance(data, int) and not 0 < data <= MAX_INT):
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


def visible_projects(user):
    return Project.objects.for_user(user)


def visible_claim_types(user):
    return ClaimType.objects.for_user(user).select_related("project")


def visible_sentences(user):
    return Sentence.objects.filter(document__in=Document.objects.for_user(user)).select_related(
        "document"
    )


class StrictSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    pass


def offset_field(help_text: str):
    return serializers.IntegerField(
        min_value=0, max_value=MAX_INT, required=False, help_text=help_text
    )


class SourceInputSerializer(StrictSerializer):
    id = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_INT, help_text="Update this existing source."
    )
    url = serializers.CharField(max_length=2000, validators=[http_url_validator])
    title = serializers.CharField(max_length=500, required=False, allow_blank=True)
    publisher = serializers.CharField(max_length=200, required=False, allow_blank=True)
    stance = serializers.ChoiceField(choices=Stance.choices, required=False)
    excerpt = serializers.CharField(
        max_length=MAX_RATIONALE, required=False, allow_blank=True, trim_whitespace=False
    )
    accessed_at = serializers.DateField(required=False, allow_null=True)


class AnnotationWriteSerializer(StrictSerializer):
    """Fields a client may change on an annotation (the PATCH body; all optional)."""

    claim_type = VisiblePrimaryKeyField(visible=visible_claim_types, required=False)
    start = offset_field("Span start: an offset into the document text, inside the sentence.")
    end = offset_field("Span end (exclusive), inside the sentence.")
    verification_status = serializers.ChoiceField(
        choices=VerificationStatus.choices, required=False
    )
    rationale = serializers.CharField(
        max_length=MAX_RATIONALE, required=False, allow_blank=True, trim_whitespace=False
    )
    sources = SourceInputSerializer(
        many=True,
        required=False,
        max_length=MAX_SOURCES,
        help_text="Replaces the set of sources; items with an id update that source.",
    )


class AnnotationCreateSerializer(AnnotationWriteSerializer):
    """A new annotation; without start/end it covers the whole sentence."""

    sentence = VisiblePrimaryKeyField(visible=visible_sentences)
    claim_type = VisiblePrimaryKeyField(visible=visible_claim_types)

    field_order = ["sentence", "claim_type", "start", "end"]


class ReviewSerializer(StrictSerializer):
    decision = serializers.ChoiceField(choices=sorted(REVIEW_DECISIONS))
    comment = serializers.CharField(max_length=MAX_RATIONALE, required=False, allow_blank=True)


class DocumentCreateSerializer(StrictSerializer):
    """A new document: JSON with ``title`` and ``text``, or a multipart ``file`` upload."""

    project = VisiblePrimaryKeyField(visible=visible_projects)
    title = serializers.CharField(max_length=500, required=False)
    text = serializers.CharField(required=False, trim_whitespace=False)
    file = serializers.FileField(
        required=False, help_text=".txt, .md, .html, .json or .jsonl holding one document."
    )
    url = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, validators=[http_url_validator]
    )
    publisher = serializers.CharField(max_length=200, required=False, allow_blank=True)
    published_at = serializers.DateTimeField(required=False, allow_null=True)
    language = serializers.CharField(max_length=20, required=False)

    def validate(self, attrs):
        has_text, has_file = "text" in attrs, "file" in attrs
        if has_text == has_file:
            raise serializers.ValidationError({"text": [messages.API_TEXT_OR_FILE]})
        if has_text and not attrs.get("title", "").strip():
            raise serializers.ValidationError({"title": [messages.MISSING_TITLE]})
        return attrs
