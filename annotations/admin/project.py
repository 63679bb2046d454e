"""Projects with their members and claim types; owners manage them."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect

from annotations import messages as messages_text
from annotations import permissions, services
from annotations.admin import display
from annotations.admin.annotation import ScopedRelatedFilter
from annotations.admin.deletion import GuardedDeletionMixin
from annotations.admin.scoping import ProjectScopedAdminMixin, ProjectScopedInlineMixin
from annotations.models import ClaimType, Membership, Project, Role


def active_users():
    return get_user_model().objects.filter(is_active=True).order_by("username")


class MembershipFormSet(BaseInlineFormSet):
    """Members of an existing project, saved as a whole by ``services.change_members``."""

    def clean(self):
        super().clean()
        if self.instance.pk is None or any(self.errors):
            return  # a new project gets its creator as owner after saving
        services.check_keeps_an_owner(project=self.instance, roles=submitted_roles(self))


def submitted_roles(formset) -> dict:
    """What the formset asks for: user id → new role, or None for a removed member."""
    removed, kept = {}, {}
    for form in formset.forms:
        if not hasattr(form, "cleaned_data") or not form.has_changed():
            continue
        old_user = form.initial.get("user") if form.instance.pk else None
        user, role = form.cleaned_data.get("user"), form.cleaned_data.get("role")
        if formset._should_delete_form(form):
            if old_user is not None:
                removed[old_user] = None
            continue
        if old_user is not None and (user is None or user.pk != old_user):
            removed[old_user] = None  # the row was given to another user
        if user is not None and role:
            kept[user.pk] = role
    return {**removed, **kept}


class MembershipInline(ProjectScopedInlineMixin, admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at", "member")
    extra = 0

    def get_fields(self, request, obj=None):
        # Read-only rows name the member instead of linking to a user page they cannot open.
        if self._may_manage(request, obj):
            return self.fields
        return ("member", "role", "created_at")

    @admin.display(description="User")
    def member(self, obj):
        return display.user_name(obj.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = active_users()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ClaimTypeForm(forms.ModelForm):
    """A claim type, checked by the same rules as the API (``services.check_claim_type``).

    Slugs and shortcuts are checked there, with messages naming the claim type that holds
    them; ticking "default" moves the mark from the previous default when saved.
    """

    class Meta:
        model = ClaimType
        fields = (
            "project",
            "position",
            "name",
            "slug",
            "shortcut",
            "color",
            "is_default",
            "description",
        )

    def _get_validation_exclusions(self):
        return {*super()._get_validation_exclusions(), "slug", "shortcut", "is_default"}

    def clean(self):
        cleaned = super().clean()
        project = cleaned.get("project")
        if project is not None and project.pk is not None and cleaned.get("slug"):
            services.check_claim_type(
                project=project,
                slug=cleaned["slug"],
                shortcut=cleaned.get("shortcut", ""),
                exclude_pk=self.instance.pk,
            )
        return cleaned


class ClaimTypeFormSet(BaseInlineFormSet):
    """The rows of one project: unique slugs and shortcuts, at most one default."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rows = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]
        for field, message in (
            ("slug", messages_text.CLAIM_TYPE_SLUG_REPEATED),
            ("shortcut", messages_text.SHORTCUT_REPEATED),
        ):
            values = [row[field] for row in rows if row.get(field)]
            if len(values) != len(set(values)):
                raise ValidationError(message)
        if sum(bool(row.get("is_default")) for row in rows) > 1:
            raise ValidationError(messages_text.ONE_DEFAULT_CLAIM_TYPE)


class ClaimTypeInline(ProjectScopedInlineMixin, admin.TabularInline):
    model = ClaimType
    form = ClaimTypeForm
    formset = ClaimTypeFormSet
    fields = ("position", "name", "slug", "shortcut", "color", "is_default", "description")
    extra = 0
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Project)
class ProjectAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    project_path = "pk"
    list_display = ("name", "slug", "member_count", "document_count", "annotation_count")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "description", "independent_annotation", "created_at")
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
        return request.user.is_staff and permissions.can_create_project(request.user)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_staff and permissions.can_delete_project(request.user)

    def save_model(self, request, obj, form, change):
        if change:
            fields = submitted_fields(form, services.PROJECT_FIELDS)
            services.update_project(user=request.user, project=obj, **fields)
        else:
            super().save_model(request, obj, form, change)  # the rest in save_related()

    def delete_model(self, request, obj):
        services.delete_project(user=request.user, project=obj)

    def delete_queryset(self, request, queryset):
        for project in queryset:
            services.delete_project(user=request.user, project=project)

    def get_deleted_objects(self, objs, request):
        """The annotations protecting the claim types go too (``services.delete_project``)."""
        deleted, counts, perms_needed, _protected = super().get_deleted_objects(objs, request)
        return deleted, counts, perms_needed, []

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
        """A new project gets its creator as an owner, then the default claim types unless
        some were given; the inline rows are saved through the services as that owner."""
        if not change:
            services.add_member(project=form.instance, user=request.user, role=Role.OWNER)
        super().save_related(request, form, formsets, change)
        if not change:
            services.seed_default_claim_types(form.instance)

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            save_memberships(request, formset, keep_owner=None if change else request.user)
        elif formset.model is ClaimType:
            save_claim_types(request, formset)
        else:
            super().save_formset(request, form, formset, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A membership change refused while saving (a race the form missed) is a message."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            if request.method != "POST":
                raise
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())


def save_memberships(request, formset, *, keep_owner=None) -> None:
    """Save the inline through the service; note what changed for the admin's log.

    ``keep_owner`` is the creator of a new project, who stays its owner whatever the rows say.
    """
    roles = submitted_roles(formset)
    if keep_owner is not None:
        roles.pop(keep_owner.pk, None)
    services.change_members(user=request.user, project=formset.instance, roles=roles)
    note_inline_changes(formset)


def save_claim_types(request, formset) -> None:
    """Save the claim type rows through the services (their rules, the acting owner)."""
    for form in formset.initial_forms:
        if formset._should_delete_form(form):
            services.delete_claim_type(user=request.user, claim_type=form.instance)
    for form in formset.forms:
        if not form.has_changed() or formset._should_delete_form(form):
            continue
        fields = submitted_fields(form, services.CLAIM_TYPE_FIELDS)
        if form.instance.pk is None:
            services.create_claim_type(user=request.user, project=formset.instance, **fields)
        else:
            services.update_claim_type(user=request.user, claim_type=form.instance, **fields)
    note_inline_changes(formset)


def submitted_fields(form, allowed) -> dict:
    """The service's keyword arguments: every field of a new row, the changed ones of a row."""
    names = form.cleaned_data if form.instance.pk is None else form.changed_data
    return {name: form.cleaned_data[name] for name in names if name in allowed}


def note_inline_changes(formset) -> None:
    """What ``BaseModelFormSet.save()`` would have recorded, for the admin's change log."""
    deleted = [form for form in formset.initial_forms if formset._should_delete_form(form)]
    formset.deleted_objects = [form.instance for form in deleted]
    formset.new_objects = [
        form.instance for form in formset.extra_forms if form.has_changed() and form not in deleted
    ]
    formset.changed_objects = [
        (form.instance, form.changed_data)
        for form in formset.initial_forms
        if form.has_changed() and form not in deleted
    ]


class MembershipForm(forms.ModelForm):
    """A membership's role; changing it may not leave the project without an owner."""

    class Meta:
        model = Membership
        fields = ("user", "project", "role")

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("role"):
            services.check_keeps_an_owner(
                project=self.instance.project, roles={self.instance.user_id: cleaned["role"]}
            )
        return cleaned


@admin.register(Membership)
class MembershipAdmin(GuardedDeletionMixin, ProjectScopedAdminMixin, admin.ModelAdmin):
    """Every add, change and delete goes through the membership services."""

    form = MembershipForm
    list_display = ("user", "project", "role", "created_at")
    list_filter = (("project", ScopedRelatedFilter), "role")
    search_fields = ("user__username", "user__email", "project__name")
    list_select_related = ("user", "project")
    ordering = ("project__name", "user__username")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = active_users()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_fields(self, request, obj=None):
        # Another user or project is another membership: remove this one and add that.
        return ("user", "project", "role") if obj is None else ("member", "project", "role")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("member", "project")

    @admin.display(description="User")
    def member(self, obj):
        return display.user_name(obj.user)

    def save_model(self, request, obj, form, change):
        saved = services.change_membership(
            user=request.user, project=obj.project, member=obj.user, role=obj.role
        )
        obj.pk, obj.created_at = saved.pk, saved.created_at

    def delete_model(self, request, obj):
        services.remove_member(user=request.user, membership=obj)

    def delete_queryset(self, request, queryset):
        services.remove_members(user=request.user, memberships=queryset.select_related("project"))

    def check_deletable(self, queryset):
        services.check_removable(queryset.select_related("project"))


@admin.register(ClaimType)
class ClaimTypeAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    """Claim types are created, changed and deleted through the claim type services."""

    form = ClaimTypeForm
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

    def save_model(self, request, obj, form, change):
        fields = submitted_fields(form, services.CLAIM_TYPE_FIELDS)
        if change:
            services.update_claim_type(user=request.user, claim_type=obj, **fields)
        else:
            project = form.cleaned_data["project"]
            obj.pk = services.create_claim_type(user=request.user, project=project, **fields).pk

    def delete_model(self, request, obj):
        services.delete_claim_type(user=request.user, claim_type=obj)

    def delete_queryset(self, request, queryset):
        for claim_type in queryset:
            services.delete_claim_type(user=request.user, claim_type=claim_type)
