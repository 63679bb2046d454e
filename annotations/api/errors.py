"""One JSON error shape for the whole API, and no 500 for anything a client can send.

Set as ``REST_FRAMEWORK["EXCEPTION_HANDLER"]``. Service exceptions are mapped here so the
views can stay thin: Django's ``ValidationError`` → 400 naming the fields,
``VersionConflict`` → 412 with the current annotation, an oversized body → 413, a body
type the view cannot read → 415 naming the types it can, too many failed sign-ins → 429
with ``Retry-After``, SQLite's "database is locked" → 503 with ``Retry-After``. Malformed
JSON is refused by ``annotations.api.parsers`` (400).
"""

from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from annotations import messages
from annotations.login_limits import TooManyLoginAttempts
from annotations.services import VersionConflict


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = messages.IF_MATCH_REQUIRED
    default_code = "precondition_required"


class DatabaseBusy(exceptions.APIException):
    """SQLite lets one writer in at a time; a writer that cannot get the lock may retry."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = messages.DATABASE_BUSY
    default_code = "database_busy"


def is_lock_error(exc: Exception) -> bool:
    return isinstance(exc, OperationalError) and "locked" in str(exc)


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


def django_validation_detail(exc: DjangoValidationError) -> dict:
    """``{"field": ["message"]}``, or ``{"detail": "message"}`` when no field is to blame."""
    if hasattr(exc, "error_dict"):
        return {
            ("detail" if name == "__all__" else name): errors
            for name, errors in exc.message_dict.items()
        }
    return {"detail": " ".join(exc.messages)}


def version_conflict_response(exc: VersionConflict) -> Response:
    from annotations.api.concurrency import etag_for
    from annotations.representation import represent

    if exc.current is None:
        return Response({"detail": messages.ANNOTATION_GONE}, status=status.HTTP_404_NOT_FOUND)
    body = {"detail": str(exc), "current": represent(exc.current, exc.current.sources.all())}
    return Response(
        body, status=status.HTTP_412_PRECONDITION_FAILED, headers={"ETag": etag_for(exc.current)}
    )


def unsupported_media_type(context) -> exceptions.UnsupportedMediaType:
    """DRF's 415, saying which body types the endpoint reads."""
    media_type = context["request"].content_type
    accepted = " or ".join(parser.media_type for parser in context["view"].get_parsers())
    detail = messages.UNSUPPORTED_MEDIA_TYPE.format(media_type=media_type, accepted=accepted)
    return exceptions.UnsupportedMediaType(media_type, detail=detail)


def api_exception_handler(exc, context):
    if isinstance(exc, VersionConflict):
        return version_conflict_response(exc)
    if isinstance(exc, TooManyLoginAttempts):
        exc = exceptions.Throttled(wait=exc.retry_after, detail=str(exc))
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        exc = unsupported_media_type(context)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(django_validation_detail(exc))
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge(str(exc))
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        exc = exceptions.ValidationError({"detail": str(exc)})
    elif is_lock_error(exc):
        response = drf_exception_handler(DatabaseBusy(), context)
        response["Retry-After"] = "1"
        return response
    return drf_exception_handler(exc, context)
