"""The agreement page and the dashboard: figures for reviewers and owners, as HTML or CSV.

Thin, like every page: check the role, ask ``agreement_report`` or ``dashboard``, render.
Projects you are not in answer 404, annotators 403 (seeing how far they agree with their
colleagues would end independent annotation).
"""

import csv
import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from annotations import agreement_report, dashboard, messages, permissions
from annotations.agreement import agreement_for
from annotations.exporters.csv_format import safe_cell
from annotations.forms import FiguresForm
from annotations.models import Document, Project


def _project_for_figures(request, pk, message):
    project = get_object_or_404(Project.objects.for_user(request.user), pk=pk)
    if not permissions.can_see_agreement(request.user, project):
        raise PermissionDenied(message)
    form = FiguresForm(request.GET)
    return project, form


def csv_response(filename: str, header, rows) -> HttpResponse:
    """A small CSV download (figures, not exports: they fit in memory), formulas defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def agreement_page(request, pk):
    """The agreement figures of the project, or of one document with ``?document=ID``."""
    project, form = _project_for_figures(request, pk, messages.CANNOT_SEE_AGREEMENT)
    if not form.is_valid():
        return render(
            request, "annotations/agreement.html", {"project": project, "form": form}, status=400
        )
    document = None
    if form.cleaned_data["document"] is not None:
        document_id = form.cleaned_data["document"]
        document = (
            Document.objects.filter(project=project, pk=document_id).only("pk", "title").first()
        )
        if document is None:
            raise Http404(
                messages.DOCUMENT_NOT_IN_PROJECT.format(document=document_id, project=project.pk)
            )
    figures = agreement_for(request.user, project, document)
    documents = [] if document else agreement_report.agreement_by_document(request.user, project)
    if form.cleaned_data["format"] == "csv":
        suffix = f"-document-{document.pk}" if document else ""
        return csv_response(
            f"agreement-project-{project.pk}{suffix}.csv",
            agreement_report.CSV_COLUMNS,
            agreement_report.csv_rows(figures, documents, document),
        )
    context = {
        "project": project,
        "document": document,
        "figures": figures,
        "claim_band": agreement_report.band(figures["claim_type"]["alpha"]),
        "verdict_band": agreement_report.band(figures["verification_status"]["alpha"]),
        "pairs": agreement_report.pairs(figures),
        "documents": documents,
        "bands": agreement_report.Band,
    }
    return render(request, "annotations/agreement.html", context)


@login_required
@require_GET
def dashboard_page(request, pk):
    """The project's dashboard; ``?format=csv`` downloads its numbers."""
    project, form = _project_for_figures(request, pk, messages.CANNOT_SEE_DASHBOARD)
    if not form.is_valid():
        return render(
            request, "annotations/dashboard.html", {"project": project, "form": form}, status=400
        )
    panels = dashboard.dashboard(request.user, project)
    if form.cleaned_data["format"] == "csv":
        return csv_response(
            f"dashboard-project-{project.pk}.csv", dashboard.CSV_COLUMNS, dashboard.csv_rows(panels)
        )
    return render(request, "annotations/dashboard.html", {"project": project, "panels": panels})
