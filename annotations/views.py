"""Browser pages. Thin: each asks a selector or a service and renders a template."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from annotations.models import Project


@never_cache
@require_GET
def healthz(request):
    """Liveness for the load balancer: the process answers and the database does too."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return JsonResponse({"status": "error", "database": str(exc)}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request):
    projects = Project.objects.for_user(request.user)
    return render(request, "annotations/home.html", {"projects": projects})
