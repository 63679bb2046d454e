"""The adjudication page: a reviewer settles where a document's done assignees disagree.

Thin: check the role (outside the project 404, annotators 403), ask
``annotations.adjudication`` and render; the page's script reads the same JSON the API
answers and writes through ``POST /api/v1/documents/{id}/adjudicate/``.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from annotations import messages, permissions
from annotations.adjudication import adjudication_for
from annotations.api.adjudication_views import adjudication_data
from annotations.models import Document, VerificationStatus


@login_required
@require_GET
@ensure_csrf_cookie
def adjudicate(request, pk):
    """Every disagreement of the document, side by side, in a fixed number of queries."""
    document = get_object_or_404(
        Document.objects.for_user(request.user).select_related("project").defer("text"), pk=pk
    )
    if not permissions.can_adjudicate(request.user, document.project_id):
        raise PermissionDenied(messages.CANNOT_ADJUDICATE)
    adjudication = adjudication_for(document)
    data = {
        **adjudication_data(adjudication),
        "url": reverse("api-document-adjudicate", args=[document.pk]),
        "claim_types": [
            {"id": ct.pk, "slug": ct.slug, "name": ct.name, "color": ct.color}
            for ct in adjudication.claim_types
        ],
        "statuses": [{"value": s.value, "label": s.label} for s in VerificationStatus],
    }
    context = {
        "document": document,
        "project": document.project,
        "adjudication": adjudication,
        "data": data,
        "statuses": VerificationStatus.choices,
        "not_possible": messages.ADJUDICATION_NEEDS_ASSIGNEES,
    }
    return render(request, "annotations/adjudicate.html", context)
