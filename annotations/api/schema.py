"""Pieces of the OpenAPI description shared by several endpoints."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from annotations.api.serializers import AnnotationSerializer

ERROR = inline_serializer("Error", fields={"detail": serializers.CharField()})

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The annotation\'s version as given by its ETag, e.g. "3"; or * (any '
    'version), or a list ("3", "4") that matches when one tag does (RFC 9110). A tag that '
    "is not the current version answers 412 with the current annotation.",
)
IF_MATCH_OPTIONAL = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description='Optional: the version the decision was based on, e.g. "3" (or *, or a '
    "list, as for edits).",
)

CONFLICT = OpenApiResponse(
    inline_serializer(
        "VersionConflict",
        fields={"detail": serializers.CharField(), "current": AnnotationSerializer()},
    ),
    description="If-Match names no current version; the body holds the current annotation.",
)

VALIDATION = OpenApiResponse(
    OpenApiTypes.OBJECT, description='Invalid input: {"field": ["message"]} or {"detail": "..."}.'
)
FORBIDDEN = OpenApiResponse(ERROR, description="Your role in the project does not allow this.")
NOT_FOUND = OpenApiResponse(ERROR, description="No such object in your projects.")
PRECONDITION_REQUIRED = OpenApiResponse(ERROR, description="If-Match header missing.")
TOO_LARGE = OpenApiResponse(ERROR, description="Request body over the size limit.")
UNAUTHORIZED = OpenApiResponse(ERROR, description="Not signed in.")
