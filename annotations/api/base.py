"""What every API view shares: strict, paginated lists and bounded request bodies."""

import orjson
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import generics
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

from annotations.api.pagination import Pagination
from annotations.api.parsers import require_body
from annotations.api.validation import (
    RejectUnknownQueryParams,
    StrictOrderingFilter,
    reject_oversized_body,
)

_drf_encoder = JSONEncoder()


class FastJSONRenderer(JSONRenderer):
    """DRF's JSON, written by orjson: the same document, several times faster.

    Dates and anything orjson does not know go through DRF's own encoder, so they read
    exactly as before (``...Z`` for UTC, decimals, lazy strings).
    """

    options = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return orjson.dumps(data, default=_drf_encoder.default, option=self.options)


class ApiView(generics.GenericAPIView):
    """Base of the API views. Querysets must start from ``for_user`` (404 outside)."""

    pagination_class = Pagination
    # JSON only: the interactive docs live at /api/docs/, and DRF's browsable pages rely on
    # inline scripts that our Content-Security-Policy forbids.
    renderer_classes = [FastJSONRenderer]
    filter_backends = [RejectUnknownQueryParams, DjangoFilterBackend, StrictOrderingFilter]

    def initial(self, request, *args, **kwargs):
        reject_oversized_body(request)
        super().initial(request, *args, **kwargs)

    def parse(self, serializer_class, **context):
        """Validate the body with an input serializer and return its clean data."""
        require_body(self.request)
        serializer = serializer_class(
            data=self.request.data, context={**self.get_serializer_context(), **context}
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class ApiListView(ApiView, generics.ListAPIView):
    pass
