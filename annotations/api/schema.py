"""The OpenAPI description: pieces shared by endpoints, and the rules that make it exact.

The schema is the contract (README, "The schema is the contract"): ``AutoSchema`` adds to
every operation the error answers the shared machinery can give (so views list only their
own), marks the bodies of strict input serializers ``additionalProperties: false``, and
``postprocess`` writes array query parameters as the comma lists the server reads.
``tests/api/test_contract.py`` holds the server to it.
"""

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from annotations.api.serializers import AnnotationSerializer
from annotations.api.validation import RejectUnknownFieldsMixin

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

# What a write guarded by If-Match answers besides its success (PATCH, DELETE and the like).
IF_MATCH_WRITE = {
    400: VALIDATION,
    403: FORBIDDEN,
    404: NOT_FOUND,
    412: CONFLICT,
    428: PRECONDITION_REQUIRED,
}
TOO_LARGE = OpenApiResponse(ERROR, description="Request body over the size limit.")
UNAUTHORIZED = OpenApiResponse(ERROR, description="Not signed in.")
UNAUTHENTICATED = OpenApiResponse(ERROR, description="No or bad credentials.")
UNSUPPORTED_MEDIA_TYPE = OpenApiResponse(
    ERROR, description="A body type the endpoint does not read."
)
URI_TOO_LONG = OpenApiResponse(ERROR, description="The URL is over the length limit.")
THROTTLED = OpenApiResponse(ERROR, description="Too many requests; see Retry-After.")
DATABASE_BUSY = OpenApiResponse(
    ERROR, description="The database is busy with another write (SQLite); retry after Retry-After."
)
FORBIDDEN_OR_CSRF = OpenApiResponse(
    ERROR,
    description="Your role in the project does not allow this, or (signed in by session "
    "cookie) the CSRF token is missing.",
)

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema plus what every API view shares (``ApiView``, DRF's
    authentication, throttles, the exception handler), described once here."""

    def common_errors(self) -> dict[int, OpenApiResponse]:
        errors = {400: VALIDATION}
        if self.get_auth():
            errors[401] = UNAUTHENTICATED
            errors[403] = FORBIDDEN_OR_CSRF if self.method in WRITE_METHODS else FORBIDDEN
        if "(?P<" in self.path_regex or self._is_list_view() or self.get_filter_backends():
            errors[404] = NOT_FOUND
        errors[414] = URI_TOO_LONG
        if self.method in BODY_METHODS:
            errors[413] = TOO_LARGE
            errors[415] = UNSUPPORTED_MEDIA_TYPE
        if getattr(self.view, "throttle_classes", None):
            errors[429] = THROTTLED
        if self.method in WRITE_METHODS:
            errors[503] = DATABASE_BUSY
        return errors

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, response in self.common_errors().items():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(
                    response, str(code), direction=direction
                )
        return responses

    def _map_serializer(self, serializer, direction, bypass_extensions=False):
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        if direction == "request" and isinstance(serializer, RejectUnknownFieldsMixin):
            schema["additionalProperties"] = False
        return schema


class CommaSeparatedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    """The export's ``a,b`` filters: an array of their choices (written as a comma list)."""

    target_class = "annotations.api.export.CommaSeparatedChoiceField"

    def map_serializer_field(self, auto_schema, direction):
        return {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string", "enum": list(self.target.choices)},
        }


def postprocess(result, generator, request, public):
    """Array query parameters are comma lists (``style: form, explode: false``): the server
    refuses a repeated parameter rather than guess which value was meant."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter["schema"].get("type") == "array":
                    parameter["style"] = "form"
                    parameter["explode"] = False
    return result
