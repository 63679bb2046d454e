"""``GET /api/v1/annotations/deleted/``: tombstones of annotations deleted since a time.

The list endpoint only shows annotations that exist, so a client keeping a copy (the
workspace's live refresh, a sync script) asks here which ones went away. The rows come
from ``deletions_for_export``, the same history query the export's tombstones use.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from annotations import messages
from annotations.api import schema
from annotations.api.base import ApiView
from annotations.api.export import LenientDateTimeField
from annotations.api.validation import parse_query
from annotations.models import MAX_ID, Document, Project
from annotations.selectors import ExportFilters, deletions_for_export


class DeletedParamsSerializer(serializers.Serializer):
    """The query: ``since`` is required; ``document`` and ``project`` narrow it."""

    since = LenientDateTimeField(
        help_text="ISO 8601 date-time; annotations deleted at or after it."
    )
    document = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Document id."
    )
    project = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Project id."
    )

    def validate(self, attrs):
        params = self.initial_data
        errors = {
            key: [messages.UNKNOWN_QUERY_PARAMETER] for key in params if key not in self.fields
        }
        errors.update(
            {key: [messages.NUL_IN_PARAMETER] for key in params if "\x00" in str(params[key])}
        )
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def to_filters(self, user) -> ExportFilters:
        """Ids outside the caller's projects answer 404, like ids that do not exist."""
        data = self.validated_data
        project = document = None
        if "project" in data:
            project = Project.objects.for_user(user).filter(pk=data["project"]).first()
            if project is None:
                raise exceptions.NotFound(
                    messages.EXPORT_NO_SUCH_PROJECT.format(key=data["project"])
                )
        if "document" in data:
            document = Document.objects.for_user(user).filter(pk=data["document"]).first()
            if document is None:
                raise exceptions.NotFound(
                    messages.EXPORT_NO_SUCH_DOCUMENT.format(key=data["document"])
                )
        return ExportFilters(project=project, document=document, updated_since=data["since"])


class DeletionSerializer(serializers.Serializer):
    """One tombstone (documentation only: rows are plain dicts already)."""

    id = serializers.IntegerField(help_text="The deleted annotation's id.")
    document = serializers.IntegerField()
    project = serializers.IntegerField()
    deleted_at = serializers.DateTimeField()
    deleted_by = serializers.CharField(allow_null=True, help_text="Username, if known.")


class DeletedAnnotationsView(ApiView):
    """Annotations of your projects deleted at or after ``since``, oldest first."""

    pagination_class = None
    filter_backends = []
    serializer_class = DeletionSerializer

    @extend_schema(
        operation_id="annotations_deleted_list",
        parameters=[DeletedParamsSerializer],
        responses={
            200: DeletionSerializer(many=True),
            400: schema.VALIDATION,
            404: schema.NOT_FOUND,
        },
        description="Tombstones for incremental sync: which annotations were deleted since a "
        "time, by whom. An id that exists again is not listed; one deleted twice is listed "
        "once, at its last deletion. Not paginated.",
    )
    def get(self, request):
        params = parse_query(request, DeletedParamsSerializer)
        filters = params.to_filters(request.user)
        return Response(list(deletions_for_export(request.user, filters)))
