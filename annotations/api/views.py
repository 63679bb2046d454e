"""Token login and documents (projects: ``project_views``). Views only parse, call a service,
and render."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.filters import SearchFilter
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from annotations import importers, login_limits, messages, permissions, representation, services
from annotations.api import schema
from annotations.api.base import ApiListView, ApiView
from annotations.api.filters import DocumentFilter
from annotations.api.parsers import JSONParser, require_body
from annotations.api.serializers import (
    DocumentCreateSerializer,
    DocumentDetailSerializer,
    DocumentSerializer,
)
from annotations.api.validation import RejectUnknownQueryParams, reject_oversized_body
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
# Records in one batch import (a JSON list); the request body limit applies as well.
MAX_BATCH_DOCUMENTS = 1000


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
            .with_progress(self.request.user)
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
        description=(
            "One document (JSON object or multipart upload; 201 with its sentences), or a "
            "batch: a JSON list of up to 1,000 such objects, answered 201 (200 when every "
            'record was a duplicate) with `{"created": [documents as listed], "duplicates": '
            '[{"index", "detail", "document"}]}`; an invalid record answers 400 (403 for a '
            "project you do not own) keyed by its index, and nothing is stored."
        ),
    )
    def post(self, request):
        if isinstance(request.data, list):
            return self.post_batch(request)
        data = self.parse(DocumentCreateSerializer)
        project = data["project"]
        if not can_add_documents(request.user, project):
            raise PermissionDenied(messages.CANNOT_ADD_DOCUMENT)
        document_input = self.document_input(data)
        try:
            document = services.import_document(
                project=project, data=document_input, created_by=request.user
            )
        except services.DocumentImportError as exc:
            if exc.code == "duplicate":
                return duplicate_response(exc)
            field = IMPORT_ERROR_FIELDS.get(exc.code, "file" if "file" in data else "text")
            raise exceptions.ValidationError({field: [str(exc)]}) from exc
        return Response(
            new_document_detail(document),
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api-document-detail", args=[document.pk])},
        )

    def post_batch(self, request):
        """A JSON list of document objects: all stored, duplicates skipped, or nothing."""
        records = request.data
        if not 0 < len(records) <= MAX_BATCH_DOCUMENTS:
            message = messages.BATCH_SIZE.format(limit=MAX_BATCH_DOCUMENTS)
            raise exceptions.ValidationError({"non_field_errors": [message]})
        serializer = DocumentCreateSerializer(
            data=records, many=True, context=self.get_serializer_context()
        )
        if not serializer.is_valid():
            raise exceptions.ValidationError(by_index(serializer.errors))
        items = serializer.validated_data
        allowed = {
            project.pk: can_add_documents(request.user, project)
            for project in {item["project"] for item in items}
        }
        refused = {
            index: {"project": [messages.CANNOT_ADD_DOCUMENT]}
            for index, item in enumerate(items)
            if not allowed[item["project"].pk]
        }
        if refused:
            return Response(by_index(refused), status=status.HTTP_403_FORBIDDEN)
        try:
            result = services.import_documents(
                records=[(item["project"], self.document_input(item)) for item in items],
                created_by=request.user,
            )
        except services.BatchImportError as exc:
            errors = {
                index: {IMPORT_ERROR_FIELDS.get(error.code, "text"): [str(error)]}
                for index, error in exc.errors.items()
            }
            raise exceptions.ValidationError(by_index(errors)) from exc
        except services.DocumentImportError as exc:  # a text imported concurrently
            return duplicate_response(exc)
        body = {
            "created": [new_document(document) for document in result.created],
            "duplicates": [
                {"index": index, "detail": str(error), "document": error.document.pk}
                for index, error in result.duplicates.items()
            ],
        }
        created = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(body, status=created)

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


def duplicate_response(error: services.DocumentImportError) -> Response:
    body = {"detail": str(error), "document": getattr(error.document, "pk", None)}
    return Response(body, status=status.HTTP_409_CONFLICT)


def by_index(errors) -> dict[str, dict]:
    """Per-record errors keyed by the record's position in the batch (``"0"``, ``"3"``)."""
    if isinstance(errors, list):
        errors = dict(enumerate(errors))
    return {str(index): error for index, error in errors.items() if error}


def can_add_documents(user, project) -> bool:
    """Owners only; ``project`` comes from ``VisibleProjectField`` with the caller's role."""
    role = permissions.role_in(user, project, annotated=project)
    return permissions.can_manage_project(user, project, role)


# ``DocumentSerializer``'s fields that are columns, as attributes of a ``Document``.
NEW_DOCUMENT_ATTRIBUTES = tuple(
    (name, Document._meta.get_field(name).attname) for name in representation.DOCUMENT_COLUMNS
)
DATETIME_FIELDS = ("published_at", "created_at")


def new_document(document: Document) -> dict:
    """``DocumentSerializer``'s output for a document just imported, from what the import
    holds: its progress counts are known (its sentences, no annotations yet), and building
    the serializer's fields cost as much as rendering the 500 sentences."""
    row = {name: getattr(document, attname) for name, attname in NEW_DOCUMENT_ATTRIBUTES}
    zone = timezone.get_current_timezone()
    for name in DATETIME_FIELDS:
        row[name] = representation.api_datetime(row[name], zone)
    return {
        **row,
        "sentence_count": len(document.spans),
        "annotation_count": 0,
        "annotated_sentence_count": 0,
        "verified_count": 0,
        "approved_count": 0,
    }


def new_document_detail(document: Document) -> dict:
    """``DocumentDetailSerializer``'s output for a document just imported, in one query.

    The sentences are the import's own spans; only their ids are read back (``COPY`` cannot
    return them), not 500 rows of text. (A document deleted meanwhile has none left.)
    """
    ids = Sentence.objects.filter(document=document).order_by("index").values_list("id")
    text = document.text
    sentences = [
        {
            "id": pk,
            "index": index,
            "start": span.start,
            "end": span.end,
            "text": text[span.start : span.end],
            "paragraph": span.paragraph,
        }
        for index, ((pk,), span) in enumerate(zip(ids, document.spans, strict=False))
    ]
    return {**new_document(document), "text": text, "sentences": sentences}


def document_detail_queryset(user):
    return (
        Document.objects.for_user(user)
        .with_progress(user)
        .prefetch_related(Prefetch("sentences", queryset=Sentence.objects.order_by("index")))
    )


class DocumentDetailView(ApiView):
    """A document with its text and its sentences in reading order."""

    serializer_class = DocumentDetailSerializer

    def get_queryset(self):
        return document_detail_queryset(self.request.user)

    @extend_schema(responses={200: DocumentDetailSerializer, 404: schema.NOT_FOUND})
    def get(self, request, pk):
        # Rendered from plain rows (``DocumentDetailSerializer`` describes the same shape).
        RejectUnknownQueryParams().filter_queryset(request, None, self)
        document = representation.document_detail(request.user, pk)
        if document is None:
            raise Http404("No Document matches the given query.")  # as get_object() says
        return Response(document)
