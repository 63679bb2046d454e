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
    description='The annotation\'s version as given by its ETag, e.g. "3". '
    "A stale version answers 412 with the current annotation.",
)
IF_MATCH_OPTIONAL = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description='Optional: the version the decision was based on, e.g. "3".',
)

CONFLICT = OpenApiResponse(
    inline_serializer(
        "VersionConflict",
        fields={"detail": serializers.CharField(), "current": AnnotationSerializer()},
    ),
    description="The If-Match version is stale; the body holds the current annotation.",
)

VALIDATION = OpenApiResponse(
    OpenApiTypes.OBJECT, description='Invalid input: {"field": ["message"]} or {"detail": "..."}.'
)
FORBIDDEN = OpenApiResponse(ERROR, description="Your role in the project does not allow this.")
NOT_FOUND = OpenApiResponse(ERROR, description="No such object in your projects.")
PRECONDITION_REQUIRED = OpenApiResponse(ERROR, description="If-Match header missing.")
TOO_LARGE = OpenApiResponse(ERROR, description="Request body over the size limit.")
UNAUTHORIZED = OpenApiResponse(ERROR, description="Not signed in.")
