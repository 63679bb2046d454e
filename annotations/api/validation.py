"""Strict input: a field or query parameter the API does not know is an error.

Silently ignoring ``{"verification_stauts": "true"}`` or ``?reveiw_state=approved`` would
let a client believe a change or a filter took effect when it did not.
"""

from collections.abc import Mapping

from django.conf import settings
from django.http import QueryDict
from rest_framework import exceptions, filters, serializers

from annotations import messages
from annotations.api.errors import PayloadTooLarge

# Fields the server owns; naming them in a body gets a clearer message than "unknown".
SERVER_OWNED_FIELDS = frozenset(
    {
        "id",
        "project",
        "document",
        "annotator",
        "version",
        "quote",
        "review_state",
        "reviewed_by",
        "reviewed_at",
        "review_comment",
        "created_at",
        "updated_at",
        "sentence_index",
        "claim_type_slug",
        "claim_type_name",
        "content_hash",
        "created_by",
    }
)

# Sent by HTML forms alongside the real fields; not data.
IGNORED_BODY_FIELDS = frozenset({"csrfmiddlewaretoken"})


class RejectUnknownFieldsMixin:
    """Serializer mixin: any key of the body that is not a writable field answers 400.

    Works for nested serializers too, since each one checks the mapping it is given.
    """

    def to_internal_value(self, data):
        if isinstance(data, QueryDict):
            # A form's fields read like JSON's: DRF would take an empty form field for an
            # omitted one, so ``language=`` would be accepted and ignored.
            data = {key: data[key] for key in data}
        elif isinstance(data, Mapping):
            check_json_types(self.fields, data)
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = [key for key in data if key not in writable | IGNORED_BODY_FIELDS]
            if unknown:
                raise exceptions.ValidationError(
                    {
                        str(key): [
                            messages.READ_ONLY_FIELD
                            if key in SERVER_OWNED_FIELDS
                            else messages.UNKNOWN_FIELD
                        ]
                        for key in unknown
                    }
                )
        return super().to_internal_value(data)


# JSON types the schema gives each kind of field; DRF would also take 0 for false, 7 for
# "7" and "7" for 7, which the schema does not allow.
JSON_TYPES = (
    (serializers.BooleanField, bool, messages.EXPECTED_BOOLEAN),
    (serializers.CharField, str, messages.EXPECTED_STRING),
    (serializers.IntegerField, int, messages.EXPECTED_INTEGER),
    (serializers.PrimaryKeyRelatedField, int, messages.EXPECTED_INTEGER),
)


def check_json_types(fields, data: Mapping) -> None:
    """400 naming each field whose JSON value has another type than the schema says."""
    errors = {}
    for key, value in data.items():
        field = fields.get(key)
        if field is None or value is None:
            continue
        for field_class, json_type, message in JSON_TYPES:
            if isinstance(field, field_class):
                is_bool = isinstance(value, bool)
                if not isinstance(value, json_type) or (is_bool and json_type is not bool):
                    errors[str(key)] = [message]
                break
    if errors:
        raise exceptions.ValidationError(errors)


class RejectUnknownQueryParams(filters.BaseFilterBackend):
    """Filter backend: 400 for query parameters the list does not understand.

    Allowed: pagination, ``format``, the view's FilterSet fields, and ``ordering`` /
    ``search`` where the view declares ``ordering_fields`` / ``search_fields``. Put it first
    in ``filter_backends``.
    """

    always_allowed = frozenset({"page", "page_size", "format"})

    def allowed_params(self, view) -> set[str]:
        allowed = set(self.always_allowed)
        filterset_class = getattr(view, "filterset_class", None)
        if filterset_class is not None:
            allowed |= set(filterset_class.base_filters)
        if getattr(view, "ordering_fields", None):
            allowed.add("ordering")
        if getattr(view, "search_fields", None):
            allowed.add("search")
        return allowed

    def needs_value(self, view) -> set[str]:
        """Parameters whose empty value would silently mean "no filter" or "page 1"."""
        filterset_class = getattr(view, "filterset_class", None)
        filters = set(filterset_class.base_filters) if filterset_class is not None else set()
        return filters | {"page", "page_size"}

    def filter_queryset(self, request, queryset, view):
        check_query_params(request, self.allowed_params(view))
        empty = [name for name in self.needs_value(view) if request.query_params.get(name) == ""]
        if empty:
            raise exceptions.ValidationError(
                {name: [messages.EMPTY_QUERY_PARAMETER] for name in sorted(empty)}
            )
        return queryset


def check_query_params(request, allowed: set[str]) -> None:
    """Raise 400 naming every unknown or repeated parameter and every value holding a NUL.

    A repeated parameter (``?page_size=5&page_size=500``) would otherwise silently mean its
    last value; several values of a filter are written with commas.
    """
    errors = query_param_errors(request.query_params, allowed)
    if errors:
        raise exceptions.ValidationError(errors)


def parse_query(request, serializer_class):
    """The query string validated by ``serializer_class`` (each parameter once, known)."""
    check_query_params(request, set(serializer_class().fields))
    params = serializer_class(data=request.query_params.dict())
    params.is_valid(raise_exception=True)
    return params


def query_param_errors(params, allowed) -> dict[str, list[str]]:
    """``{name: [message]}`` for each unknown, repeated or NUL-holding query parameter."""
    errors = {}
    for name, values in params.lists():
        if name not in allowed:
            errors[name] = [messages.UNKNOWN_QUERY_PARAMETER]
        elif len(values) > 1:
            errors[name] = [messages.REPEATED_QUERY_PARAMETER]
        elif any("\x00" in value for value in values):
            errors[name] = [messages.NUL_IN_PARAMETER]
    return errors


class StrictOrderingFilter(filters.OrderingFilter):
    """``?ordering=`` limited to the view's ``ordering_fields``; anything else is a 400.

    DRF's own filter silently drops unknown fields. ``id`` is appended as a tie-breaker so
    pages never repeat or skip rows.
    """

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw is None:
            return self.get_default_ordering(view)
        fields = [part.strip() for part in raw.split(",") if part.strip()]
        allowed = list(view.ordering_fields)
        bad = [name for name in fields if name.lstrip("-") not in allowed]
        if bad or not fields:
            raise exceptions.ValidationError(
                {
                    self.ordering_param: [
                        messages.BAD_ORDERING.format(
                            fields=", ".join(bad) or "nothing", allowed=", ".join(allowed)
                        )
                    ]
                }
            )
        if not any(name.lstrip("-") in {"id", "pk"} for name in fields):
            fields.append("id")
        return fields

    def get_schema_operation_parameters(self, view):
        """The fields one may order by, each also with ``-``, as the schema's enumeration."""
        allowed = list(getattr(view, "ordering_fields", None) or ())
        if not allowed:
            return []
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Fields to order by, separated by commas; prefix - for "
                "descending. Ties are broken by id.",
                "style": "form",
                "explode": False,
                "schema": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"type": "string", "enum": [*allowed, *(f"-{f}" for f in allowed)]},
                },
            }
        ]


def reject_oversized_body(request) -> None:
    """413 before reading a body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE``.

    DRF's JSON parser reads the stream directly, so Django's own limit (which guards
    ``request.body`` and form fields) would not apply to JSON; file uploads stream to disk
    and are not limited by it either.
    """
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if limit is not None and length > limit:
        raise PayloadTooLarge(messages.BODY_TOO_LARGE.format(limit=limit))
