"""``GET /api/v1/export/annotations``: every annotation the caller may see, streamed.

The view validates the query, resolves the project and document through ``for_user`` (so
another project's ids answer 404, exactly like ids that do not exist), then streams what
the chosen exporter renders from the selector's chunks. Nothing is built whole in memory.
"""

import inspect

from django.conf import settings
from django.http import StreamingHttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.views import APIView

from annotations import messages
from annotations.api import schema as schema_pieces
from annotations.api.throttles import ScopedRateThrottle
from annotations.api.validation import parse_query
from annotations.exporters import DEFAULT_FORMAT, EXPORTERS, ExportContext, Exporter, buffered
from annotations.models import Document, Project, ReviewState, VerificationStatus
from annotations.selectors import (
    DEFAULT_CHUNK_SIZE,
    ExportFilters,
    annotations_for_export,
    deletions_for_export,
    export_rows,
)


class CommaSeparatedChoiceField(serializers.Field):
    """``a,b`` → ``("a", "b")``, each checked against ``choices``."""

    def __init__(self, *, choices, **kwargs):
        self.choices = list(choices)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        values = tuple(part.strip() for part in str(data).split(",") if part.strip())
        unknown = [value for value in values if value not in self.choices]
        if unknown or not values:
            raise serializers.ValidationError(
                messages.EXPORT_BAD_CHOICE.format(
                    value=",".join(unknown) or data, allowed=", ".join(self.choices)
                )
            )
        return values

    def to_representation(self, value):
        return ",".join(value)


class LenientDateTimeField(serializers.DateTimeField):
    """Also takes ``2026-11-28T10:00:00 00:00``: an unencoded ``+`` arrives as a space."""

    def to_internal_value(self, value):
        if isinstance(value, str) and "T" in value and value[-6:-5] == " ":
            value = value[:-6] + "+" + value[-5:]
        return super().to_internal_value(value)


class ExportParamsSerializer(serializers.Serializer):
    """The export's query parameters: the annotation list's filters plus ``format``."""

    format = serializers.ChoiceField(choices=sorted(EXPORTERS), default=DEFAULT_FORMAT)
    project = serializers.CharField(required=False, max_length=100, help_text="Project id or slug.")
    document = serializers.IntegerField(required=False, min_value=1)
    sentence = serializers.IntegerField(required=False, min_value=1)
    claim_type = serializers.IntegerField(required=False, min_value=1, help_text="Claim type id.")
    claim_type_slug = serializers.SlugField(required=False)
    verification_status = CommaSeparatedChoiceField(
        choices=VerificationStatus.values,
        required=False,
        help_text="One status or several separated by commas: "
        + ", ".join(VerificationStatus.values),
    )
    review_state = CommaSeparatedChoiceField(
        choices=ReviewState.values,
        required=False,
        help_text="One review state or several separated by commas: "
        + ", ".join(ReviewState.values),
    )
    annotator = serializers.IntegerField(required=False, min_value=1, help_text="User id.")
    updated_since = LenientDateTimeField(
        required=False,
        help_text="ISO 8601; only annotations changed at or after this time (incremental pulls). "
        "The json and jsonl formats also list the annotations deleted since then.",
    )

    def validate(self, attrs):
        params = self.initial_data
        errors = {
            key: [messages.UNKNOWN_QUERY_PARAMETER] for key in params if key not in self.fields
        }
        errors.update(
            {
                key: [messages.NUL_IN_PARAMETER]
                for key in params
                if key in self.fields and "\x00" in str(params[key])
            }
        )
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def to_filters(self, user) -> ExportFilters:
        """Resolve ids the caller cannot see to 404, like ids that do not exist.

        ``user=None`` (the command line) sees every project.
        """
        data = self.validated_data
        projects = Project.objects.all() if user is None else Project.objects.for_user(user)
        documents = Document.objects.all() if user is None else Document.objects.for_user(user)
        project = document = None
        if "project" in data:
            key = data["project"]
            lookup = {"pk": int(key)} if key.isdigit() else {"slug": key}
            project = projects.filter(**lookup).first()
            if project is None:
                raise exceptions.NotFound(messages.EXPORT_NO_SUCH_PROJECT.format(key=key))
        if "document" in data:
            document = documents.filter(pk=data["document"]).first()
            if document is None:
                raise exceptions.NotFound(
                    messages.EXPORT_NO_SUCH_DOCUMENT.format(key=data["document"])
                )
        return ExportFilters(
            project=project,
            document=document,
            sentence=data.get("sentence"),
            claim_type=data.get("claim_type"),
            claim_type_slug=data.get("claim_type_slug"),
            verification_status=data.get("verification_status", ()),
            review_state=data.get("review_state", ()),
            annotator=data.get("annotator"),
            updated_since=data.get("updated_since"),
        )


def export_stream(
    exporter: Exporter, user, filters: ExportFilters, *, chunk_size=None, postgres_paths=None
):
    """The export as text blocks: the one pipeline the view and the command share.

    ``postgres_paths=False`` reads through the portable path on PostgreSQL too (tests).
    """
    queryset = annotations_for_export(
        user,
        filters,
        statuses=exporter.verification_statuses,
        by_claim=exporter.statuses_by_claim,
    )
    rows = export_rows(
        queryset,
        chunk_size=chunk_size or export_chunk_size(),
        with_text=exporter.needs_text,
        with_sentences=exporter.needs_sentences,
        with_claims=exporter.needs_claims,
        postgres_paths=postgres_paths,
    )
    deletions = deletions_for_export(user, filters) if exporter.reports_deletions else ()
    context = ExportContext.from_settings(filters=filters.describe(), deletions=deletions)
    block = getattr(settings, "FACTCHECK_EXPORT_BLOCK_CHARS", DEFAULT_BLOCK_CHARS)
    return context, buffered(exporter.render(rows, context), block)


# Rows per query, and characters per block written to the response. Settings of the
# same names override them (tests use tiny values to watch the stream).
DEFAULT_BLOCK_CHARS = 64 * 1024


def export_chunk_size() -> int:
    return getattr(settings, "FACTCHECK_EXPORT_CHUNK_SIZE", DEFAULT_CHUNK_SIZE)


class FirstRendererNegotiation(DefaultContentNegotiation):
    """Errors are JSON; ``?format=`` names the export format here, not a DRF renderer."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def export_responses() -> dict:
    """Each media type of the export with the schema of its documents (``oneOf`` where
    several formats share one, as the two JSON-LD formats do)."""
    by_media_type: dict[str, list[type[Exporter]]] = {}
    for exporter in EXPORTERS.values():
        by_media_type.setdefault(exporter.media_type, []).append(exporter)
    responses = {}
    for media_type, exporters in by_media_type.items():
        schemas = [exporter.schema for exporter in exporters]
        description = "; ".join(
            f"format={exporter.name}: " + inspect.getmodule(exporter).__doc__.splitlines()[0]
            for exporter in exporters
        )
        schema = schemas[0] if len(schemas) == 1 else {"oneOf": schemas}
        responses[(200, media_type)] = OpenApiResponse(schema, description=description)
    return {**responses, 404: schema_pieces.NOT_FOUND}


class ExportAnnotationsView(APIView):
    """Export the annotations you can see, in one of several formats, as a download."""

    throttle_classes = [ScopedRateThrottle]  # counted across workers (api/throttles.py)
    throttle_scope = "export"
    content_negotiation_class = FirstRendererNegotiation

    @extend_schema(
        operation_id="export_annotations",
        parameters=[ExportParamsSerializer],
        responses=export_responses(),
        description=(
            "Streams the annotations the caller may see as a file download. "
            "Formats: " + ", ".join(EXPORTERS) + ". See the README for each format's fields."
        ),
    )
    def get(self, request):
        params = parse_query(request, ExportParamsSerializer)
        filters = params.to_filters(request.user)
        exporter = EXPORTERS[params.validated_data["format"]]()
        context, chunks = export_stream(exporter, request.user, filters)
        response = StreamingHttpResponse(chunks, content_type=exporter.content_type)
        filename = f"factcheck-annotations-{context.exported_at:%Y-%m-%d}.{exporter.file_extension}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response
