"""Projects with their members and claim types; owners manage them."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Count

from annotations import services
from annotations.admin import display
from annotations.admin.annotation import ScopedRelatedFilter
from annotations.admin.scoping import ProjectScopedAdminMixin, ProjectScopedInlineMixin
from annotations.models import ClaimType, Membership, Project, Role


def active_users():
    return get_user_model().objects.filter(is_active=True).order_by("username")


class MembershipInline(ProjectScopedInlineMixin, admin.TabularInline):
    model = Membership
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = active_users()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ClaimTypeInline(ProjectScopedInlineMixin, admin.TabularInline):
    model = ClaimType
    fields = ("position", "name", "slug", "shortcut", "color", "is_default", "description")
    extra = 0
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Project)
class ProjectAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    project_path = "pk"
    list_display = ("name", "slug", "member_count", "document_count", "annotation_count")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "description", "created_at")
    readonly_fields = ("created_at",)
    inlines = (MembershipInline, ClaimTypeInline)

    def project_id_of(self, obj):
        return obj.pk

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                member_count=Count("memberships", distinct=True),
                document_count=Count("documents", distinct=True),
                annotation_count=Count("annotations", distinct=True),
            )
            .order_by("name", "pk")  # aggregation drops Meta.ordering; autocomplete pages
        )

    def has_add_permission(self, request):
        """Creating a project is a site decision: superusers, or the add_project permission."""
        return request.user.is_staff and request.user.has_perm("annotations.add_project")

    def has_delete_permission(self, request, obj=None):
        """Deleting a project deletes all its work; only superusers may."""
        return request.user.is_superuser

    @admin.display(description="Members", ordering="member_count")
    def member_count(self, obj):
        return obj.member_count

    @admin.display(description="Documents", ordering="document_count")
    def document_count(self, obj):
        return obj.document_count

    @admin.display(description="Annotations", ordering="annotation_count")
    def annotation_count(self, obj):
        return obj.annotation_count

    def save_related(self, request, form, formsets, change):
        """A new project gets the default claim types and its creator as an owner."""
        super().save_related(request, form, formsets, change)
        if not change:
            services.seed_default_claim_types(form.instance)
            services.add_member(project=form.instance, user=request.user, role=Role.OWNER)


@admin.register(Membership)
class MembershipAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "project", "role", "created_at")
    list_filter = (("project", ScopedRelatedFilter), "role")
    search_fields = ("user__username", "user__email", "project__name")
    list_select_related = ("user", "project")
    ordering = ("project__name", "user__username")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = active_users()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ClaimType)
class ClaimTypeAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    list_display = ("chip", "project", "slug", "shortcut", "position", "is_default")
    list_filter = (("project", ScopedRelatedFilter),)
    search_fields = ("name", "slug", "description")
    list_select_related = ("project",)
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("project__name", "position", "name")

    class Media:
        css = {"all": ("annotations/admin.css",)}

    @admin.display(description="Claim type", ordering="name")
    def chip(self, obj):
        return display.claim_type_chip(obj)
