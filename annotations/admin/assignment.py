"""Assignments in the admin: the list by state, assignee and project, and the Documents
list's "Assign to…" action. Every change goes through ``services.assignments``."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from simple_history.admin import SimpleHistoryAdmin

from annotations import permissions, services
from annotations.admin.annotation import ScopedRelatedFilter
from annotations.admin.scoping import ProjectScopedAdminMixin, role_for
from annotations.models import Assignment, Project


class ProjectFilter(admin.SimpleListFilter):
    """The assignment's project (through its document), among the user's projects."""

    title = "project"
    parameter_name = "project"

    def lookups(self, request, model_admin):
        return Project.objects.for_user(request.user).values_list("pk", "name")

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(document__project_id=self.value())
        return queryset


@admin.register(Assignment)
class AssignmentAdmin(ProjectScopedAdminMixin, SimpleHistoryAdmin):
    project_path = "document__project"
    list_display = ("document", "assignee", "state", "due", "assigned_by", "updated_at")
    list_filter = ("state", ("assignee", ScopedRelatedFilter), ProjectFilter, "due")
    list_select_related = ("document", "assignee", "assigned_by")
    search_fields = ("document__title", "assignee__username")
    ordering = ("-updated_at", "-id")
    fields = ("document", "assignee", "state", "due", "assigned_by", "created_at", "done_at")
    readonly_fields = ("document", "assignee", "assigned_by", "created_at", "done_at")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("document__text")

    def project_id_of(self, obj) -> int:
        return obj.document.project_id

    def may_change(self, request, obj, role) -> bool:
        return permissions.can_assign(request.user, obj.document.project_id, role=role)

    def has_add_permission(self, request):
        """Assignments are made with the Documents list's "Assign to…" action."""
        return False

    def save_model(self, request, obj, form, change):
        changes = {name: form.cleaned_data[name] for name in ("state", "due")}
        current = Assignment.objects.get(pk=obj.pk)
        services.update_assignment(user=request.user, assignment=current, **changes)

    def delete_model(self, request, obj):
        services.delete_assignment(user=request.user, assignment=obj)

    def delete_queryset(self, request, queryset):
        for assignment in queryset.select_related("document"):
            services.delete_assignment(user=request.user, assignment=assignment)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=None, help_text="A member of the project.")
    due = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Optional."
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = (
            get_user_model().objects.filter(memberships__project=project).order_by("username")
        )


@admin.action(description="Assign to…", permissions=["change"])
def assign_to(modeladmin, request, queryset):
    """Assign the selected documents (of one project) to a member, from an intermediate page."""
    documents = list(queryset.select_related("project").defer("text").order_by("title", "id"))
    projects = {document.project_id for document in documents}
    if len(projects) != 1:
        modeladmin.message_user(
            request, "Select documents of one project to assign them.", messages.ERROR
        )
        return None
    project = documents[0].project
    if not permissions.can_assign(request.user, project, role=role_for(request, project.pk)):
        modeladmin.message_user(request, "Only owners of the project may assign.", messages.ERROR)
        return None
    form = AssignForm(request.POST if "apply" in request.POST else None, project=project)
    if form.is_bound and form.is_valid():
        try:
            result = services.assign_documents(
                user=request.user,
                documents=documents,
                assignees=[form.cleaned_data["assignee"]],
                # An empty date keeps the due date of documents already assigned.
                **({"due": form.cleaned_data["due"]} if form.cleaned_data["due"] else {}),
            )
        except (PermissionDenied, ValidationError) as exc:
            modeladmin.message_user(request, " ".join(exc.messages), messages.ERROR)
            return None
        modeladmin.message_user(
            request,
            f"Assigned {len(result.created)} document(s) to {form.cleaned_data['assignee']}; "
            f"{len(result.existing)} already assigned.",
            messages.SUCCESS,
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Assign documents",
        "opts": modeladmin.model._meta,
        "form": form,
        "documents": documents,
        "project": project,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/annotations/document/assign.html", context)
