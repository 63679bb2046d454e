"""Browser pages. Thin: each asks a selector or a service and renders a template."""

import logging

from django.contrib import messages as flash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_POST

from annotations import messages, permissions
from annotations.forms import AddDocumentForm, AssignDocumentsForm, DocumentListForm, LoginForm
from annotations.models import Document, Project
from annotations.querysets import with_caller_role
from annotations.selectors_pages import (
    claim_page,
    documents_for_project,
    filter_by_assignment,
    my_queue,
    paragraphs,
    project_members,
    projects_for_home,
    with_assignments,
    workspace_data,
)

DOCUMENTS_PER_PAGE = 50
logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    """Liveness for the load balancer: the process answers and the database does too."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        # The reason goes to the log, not to whoever can reach the health check.
        logger.exception("Health check: the database is unavailable")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class LoginView(auth_views.LoginView):
    """Django's login page; over the failed-attempt limit it answers 429 with Retry-After."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.retry_after is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.retry_after)
        return response


@login_required
@require_GET
def home(request):
    context = {"projects": projects_for_home(request.user), "queue": my_queue(request.user)}
    return render(request, "annotations/home.html", context)


@login_required
@require_GET
def project_detail(request, pk):
    """The project's documents, searchable and sortable; owners also see the add form."""
    project = get_object_or_404(Project.objects.for_user(request.user), pk=pk)
    return _project_page(request, project)


def _project_page(request, project, add_form=None, assign_form=None):
    role = permissions.role_in(request.user, project)
    members = project_members(project)
    list_form = DocumentListForm(request.GET, members=members)
    status = 200
    if list_form.is_valid():
        filters = list_form.cleaned_data
    else:
        filters, status = {"q": "", "sort": "newest", "assignee": None, "state": ""}, 400
    query, sort = filters["q"], filters["sort"]
    documents = documents_for_project(request.user, project, query=query, sort=sort)
    documents = filter_by_assignment(
        documents, request.user, assignee=filters["assignee"], state=filters["state"]
    )
    documents = with_assignments(documents, request.user)
    page = Paginator(documents, DOCUMENTS_PER_PAGE).get_page(request.GET.get("page"))
    can_manage = permissions.can_manage_project(request.user, project, role=role)
    if add_form is not None or assign_form is not None:
        status = 400
    if can_manage:
        add_form = add_form or AddDocumentForm()
        assign_form = assign_form or AssignDocumentsForm(project=project, members=members)
    list_query = request.GET.copy()
    list_query.pop("page", None)
    context = {
        "list_query": list_query.urlencode(),
        "filtered": bool(filters["assignee"] or filters["state"]),
        "assign_form": assign_form,
        "project": project,
        "role": role,
        "list_form": list_form,
        "page": page,
        "query": query,
        "sort": sort,
        "can_manage": can_manage,
        "can_see_figures": permissions.can_see_agreement(request.user, project, role=role),
        "can_adjudicate": permissions.can_adjudicate(request.user, project, role=role),
        "add_form": add_form,
    }
    return render(request, "annotations/project_detail.html", context, status=status)


@login_required
@require_POST
def add_document(request, pk):
    """Import pasted text or an uploaded file into the project (owners only)."""
    project = get_object_or_404(Project.objects.for_user(request.user), pk=pk)
    if not permissions.can_manage_project(request.user, project):
        raise PermissionDenied(messages.CANNOT_ADD_DOCUMENT)
    form = AddDocumentForm(request.POST, request.FILES)
    documents = form.save(project=project, user=request.user) if form.is_valid() else []
    if not documents:
        return _project_page(request, project, add_form=form)
    for document in documents:
        flash.success(
            request, f"Added “{document.title}” ({document.sentences.count()} sentences)."
        )
    if len(documents) == 1:
        return redirect("annotate", pk=documents[0].pk)
    return redirect("project", pk=project.pk)


@login_required
@require_POST
def assign_documents(request, pk):
    """Assign the documents ticked on the project page to a member (owners only)."""
    project = get_object_or_404(Project.objects.for_user(request.user), pk=pk)
    if not permissions.can_assign(request.user, project):
        raise PermissionDenied(messages.CANNOT_ASSIGN)
    form = AssignDocumentsForm(request.POST, project=project, members=project_members(project))
    result = form.save(user=request.user) if form.is_valid() else None
    if result is None:
        return _project_page(request, project, assign_form=form)
    assignee = form.cleaned_data["assignee"]
    text = f"Assigned {len(result.created)} document{pluralize(len(result.created))} to {assignee}."
    if result.existing:
        text += f" {len(result.existing)} already assigned to them."
    flash.success(request, text)
    return redirect("project", pk=project.pk)


@login_required
@require_GET
@ensure_csrf_cookie
def annotate(request, pk):
    """The annotation workspace. A fixed number of queries whatever the document's size."""
    documents = Document.objects.for_user(request.user).select_related("project")
    document = get_object_or_404(with_caller_role(documents, request.user, "project"), pk=pk)
    role = permissions.role_in(request.user, document.project_id, annotated=document)
    grouped = paragraphs(document)
    sentence_count = sum(len(paragraph.sentences) for paragraph in grouped)
    context = {
        "document": document,
        "project": document.project,
        "paragraphs": grouped,
        "data": workspace_data(request.user, document, role, sentence_count),
        "role": role,
    }
    return render(request, "annotations/workspace.html", context)


@login_required
@require_GET
def claim_detail(request, pk):
    """A claim, its verdict and every appearance, with the evidence grouped by stance."""
    page = claim_page(request.user, pk)
    if page is None:
        raise Http404
    return render(request, "annotations/claim_detail.html", {"page": page, "claim": page.claim})
