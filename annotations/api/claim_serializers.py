"""What the claims API shows and accepts (output and input serializers kept apart)."""

from rest_framework import serializers

from annotations.api.serializers import (
    MAX_INT,
    MAX_RATIONALE,
    StrictSerializer,
    UserSummarySerializer,
    VisiblePrimaryKeyField,
    visible_claims,
    visible_projects,
    visible_sentences,
)
from annotations.models import Annotation, Claim, Document, VerificationStatus

MAX_CLAIM_TEXT = 5_000
MAX_LINKED = 500
MAX_SIMILAR = 20


# --- output -------------------------------------------------------------------------------


class ClaimSummarySerializer(serializers.ModelSerializer):
    """A claim as a suggestion shows it. Needs ``with_appearances()`` rows."""

    appearance_count = serializers.IntegerField(read_only=True)
    first_seen = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Claim
        fields = ["id", "text", "verification_status", "appearance_count", "first_seen"]
        read_only_fields = fields


class ClaimSerializer(ClaimSummarySerializer):
    reviewed_by = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta(ClaimSummarySerializer.Meta):
        fields = [
            "id",
            "project",
            "text",
            "verification_status",
            "rating_explanation",
            "reviewed_by",
            "reviewed_at",
            "appearance_count",
            "first_seen",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class SimilarClaimSerializer(serializers.Serializer):
    claim = ClaimSummarySerializer()
    score = serializers.FloatField(min_value=0, max_value=1)


class AppearanceDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Document
        fields = ["id", "title", "url", "publisher", "published_at"]
        read_only_fields = fields


class AppearanceSerializer(serializers.ModelSerializer):
    """One annotation linked to the claim: where it appeared and the annotator's verdict."""

    document = AppearanceDocumentSerializer(read_only=True)
    annotator = UserSummarySerializer(read_only=True)

    class Meta:
        model = Annotation
        fields = [
            "id",
            "document",
            "sentence",
            "start",
            "end",
            "quote",
            "verification_status",
            "annotator",
            "created_at",
        ]
        read_only_fields = fields


# --- input --------------------------------------------------------------------------------


def claim_text_field(**kwargs):
    return serializers.CharField(max_length=MAX_CLAIM_TEXT, **kwargs)


class ClaimCreateSerializer(StrictSerializer):
    project = VisiblePrimaryKeyField(visible=visible_projects)
    text = claim_text_field(help_text="The claim's canonical wording.")
    annotations = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_INT),
        required=False,
        max_length=MAX_LINKED,
        help_text="Ids of annotations of the project to link as its first appearances.",
    )


class ClaimWriteSerializer(StrictSerializer):
    """Fields the desk may change on a claim (the PATCH body; all optional)."""

    text = claim_text_field(required=False)
    verification_status = serializers.ChoiceField(
        choices=VerificationStatus.choices, required=False
    )
    rating_explanation = serializers.CharField(
        max_length=MAX_RATIONALE, required=False, allow_blank=True
    )


class MergeSerializer(StrictSerializer):
    """``{"from": id}``: the claim whose appearances move here, then deleted."""

    def get_fields(self):
        # "from" is a Python keyword, so it cannot be declared as a class attribute.
        return {"from": VisiblePrimaryKeyField(visible=visible_claims, help_text="Claim id.")}


class SimilarQuerySerializer(StrictSerializer):
    project = VisiblePrimaryKeyField(visible=visible_projects)
    text = claim_text_field(required=False, help_text="The sentence or annotation text.")
    sentence = VisiblePrimaryKeyField(
        visible=visible_sentences, required=False, help_text="Or a sentence id instead of text."
    )
    limit = serializers.IntegerField(min_value=1, max_value=MAX_SIMILAR, default=5)


class CopyVerdictSerializer(StrictSerializer):
    sources = serializers.BooleanField(
        default=False,
        help_text="Also add the sources of the claim's other appearances (each URL once).",
    )
