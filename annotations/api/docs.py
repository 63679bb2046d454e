"""The OpenAPI schema and its interactive docs, for signed-in users only."""

from django.contrib.auth.views import redirect_to_login
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer


class SchemaView(SpectacularAPIView):
    permission_classes = [IsAuthenticated]


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI served from local files (drf_spectacular_sidecar), no CDN.

    The split view loads its init script as a second request, so our CSP, which forbids
    inline scripts, holds. Anonymous visitors are sent to the login page.
    """

    url_name = "api-schema"
    permission_classes = [AllowAny]

    def answer_json(self):
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type

    def handle_exception(self, exc):
        """The page is HTML; its errors (405 for other methods) are JSON like every API
        error."""
        self.answer_json()
        return super().handle_exception(exc)

    def options(self, request, *args, **kwargs):
        """DRF's metadata, as JSON (the page's HTML renderer has no template for it)."""
        self.answer_json()
        return super().options(request, *args, **kwargs)

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().get(request, *args, **kwargs)
