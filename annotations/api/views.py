"""Token login and documents (projects: ``project_views``). Views only parse, call a service,
and render."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.filters import SearchFilter
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from annotations import importers, login_limits, messages, permissions, services
from annotations.api import schema
from annotations.api.base import ApiListView, ApiView
from annotations.api.filters import DocumentFilter
from annotations.api.parsers import JSONParser, require_body
from annotations.api.serializers import (
    DocumentCreateSerializer,
    DocumentDetailSerializer,
    DocumentSerializer,
)
from annotations.api.validation import reject_oversized_body
from annotations.models import Document, Sentence


class TokenLoginSerializer(AuthTokenSerializer):
    """DRF's username + password check, within the failed-attempt limits (429 beyond)."""

    def validate(self, attrs):
        with login_limits.login_attempt(self.context["request"], attrs["username"]):
            return super().validate(attrs)


class TokenLoginView(ObtainAuthToken):
    """Exchange a username and password for an API token (failed attempts are limited)."""

    authentication_classes = ()
    parser_classes = [JSONParser, FormParser, MultiPartParser]  # flat fields: forms work
    serializer_class = TokenLoginSerializer

    def initial(self, request, *args, **kwargs):
        reject_oversized_body(request)
        super().initial(request, *args, **kwargs)

    @extend_schema(
        operation_id="auth_token_create",
        responses={
            200: inline_serializer("Token", fields={"token": serializers.CharField()}),
            400: schema.VALIDATION,
            429: OpenApiResponse(schema.ERROR, description="Too many attempts."),
        },
    )
    def post(self, request, *args, **kwargs):
        require_body(request)
        return super().post(request, *args, **kwargs)


# --- documents ----------------------------------------------------------------------------

# Which request field an import error is about, when the text came in the JSON body.
IMPORT_ERROR_FIELDS = {"missing_title": "title"}


class DocumentListView(ApiListView):
    """Documents of your projects with progress counts; owners add documents here."""

    serializer_class = DocumentSerializer
    parser_classes = [JSONParser, MultiPartParser]  # a file upload is multipart
    filterset_class = DocumentFilter
    filter_backends = [*ApiView.filter_backends, SearchFilter]
    search_fields = ["title"]
    ordering_fields = ["id", "title", "created_at", "published_at"]

    def get_queryset(self):
        # Meta.ordering is ignored by aggregating queries; order explicitly.
        return (
            Document.objects.for_user(self.request.user)
            .with_progress()
            .defer("text")  # lists never show it; it may be megabytes per row
            .order_by("-created_at", "-id")
        )

    @extend_schema(
        request={
            "application/json": DocumentCreateSerializer,
            "multipart/form-data": DocumentCreateSerializer,
        },
        responses={
            201: DocumentDetailSerializer,
            400: schema.VALIDATION,
            403: schema.FORBIDDEN,
            409: OpenApiResponse(
                inline_serializer(
                    "DuplicateDocument",
                    fields={
                        "detail": serializers.CharField(),
                        "document": serializers.IntegerField(),
                    },
                ),
                description="The same text is already in the project; `document` is its id.",
            ),
            413: schema.TOO_LARGE,
        },
    )
    def post(self, request):
        data = self.parse(DocumentCreateSerializer)
        project = data["project"]
        if not permissions.can_manage_project(request.user, project):
            raise PermissionDenied(messages.CANNOT_ADD_DOCUMENT)
        document_input = self.document_input(data)
        try:
            document = services.import_document(
                project=project, data=document_input, created_by=request.user
            )
        except services.DocumentImportError as exc:
            if exc.code == "duplicate":
                existing = getattr(exc.document, "pk", None)
                body = {"detail": str(exc), "document": existing}
                return Response(body, status=status.HTTP_409_CONFLICT)
            field = IMPORT_ERROR_FIELDS.get(exc.code, "file" if "file" in data else "text")
            raise exceptions.ValidationError({field: [str(exc)]}) from exc
        document = self.detail_queryset().get(pk=document.pk)
        return Response(
            DocumentDetailSerializer(document, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api-document-detail", args=[document.pk])},
        )

    def detail_queryset(self):
        return document_detail_queryset(self.request.user)

    @staticmethod
    def document_input(data) -> services.DocumentInput:
        metadata = {
            name: data[name]
            for name in ("title", "url", "publisher", "published_at", "language")
            if name in data
        }
        if "text" in data:
            return services.DocumentInput(text=data["text"], **metadata)
        upload = data["file"]
        try:
            inputs = importers.read_file(upload.name, upload.read())
        except services.DocumentImportError as exc:
            raise exceptions.ValidationError({"file": [str(exc)]}) from exc
        if len(inputs) != 1:
            message = messages.ONE_DOCUMENT_PER_UPLOAD.format(count=len(inputs))
            raise exceptions.ValidationError({"file": [message]})
        document_input = inputs[0]
        for name, value in metadata.items():
            setattr(document_input, name, value)
        return document_input


def document_detail_queryset(user):
    return (
        Document.objects.for_user(user)
        .with_progress()
        .prefetch_related(Prefetch("sentences", queryset=Sentence.objects.order_by("index")))
    )


class DocumentDetailView(ApiView):
    """A document with its text and its sentences in reading order."""

    serializer_class = DocumentDetailSerializer

    def get_queryset(self):
        return document_detail_queryset(self.request.user)

    @extend_schema(responses={200: DocumentDetailSerializer, 404: schema.NOT_FOUND})
    def get(self, request, pk):
        return Response(self.get_serializer(self.get_object()).data)
