"""The OpenAPI schema and its interactive docs, for signed-in users only."""

from django.contrib.auth.views import redirect_to_login
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny, IsAuthenticated


class SchemaView(SpectacularAPIView):
    permission_classes = [IsAuthenticated]


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI served from local files (drf_spectacular_sidecar), no CDN.

    The split view loads its init script as a second request, so our CSP, which forbids
    inline scripts, holds. Anonymous visitors are sent to the login page.
    """

    url_name = "api-schema"
    permission_classes = [AllowAny]

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().get(request, *args, **kwargs)
