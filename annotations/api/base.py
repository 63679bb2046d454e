"""What every API view shares: strict, paginated lists and bounded request bodies."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import generics
from rest_framework.renderers import JSONRenderer

from annotations.api.pagination import Pagination
from annotations.api.parsers import require_body
from annotations.api.validation import (
    RejectUnknownQueryParams,
    StrictOrderingFilter,
    reject_oversized_body,
)


class ApiView(generics.GenericAPIView):
    """Base of the API views. Querysets must start from ``for_user`` (404 outside)."""

    pagination_class = Pagination
    # JSON only: the interactive docs live at /api/docs/, and DRF's browsable pages rely on
    # inline scripts that our Content-Security-Policy forbids.
    renderer_classes = [JSONRenderer]
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
