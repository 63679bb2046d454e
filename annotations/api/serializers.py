"""Output serializers render what the API shows; input serializers parse what it accepts.

They are kept apart (HackSoft style): input serializers list exactly the writable fields
and reject every other key, output serializers never write.
"""

import contextlib
import re

from django.contrib.auth import get_user_model
from django.db.models import F
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from annotations import messages
from annotations.api.validation import RejectUnknownFieldsMixin
from annotations.models import (
    Annotation,
    Claim,
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
from annotations.querysets import with_caller_role
from annotations.representation import DOCUMENT_COLUMNS, SENTENCE_COLUMNS
from annotations.services import MAX_BULK_ANNOTATIONS, REVIEW_DECISIONS

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
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "independent_annotation",
            "created_at",
            "role",
            "claim_types",
        ]
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
        fields = list(SENTENCE_COLUMNS)
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
        # The columns ``representation.document_detail`` reads, then the counts.
        fields = [
            *DOCUMENT_COLUMNS,
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
            "claim",
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


def visible_claims(user):
    return Claim.objects.for_user(user)


def visible_sentences(user):
    """Sentences the caller may annotate, with their project and the caller's role in it.

    The document is not read (its text may be megabytes): ``document_project_id`` is all a
    save needs of it.
    """
    rows = (
        Sentence.objects.filter(document__in=Document.objects.for_user(user))
        .only("index", "start", "end", "text", "document_id")
        .annotate(document_project_id=F("document__project_id"))
    )
    return with_caller_role(rows, user, "document__project")


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
    claim = VisiblePrimaryKeyField(
        visible=visible_claims,
        required=False,
        allow_null=True,
        help_text="The claim (of the same project) this annotation repeats, or null.",
    )


class AnnotationCreateSerializer(AnnotationWriteSerializer):
    """A new annotation; without start/end it covers the whole sentence."""

    sentence = VisiblePrimaryKeyField(visible=visible_sentences)
    claim_type = VisiblePrimaryKeyField(visible=visible_claim_types)

    field_order = ["sentence", "claim_type", "start", "end"]


class BatchPrimaryKeyField(serializers.Field):
    """An id that ``BulkAnnotationsField`` looks up for all items at once.

    Refuses what ``VisiblePrimaryKeyField`` refuses, with its messages.
    """

    default_error_messages = serializers.PrimaryKeyRelatedField.default_error_messages

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            # The JSON type the schema gives ids, as ``check_json_types`` answers it.
            raise serializers.ValidationError(messages.EXPECTED_INTEGER)
        if not 0 < data <= MAX_INT:
            self.fail("does_not_exist", pk_value=data)
        return data

    def to_representation(self, value):
        return value


class AnnotationBulkItemSerializer(AnnotationCreateSerializer):
    sentence = BatchPrimaryKeyField()
    claim_type = BatchPrimaryKeyField()
    claim = BatchPrimaryKeyField(required=False, allow_null=True)


# The foreign keys of a bulk item and who may reference which rows.
BULK_REFERENCES = {
    "sentence": visible_sentences,
    "claim_type": visible_claim_types,
    "claim": visible_claims,
}


@extend_schema_field(AnnotationCreateSerializer(many=True))
class BulkAnnotationsField(serializers.Field):
    """A list of ``POST /annotations/`` bodies, as ``(items, errors)``.

    Every item is checked (not only up to the first bad one) with one item serializer,
    and the sentences, claim types and claims of all items are read in one query each. ``errors``
    maps the index of each bad item (None in ``items``) to what a single save would answer.
    """

    default_error_messages = {
        "not_a_list": serializers.ListField.default_error_messages["not_a_list"],
        "empty": messages.BULK_EMPTY,
        "too_many": messages.BULK_TOO_MANY,
    }

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        if not data:
            self.fail("empty")
        if len(data) > MAX_BULK_ANNOTATIONS:
            self.fail("too_many", limit=MAX_BULK_ANNOTATIONS)
        item_serializer = AnnotationBulkItemSerializer(context=self.context)
        items, errors = [], {}
        for index, item in enumerate(data):
            try:
                items.append(item_serializer.run_validation(item))
            except serializers.ValidationError as exc:
                items.append(self._references_of(item, item_serializer))
                errors[index] = exc.detail
        self._resolve(items, errors)
        # Bad items are passed on as None with their errors, so that the service can still
        # check the others (spans, duplicates) and every problem is answered at once.
        return [None if index in errors else item for index, item in enumerate(items)], errors

    @staticmethod
    def _references_of(item, item_serializer) -> dict:
        """The ids a bad item names, so that an unknown one is reported along its other errors."""
        found = {}
        if isinstance(item, dict):
            for name in BULK_REFERENCES:
                with contextlib.suppress(KeyError, serializers.ValidationError):
                    found[name] = item_serializer.fields[name].to_internal_value(item[name])
        return found

    def _resolve(self, items: list[dict], errors: dict) -> None:
        """Replace ids by rows the caller may see; report the others like a single save."""
        user = self.context["request"].user
        message = serializers.PrimaryKeyRelatedField.default_error_messages["does_not_exist"]
        for name, visible in BULK_REFERENCES.items():
            # A null (an unlinked claim) needs no row.
            wanted = {item[name] for item in items if item.get(name) is not None}
            rows = visible(user).in_bulk(wanted) if wanted else {}
            for index, item in enumerate(items):
                if item.get(name) is None:
                    continue
                row = rows.get(item[name])
                if row is None:
                    errors.setdefault(index, {})[name] = [
                        serializers.ErrorDetail(
                            message.format(pk_value=item[name]), code="does_not_exist"
                        )
                    ]
                else:
                    item[name] = row


class AnnotationBulkSerializer(StrictSerializer):
    annotations = BulkAnnotationsField(
        help_text=f"Up to {MAX_BULK_ANNOTATIONS} items, each the body of POST /annotations/."
    )


class ReviewSerializer(StrictSerializer):
    decision = serializers.ChoiceField(choices=sorted(REVIEW_DECISIONS))
    comment = serializers.CharField(max_length=MAX_RATIONALE, required=False, allow_blank=True)


def visible_projects_with_role(user):
    """The caller's projects, each with their role in it (``permissions.role_in`` reads it)."""
    return with_caller_role(visible_projects(user), user, "pk")


class VisibleProjectField(VisiblePrimaryKeyField):
    """A project of the caller's with their role in it, looked up once per request: a
    batch of documents names the same project in every record."""

    def __init__(self, **kwargs):
        super().__init__(visible=visible_projects_with_role, **kwargs)

    def to_internal_value(self, data):
        seen = self.context.setdefault("projects_seen", {})
        key = data if isinstance(data, int | str) and not isinstance(data, bool) else None
        if key is None or key not in seen:
            project = super().to_internal_value(data)
            if key is None:
                return project
            seen[key] = project
        return seen[key]


SURROGATE = re.compile("[\ud800-\udfff]")


class SurrogateCheck(ProhibitSurrogateCharactersValidator):
    """DRF's check with one regular expression instead of a Python step per character,
    which cost more than segmenting the text."""

    def __call__(self, value):
        found = SURROGATE.search(str(value))
        if found:
            message = self.message.format(code_point=ord(found.group()))
            raise serializers.ValidationError(message, code=self.code)


class DocumentTextField(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [
            SurrogateCheck() if isinstance(v, ProhibitSurrogateCharactersValidator) else v
            for v in self.validators
        ]


class DocumentCreateSerializer(StrictSerializer):
    """A new document: JSON with ``title`` and ``text``, or a multipart ``file`` upload.

    The JSON body may also be a list of such objects (without ``file``): a batch import.
    """

    project = VisibleProjectField()
    title = serializers.CharField(max_length=500, required=False)
    text = DocumentTextField(required=False, trim_whitespace=False)
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
