"""Security headers Django does not send by itself, and the API's URL length limit."""

from django.conf import settings
from django.http import JsonResponse

from annotations import messages

DEFAULT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    """Send a Content-Security-Policy that forbids inline scripts on every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_CSP)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class ApiUrlLengthMiddleware:
    """Answer 414 as JSON for an over-long URL under /api/.

    gunicorn refuses a request line over ``--limit-request-line`` with a text page of its
    own; answering here first, below that limit, keeps every /api/ answer JSON.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.limit = getattr(settings, "API_MAX_URL_LENGTH", 4096)

    def __call__(self, request):
        if request.path.startswith("/api/"):
            length = len(request.get_full_path())
            if length > self.limit:
                detail = messages.URI_TOO_LONG.format(limit=self.limit)
                return JsonResponse({"detail": detail}, status=414)
        return self.get_response(request)
