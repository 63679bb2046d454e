"""Claims: list, create from annotations, read, edit with If-Match, delete, merge, list
appearances, the "Seen before" suggestions for a sentence, and copying a claim's verdict
into one of its appearances."""

import django_filters
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.response import Response

from annotations import messages, services
from annotations.api import schema
from annotations.api.annotation_views import AnnotationQuerysetMixin, annotation_response
from annotations.api.base import ApiListView, ApiView
from annotations.api.claim_serializers import (
    AppearanceSerializer,
    ClaimCreateSerializer,
    ClaimSerializer,
    ClaimWriteSerializer,
    CopyVerdictSerializer,
    MergeSerializer,
    SimilarClaimSerializer,
    SimilarQuerySerializer,
)
from annotations.api.concurrency import etag_for, expected_version
from annotations.api.filters import ChoiceInFilter, project_filter
from annotations.api.serializers import AnnotationSerializer
from annotations.claims.search import similar_claims
from annotations.models import Annotation, Claim, VerificationStatus

CONFLICT = OpenApiResponse(
    inline_serializer(
        "ClaimVersionConflict",
        fields={"detail": serializers.CharField(), "current": ClaimSerializer()},
    ),
    description="The If-Match version is stale; the body holds the current claim.",
)

# What every If-Match write may answer besides its success.
VERSIONED_WRITE = {
    403: schema.FORBIDDEN,
    404: schema.NOT_FOUND,
    412: CONFLICT,
    428: schema.PRECONDITION_REQUIRED,
}


def claim_response(claim: Claim, user, *, status_code=status.HTTP_200_OK, headers=None):
    """The claim as it is now in the database (counted as ``user`` may see it), with its
    version as the ETag."""
    claim = Claim.objects.with_appearances(user).select_related("reviewed_by").get(pk=claim.pk)
    return Response(
        ClaimSerializer(claim).data,
        status=status_code,
        headers={"ETag": etag_for(claim), **(headers or {})},
    )


def conflict_response(exc: services.ClaimVersionConflict) -> Response:
    if exc.current is None:
        return Response({"detail": messages.CLAIM_GONE}, status=status.HTTP_404_NOT_FOUND)
    body = {"detail": str(exc), "current": ClaimSerializer(exc.current).data}
    return Response(
        body, status=status.HTTP_412_PRECONDITION_FAILED, headers={"ETag": etag_for(exc.current)}
    )


class ClaimFilter(django_filters.FilterSet):
    project = project_filter()
    verification_status = ChoiceInFilter(
        choices=VerificationStatus.choices,
        help_text="One status or several separated by commas.",
    )
    search = django_filters.CharFilter(
        field_name="text", lookup_expr="icontains", max_length=200, help_text="Words of the text."
    )

    class Meta:
        model = Claim
        fields = []


class ClaimQuerysetMixin:
    def get_queryset(self):
        return (
            Claim.objects.for_user(self.request.user)
            .with_appearances(self.request.user)
            .select_related("reviewed_by")
            .order_by("-created_at", "-id")  # aggregating drops Meta.ordering
        )


class ClaimListView(ClaimQuerysetMixin, ApiListView):
    """Claims of your projects; any member may create one from their annotations."""

    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter
    ordering_fields = ["id", "created_at", "updated_at", "verification_status"]

    @extend_schema(
        request=ClaimCreateSerializer,
        responses={201: ClaimSerializer, 400: schema.VALIDATION, 403: schema.FORBIDDEN},
        description="Creates a claim and links the given annotations to it as appearances.",
    )
    def post(self, request):
        data = self.parse(ClaimCreateSerializer)
        claim = services.create_claim(
            user=request.user,
            project=data["project"],
            text=data["text"],
            annotations=data.get("annotations", []),
        )
        location = reverse("api-claim-detail", args=[claim.pk])
        return claim_response(
            claim, request.user, status_code=status.HTTP_201_CREATED, headers={"Location": location}
        )


class ClaimDetailView(ClaimQuerysetMixin, ApiView):
    serializer_class = ClaimSerializer

    @extend_schema(responses={200: ClaimSerializer, 404: schema.NOT_FOUND})
    def get(self, request, pk):
        return claim_response(self.get_object(), request.user)

    @extend_schema(
        parameters=[schema.IF_MATCH],
        request=ClaimWriteSerializer,
        responses={200: ClaimSerializer, 400: schema.VALIDATION, **VERSIONED_WRITE},
        description="Reviewers and owners change a claim's wording or verdict. Needs "
        "If-Match (the claim's ETag); a stale one answers 412 with the current claim.",
    )
    def patch(self, request, pk):
        claim = self.get_object()  # 404 before 428: unknown objects reveal nothing
        version = expected_version(request)
        data = self.parse(ClaimWriteSerializer)
        try:
            services.update_claim(user=request.user, claim=claim, expected_version=version, **data)
        except services.ClaimVersionConflict as exc:
            return conflict_response(exc)
        return claim_response(claim, request.user)

    @extend_schema(
        parameters=[schema.IF_MATCH],
        responses={204: None, **VERSIONED_WRITE},
        description="Reviewers and owners delete a claim; its appearances stay, unlinked.",
    )
    def delete(self, request, pk):
        claim = self.get_object()
        version = expected_version(request)
        try:
            services.delete_claim(user=request.user, claim=claim, expected_version=version)
        except services.ClaimVersionConflict as exc:
            return conflict_response(exc)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ClaimMergeView(ClaimQuerysetMixin, ApiView):
    serializer_class = ClaimSerializer

    @extend_schema(
        request=MergeSerializer,
        responses={
            200: ClaimSerializer,
            400: schema.VALIDATION,
            403: schema.FORBIDDEN,
            404: schema.NOT_FOUND,
        },
        description='Reviewers and owners merge the claim `{"from": id}` into this one: its '
        "appearances move here and it is deleted; the history of each says so.",
    )
    def post(self, request, pk):
        claim = self.get_object()
        data = self.parse(MergeSerializer)
        services.merge_claims(user=request.user, into=claim, source=data["from"])
        return claim_response(claim, request.user)


class ClaimAppearancesView(ApiListView):
    """The annotations linked to the claim, oldest first, with their documents."""

    serializer_class = AppearanceSerializer
    queryset = Annotation.objects.none()  # for the schema; get_queryset() scopes it

    def get_queryset(self):
        claim = get_object_or_404(Claim.objects.for_user(self.request.user), pk=self.kwargs["pk"])
        return (
            Annotation.objects.filter(claim=claim)
            .visible_to(self.request.user)
            .select_related("document", "annotator")
            .defer("document__text")
            .order_by("created_at", "id")
        )


class ClaimSimilarView(ApiView):
    """The claims a sentence may repeat, best first ("Seen before")."""

    serializer_class = SimilarClaimSerializer
    pagination_class = None
    queryset = Claim.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter("project", int, required=True),
            OpenApiParameter("text", str, description="The sentence or annotation text."),
            OpenApiParameter("sentence", int, description="A sentence id instead of text."),
            OpenApiParameter("limit", int, description="At most this many (1 to 20, default 5)."),
        ],
        responses={200: SimilarClaimSerializer(many=True), 400: schema.VALIDATION},
        description="Suggestions only: nothing is changed. A claim whose key facts (numbers, "
        "dates, places, persons, negation) disagree with the text is never suggested.",
    )
    def get(self, request):
        serializer = SimilarQuerySerializer(data=request.query_params, context={"request": request})
        serializer.is_valid(raise_exception=True)
        query = serializer.validated_data
        project, sentence = query["project"], query.get("sentence")
        if ("text" in query) == (sentence is not None):
            return Response(
                {"detail": messages.SIMILAR_TEXT_OR_SENTENCE}, status=status.HTTP_400_BAD_REQUEST
            )
        if sentence is not None and sentence.document.project_id != project.pk:
            return Response(
                {"sentence": [messages.SENTENCE_OTHER_PROJECT]}, status=status.HTTP_400_BAD_REQUEST
            )
        text = query["text"] if sentence is None else sentence.text
        found = similar_claims(project, text, limit=query["limit"], user=request.user)
        results = [{"claim": claim, "score": score} for claim, score in found]
        return Response({"results": SimilarClaimSerializer(results, many=True).data})


class CopyClaimVerdictView(AnnotationQuerysetMixin, ApiView):
    serializer_class = AnnotationSerializer

    @extend_schema(
        parameters=[schema.IF_MATCH],
        request=CopyVerdictSerializer,
        responses={200: AnnotationSerializer, **schema.IF_MATCH_WRITE},
        description="Copies the linked claim's verdict into the annotation: its status, its "
        'explanation appended to the rationale and, with `{"sources": true}`, the sources '
        "of the claim's other appearances (each URL once). Only on request: linking never "
        "copies. An edit like any other: needs If-Match, recorded in the history.",
    )
    def post(self, request, pk):
        annotation = self.get_object()  # 404 before 428: unknown objects reveal nothing
        version = expected_version(request)
        data = self.parse(CopyVerdictSerializer)
        services.copy_claim_verdict(
            user=request.user, annotation=annotation, expected_version=version, **data
        )
        return annotation_response(annotation)
