"""Annotations: list, create (one or many), read, edit with If-Match, delete, review, history.

Responses are built by ``annotations.representation`` from what the service just wrote or
from plain rows; ``AnnotationSerializer`` describes that shape for the OpenAPI schema.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from annotations import representation, services
from annotations.api import annotation_input, history, schema
from annotations.api.base import ApiListView, ApiView
from annotations.api.concurrency import etag_for, expected_version, version_etag
from annotations.api.errors import django_validation_detail
from annotations.api.filters import AnnotationFilter, require_visible_document
from annotations.api.pagination import BoundedCountPagination
from annotations.api.parsers import require_body
from annotations.api.serializers import (
    AnnotationBulkSerializer,
    AnnotationCreateSerializer,
    AnnotationSerializer,
    AnnotationWriteSerializer,
    HistoryEntrySerializer,
    ReviewSerializer,
)
from annotations.models import MAX_ID, Annotation
from annotations.services import annotation_updates, annotations_sql


def annotation_response(annotation: Annotation, *, status_code=status.HTTP_200_OK, headers=None):
    """The annotation as the service left it (what is now stored), its version as the ETag.

    Sources are the ones the service saved, else the ones read with the annotation.
    """
    sources = getattr(annotation, "saved_sources", None)
    if sources is None:
        sources = annotation.sources.all()
    return Response(
        representation.represent(annotation, sources),
        status=status_code,
        headers={"ETag": etag_for(annotation), **(headers or {})},
    )


class AnnotationQuerysetMixin:
    def get_queryset(self):
        return Annotation.objects.for_user(self.request.user).for_editing(self.request.user)

    def get_object(self):
        """What ``get_queryset()`` holds for this id, in one query on PostgreSQL."""
        found = annotation_updates.annotation_for_editing(self.request.user, self.kwargs["pk"])
        if found is None:
            raise Http404("No Annotation matches the given query.")
        return found


# Query parameters of ``GET /annotations/?document=<id>``, what clients load a document with.
DOCUMENT_ONLY_PARAMS = frozenset({"document", "page", "page_size"})


def document_only(params) -> int | None:
    """The id asked for when the query is only ``document`` (with page and page size, each
    once, as plain positive numbers), else None: anything else, or any value the filters
    and validation would reject, takes the filters' way and gets their answer."""
    if "document" not in params or not params.keys() <= DOCUMENT_ONLY_PARAMS:
        return None
    values = [params.getlist(name) for name in params]
    if any(len(given) != 1 or not given[0].isascii() or not given[0].isdigit() for given in values):
        return None
    document = int(params["document"])
    return document if 1 <= document <= MAX_ID else None


class AnnotationListView(ApiListView):
    """Annotations of your projects, filtered; anyone in the project may add one."""

    serializer_class = AnnotationSerializer
    filterset_class = AnnotationFilter
    pagination_class = BoundedCountPagination
    ordering_fields = [
        "id",
        "created_at",
        "updated_at",
        "document",
        "start",
        "verification_status",
        "review_state",
    ]

    def get_queryset(self):
        return Annotation.objects.for_user(self.request.user)

    def list(self, request, *args, **kwargs):
        # The filters' 404 for a project or document the caller cannot see is only checked
        # when no row matches (see ``VisibleIdFilter``), and before any error of the page.
        request.deferred_visibility_checks = checks = []
        try:
            document = document_only(request.query_params)
            if document is not None:  # a document's data: its SQL is compiled once
                checks.append(lambda: require_visible_document(request.user, document))
                page = representation.document_annotations(
                    request.user, document, self.paginate_queryset
                )
            else:
                queryset = self.filter_queryset(self.get_queryset())
                page = representation.annotation_list(queryset, self.paginate_queryset)
        except (exceptions.NotFound, exceptions.ValidationError):
            for check in checks:
                check()
            raise
        if self.paginator.count == 0:
            for check in checks:
                check()
        return self.get_paginated_response(page)

    @extend_schema(
        request=AnnotationCreateSerializer,
        responses={
            201: AnnotationSerializer,
            400: schema.VALIDATION,
            403: schema.FORBIDDEN,
            413: schema.TOO_LARGE,
        },
        description="Creates an annotation; the response carries its version as the ETag.",
    )
    def post(self, request):
        created = _create_fast(request, annotation_input.create_item)
        if created is not None:
            row = created[0]
            return Response(
                representation.represent_written(row),
                status=status.HTTP_201_CREATED,
                headers={
                    "ETag": version_etag(row["version"]),
                    "Location": reverse("api-annotation-detail", args=[row["id"]]),
                },
            )
        data = self.parse(AnnotationCreateSerializer)
        annotation = services.create_annotation(user=request.user, **data)
        location = reverse("api-annotation-detail", args=[annotation.pk])
        return annotation_response(
            annotation, status_code=status.HTTP_201_CREATED, headers={"Location": location}
        )


def _create_fast(request, read):
    """The rows stored by the PostgreSQL fast path, or None for the general path.

    ``read`` turns the body into items (``annotation_input``); it and the service both
    answer None for anything they leave to the serializers and ``services.create_annotations``,
    which then answer it, errors included.
    """
    if not annotations_sql.available():
        return None
    require_body(request)
    items = read(request.data)
    if items is None:
        return None
    return services.create_annotations_sql(
        user=request.user, items=items if isinstance(items, list) else [items]
    )


BULK_CREATED = inline_serializer(
    "BulkCreated",
    fields={
        "created": serializers.ListField(
            child=serializers.IntegerField(), help_text="Ids of the new annotations, in order."
        )
    },
)


class AnnotationBulkView(ApiView):
    """Many annotations in one request: all are stored, or none."""

    serializer_class = AnnotationBulkSerializer
    pagination_class = None
    queryset = Annotation.objects.none()  # for the schema; post() writes through the service

    @extend_schema(
        request=AnnotationBulkSerializer,
        responses={
            201: BULK_CREATED,
            400: schema.VALIDATION,
            403: schema.FORBIDDEN,
            413: schema.TOO_LARGE,
        },
        description="Creates up to 1,000 annotations, each item the body of POST "
        "/annotations/, with the same checks and history. Any bad item answers 400 "
        '{"annotations": {"<index>": {...}}} and nothing is stored.',
    )
    def post(self, request):
        created = _create_fast(request, annotation_input.bulk_items)
        if created is not None:
            return Response(
                {"created": [row["id"] for row in created]}, status=status.HTTP_201_CREATED
            )
        items, invalid = self.parse(AnnotationBulkSerializer)["annotations"]
        try:
            annotations = services.create_annotations(
                user=request.user, items=items, invalid=invalid
            )
        except services.BulkValidationError as exc:
            detail = {
                str(index): error if index in invalid else django_validation_detail(error)
                for index, error in sorted(exc.errors.items())
            }
            raise exceptions.ValidationError({"annotations": detail}) from exc
        return Response(
            {"created": [annotation.pk for annotation in annotations]},
            status=status.HTTP_201_CREATED,
        )


class AnnotationDetailView(AnnotationQuerysetMixin, ApiView):
    serializer_class = AnnotationSerializer

    @extend_schema(
        responses={200: AnnotationSerializer, 404: schema.NOT_FOUND},
        description="The annotation; its version is the ETag to send back as If-Match.",
    )
    def get(self, request, pk):
        return annotation_response(self.get_object())

    @extend_schema(
        parameters=[schema.IF_MATCH],
        request=AnnotationWriteSerializer,
        responses={200: AnnotationSerializer, **schema.IF_MATCH_WRITE},
        description="Change an annotation. Sources given replace the set (items with an id "
        "update that source). Needs If-Match; answers with the new ETag.",
    )
    def patch(self, request, pk):
        annotation = self.get_object()  # 404 before 428: unknown objects reveal nothing
        version = expected_version(request)
        data = self.parse(AnnotationWriteSerializer)
        services.update_annotation(
            user=request.user, annotation=annotation, expected_version=version, **data
        )
        return annotation_response(annotation)

    @extend_schema(
        parameters=[schema.IF_MATCH],
        responses={
            204: None,
            403: schema.FORBIDDEN,
            404: schema.NOT_FOUND,
            412: schema.CONFLICT,
            428: schema.PRECONDITION_REQUIRED,
        },
    )
    def delete(self, request, pk):
        annotation = self.get_object()  # 404 before 428: unknown objects reveal nothing
        version = expected_version(request)
        services.delete_annotation(
            user=request.user, annotation=annotation, expected_version=version
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class AnnotationReviewView(AnnotationQuerysetMixin, ApiView):
    serializer_class = AnnotationSerializer

    @extend_schema(
        parameters=[schema.IF_MATCH_OPTIONAL],
        request=ReviewSerializer,
        responses={
            200: AnnotationSerializer,
            400: schema.VALIDATION,
            403: schema.FORBIDDEN,
            404: schema.NOT_FOUND,
            412: schema.CONFLICT,
        },
        description="Reviewers and owners approve an annotation or request changes.",
    )
    def post(self, request, pk):
        annotation = self.get_object()
        version = expected_version(request, required=False)
        data = self.parse(ReviewSerializer)
        services.review_annotation(
            user=request.user, annotation=annotation, expected_version=version, **data
        )
        return annotation_response(annotation)


class AnnotationHistoryView(ApiView):
    """Every recorded change of the annotation and its sources, newest first."""

    serializer_class = HistoryEntrySerializer
    pagination_class = None
    queryset = Annotation.objects.none()  # for the schema; get() scopes to the caller

    @extend_schema(responses={200: HistoryEntrySerializer(many=True), 404: schema.NOT_FOUND})
    def get(self, request, pk):
        annotation = get_object_or_404(Annotation.objects.for_user(request.user), pk=pk)
        entries = history.annotation_history(annotation)
        return Response(HistoryEntrySerializer(entries, many=True).data)
