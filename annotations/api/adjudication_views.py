"""``/api/v1/documents/{id}/adjudicate/``: the disagreements of a document, and settling one.

Reviewers and owners. GET lists every sentence where the done assignees differ, with each
version; POST settles one sentence (``annotations.services.adjudication``) and answers it
as it now stands, with the document's "N of M resolved".
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from annotations import messages, permissions
from annotations.adjudication import Adjudication, adjudication_for
from annotations.api import schema
from annotations.api.base import ApiView
from annotations.api.serializers import (
    MAX_INT,
    MAX_RATIONALE,
    StrictSerializer,
    offset_field,
)
from annotations.models import Annotation, ClaimType, Document, Sentence, VerificationStatus
from annotations.services.adjudication import MERGED_FIELDS, adjudicate_sentence

# --- input --------------------------------------------------------------------------------


class MergedInputSerializer(StrictSerializer):
    """The reviewer's own version of the sentence's claim: it becomes the approved one."""

    claim_type = serializers.IntegerField(min_value=1, max_value=MAX_INT, help_text="Its id.")
    verification_status = serializers.ChoiceField(choices=VerificationStatus.choices)
    start = offset_field("Span start, a document offset inside the sentence; default its start.")
    end = offset_field("Span end (exclusive) inside the sentence; default its end.")
    rationale = serializers.CharField(
        max_length=MAX_RATIONALE, required=False, allow_blank=True, trim_whitespace=False
    )


class AdjudicateInputSerializer(StrictSerializer):
    sentence = serializers.IntegerField(min_value=1, max_value=MAX_INT, help_text="Sentence id.")
    accept = serializers.IntegerField(
        min_value=1,
        max_value=MAX_INT,
        required=False,
        allow_null=True,
        help_text="An annotation of the sentence: its annotator's version is accepted. "
        "null: no claim (every annotation of the sentence is not chosen).",
    )
    merged = MergedInputSerializer(required=False)

    def validate(self, attrs):
        if ("accept" in attrs) == ("merged" in attrs):
            raise serializers.ValidationError({"accept": [messages.ADJUDICATION_ACCEPT_OR_MERGED]})
        return attrs


# --- output -------------------------------------------------------------------------------


class VersionAnnotationSerializer(serializers.ModelSerializer):
    claim_type = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    claim_type_name = serializers.CharField(source="claim_type.name", read_only=True)
    color = serializers.CharField(source="claim_type.color", read_only=True)
    annotator = serializers.CharField(source="annotator.username", read_only=True)

    class Meta:
        model = Annotation
        fields = [
            "id",
            "start",
            "end",
            "quote",
            "claim_type",
            "claim_type_name",
            "color",
            "verification_status",
            "rationale",
            "annotator",
            "review_state",
        ]
        read_only_fields = fields


class VersionSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="1 for the first done assignee by username, …")
    annotator = serializers.CharField(source="annotator.username")
    annotations = VersionAnnotationSerializer(many=True, help_text="Empty: no claim.")


class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="sentence.id")
    index = serializers.IntegerField(source="sentence.index")
    start = serializers.IntegerField(source="sentence.start")
    end = serializers.IntegerField(source="sentence.end")
    text = serializers.CharField(source="sentence.text")
    resolved = serializers.BooleanField()
    decision = serializers.CharField(help_text="What was decided, in words; empty if unresolved.")
    versions = VersionSerializer(many=True)
    others = VersionAnnotationSerializer(
        many=True, help_text="Annotations by others, such as the merged one."
    )


class AdjudicationSerializer(serializers.Serializer):
    document = serializers.IntegerField(source="document.pk")
    assignees = serializers.SerializerMethodField(help_text="The done assignees, in order.")
    resolved = serializers.IntegerField(help_text="Disagreements resolved.")
    total = serializers.IntegerField(help_text="Disagreements.")
    sentences = CaseSerializer(many=True, source="cases")

    def get_assignees(self, adjudication) -> list[str]:
        return [user.username for user in adjudication.assignees]


class AdjudicationResultSerializer(serializers.Serializer):
    resolved = serializers.IntegerField()
    total = serializers.IntegerField()
    sentence = CaseSerializer()


def adjudication_data(adjudication: Adjudication) -> dict:
    """The adjudication as the API and the page's script read it."""
    return AdjudicationSerializer(adjudication).data


class AdjudicationView(ApiView):
    """A document's disagreements among its done assignees, and settling them."""

    filter_backends = []
    pagination_class = None
    serializer_class = AdjudicateInputSerializer  # what OPTIONS describes for POST

    def get_document(self, pk) -> Document:
        """404 outside the caller's projects, 403 below reviewer."""
        document = get_object_or_404(
            Document.objects.for_user(self.request.user).defer("text"), pk=pk
        )
        if not permissions.can_adjudicate(self.request.user, document.project_id):
            raise PermissionDenied(messages.CANNOT_ADJUDICATE)
        return document

    @extend_schema(
        operation_id="document_adjudication_retrieve",
        responses={
            200: AdjudicationSerializer,
            401: schema.UNAUTHORIZED,
            403: schema.FORBIDDEN,
            404: schema.NOT_FOUND,
        },
        description="Every sentence where the done assignees differ (a claim or not, claim "
        "type, verdict, span), each version with who made it, and how many are resolved.",
    )
    def get(self, request, pk):
        return Response(adjudication_data(adjudication_for(self.get_document(pk))))

    @extend_schema(
        operation_id="document_adjudication_create",
        request=AdjudicateInputSerializer,
        responses={
            200: AdjudicationResultSerializer,
            400: schema.VALIDATION,
            401: schema.UNAUTHORIZED,
            403: schema.FORBIDDEN,
            404: schema.NOT_FOUND,
            413: schema.TOO_LARGE,
        },
        description="Settles one sentence: accept an annotation's version, `null` for no "
        "claim, or a `merged` version. The accepted annotations are approved, the others of "
        "the sentence not_chosen. Needs two done assignees; deciding again replaces the "
        "earlier decision.",
    )
    def post(self, request, pk):
        document = self.get_document(pk)
        data = self.parse(AdjudicateInputSerializer)
        sentence = Sentence.objects.filter(document=document, pk=data["sentence"]).first()
        if sentence is None:
            message = messages.ADJUDICATION_SENTENCE_ELSEWHERE.format(sentence=data["sentence"])
            raise exceptions.ValidationError({"sentence": [message]})
        sentence.document = document
        accept, merged = None, data.get("merged")
        if data.get("accept") is not None:
            accept = Annotation.objects.filter(sentence=sentence, pk=data["accept"]).first()
            if accept is None:
                message = messages.ADJUDICATION_NOT_A_VERSION.format(annotation=data["accept"])
                raise exceptions.ValidationError({"accept": [message]})
        if merged is not None:
            merged = {**merged, "claim_type": self.claim_type(document, merged["claim_type"])}
        try:
            adjudicate_sentence(user=request.user, sentence=sentence, accept=accept, merged=merged)
        except DjangoValidationError as exc:
            fields = getattr(exc, "message_dict", {})
            if merged is not None and fields and set(fields) <= set(MERGED_FIELDS):
                raise exceptions.ValidationError({"merged": fields}) from exc
            raise
        whole = adjudication_for(document)
        case = next(case for case in whole.cases if case.sentence.pk == sentence.pk)
        body = {"resolved": whole.resolved, "total": whole.total, "sentence": case}
        return Response(AdjudicationResultSerializer(body).data)

    @staticmethod
    def claim_type(document, claim_type_id) -> ClaimType:
        claim_type = ClaimType.objects.filter(project_id=document.project_id, pk=claim_type_id)
        found = claim_type.first()
        if found is None:
            message = messages.CLAIM_TYPE_OTHER_PROJECT
            raise exceptions.ValidationError({"merged": {"claim_type": [message]}})
        return found
