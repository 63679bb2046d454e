"""Per-project scoping for every admin page, written once.

Staff users who are not superusers see only the projects they belong to and act according
to their role there (``annotations.permissions``), so nobody has to hand out Django model
permissions: a member may view, and the rules in ``permissions`` decide who may change.
"""

from annotations import permissions
from annotations.models import ClaimType, Document, Membership, Project
from annotations.querysets import member_project_ids


def roles_by_project(request) -> dict[int, str]:
    """The user's role in each of their projects, read once per request."""
    roles = getattr(request, "_factcheck_roles", None)
    if roles is None:
        user = request.user
        roles = {}
        if user.is_authenticated and user.is_active:
            roles = dict(Membership.objects.filter(user=user).values_list("project_id", "role"))
        request._factcheck_roles = roles
    return roles


def role_for(request, project_id) -> str | None:
    """``permissions.role_in`` without a query per check; superusers act as owners."""
    if request.user.is_superuser:
        return permissions.role_in(request.user, project_id)
    return roles_by_project(request).get(project_id)


def managed_project_ids(request) -> list[int]:
    """Projects whose members, claim types and documents the user may manage."""
    return [
        project_id
        for project_id, role in roles_by_project(request).items()
        if permissions.can_manage_project(request.user, project_id, role=role)
    ]


def reviewable_project_ids(request) -> list[int]:
    return [
        project_id
        for project_id, role in roles_by_project(request).items()
        if permissions.can_review(request.user, project_id, role=role)
    ]


class ProjectScopedAdminMixin:
    """Limit an admin to the user's projects: lists, filters, search, autocomplete, forms.

    ``project_path`` is the lookup from the model to its project. Every admin view
    (changelist, change page, actions, autocomplete, history) starts from
    ``get_queryset``, so scoping it there covers them all; the ``has_*_permission``
    methods then ask ``annotations.permissions`` with the user's role in the object's
    project. Subclasses say what changing means with ``may_change``.
    """

    project_path = "project"

    # --- rows ---------------------------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return scope_queryset(queryset, request.user, self.project_path)

    def project_id_of(self, obj) -> int:
        value = obj
        for part in self.project_path.split("__"):
            if part == "pk":
                return value.pk
            if part == "project":
                return value.project_id
            value = getattr(value, part)
        return value.pk

    # --- permissions --------------------------------------------------------------------

    def may_change(self, request, obj, role) -> bool:
        """May the user change or delete ``obj``, given their role in its project."""
        return permissions.can_manage_project(request.user, self.project_id_of(obj), role=role)

    def may_change_some(self, request) -> bool:
        """Could the user change anything here at all (decides which buttons show)."""
        return bool(managed_project_ids(request))

    def has_module_permission(self, request):
        if request.user.is_superuser:
            return super().has_module_permission(request)
        return request.user.is_staff and bool(roles_by_project(request))

    def has_view_permission(self, request, obj=None):
        if request.user.is_superuser:
            return super().has_view_permission(request, obj)
        if obj is None:
            return request.user.is_staff and bool(roles_by_project(request))
        return role_for(request, self.project_id_of(obj)) is not None

    def has_change_permission(self, request, obj=None):
        if request.user.is_superuser:
            return super().has_change_permission(request, obj)
        if not request.user.is_staff:
            return False
        if obj is None:
            return self.may_change_some(request)
        role = role_for(request, self.project_id_of(obj))
        return role is not None and self.may_change(request, obj, role)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_add_permission(self, request, *args):
        if request.user.is_superuser:
            return super().has_add_permission(request, *args)
        return request.user.is_staff and bool(managed_project_ids(request))

    def history_view(self, request, object_id, extra_context=None):
        # History names who changed what; link the name only for those who may open users.
        if not request.user.has_perm("auth.view_user"):
            extra_context = {**(extra_context or {}), "admin_user_view": "admin:no-user-page"}
        return super().history_view(request, object_id, extra_context)

    # --- form choices -------------------------------------------------------------------

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        queryset = scoped_choices(db_field.related_model, request)
        if queryset is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def scope_queryset(queryset, user, project_path: str):
    if user.is_superuser and user.is_active:
        return queryset
    if hasattr(queryset, "for_user"):
        return queryset.for_user(user)
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    return queryset.filter(**{f"{project_path}__in": member_project_ids(user)})


def scoped_choices(model, request):
    """The rows of ``model`` a form may offer this user, or None if not project data.

    Projects are limited to those the user manages: every form in the admin that picks
    a project (a document, a member, a claim type) is an owner's form.
    """
    user = request.user
    if model is Project:
        if user.is_superuser:
            return Project.objects.all()
        return Project.objects.filter(pk__in=managed_project_ids(request))
    if model in (ClaimType, Document):
        return model.objects.for_user(user)
    return None


class ProjectScopedInlineMixin:
    """Inline rows follow the parent's permissions: only managers of the project edit."""

    def _may_manage(self, request, obj):
        if request.user.is_superuser:
            return True
        if obj is None:
            return bool(managed_project_ids(request))
        project_id = obj.pk if isinstance(obj, Project) else obj.project_id
        role = role_for(request, project_id)
        return permissions.can_manage_project(request.user, project_id, role=role)

    def has_add_permission(self, request, obj=None):
        return self._may_manage(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_manage(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_manage(request, obj)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or bool(roles_by_project(request))
