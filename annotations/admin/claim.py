"""Claims: the list with their appearances, a claim's page, and merging duplicates.

Every write goes through ``annotations.services`` (claims are worded, judged, merged and
deleted by the desk: reviewers and owners); claims are created from annotations, in the
API or the workspace, so there is no add page.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Min
from django.db.models.functions import Coalesce
from simple_history.admin import SimpleHistoryAdmin

from annotations import messages as texts
from annotations import permissions, services
from annotations.admin import display
from annotations.admin.annotation import ScopedRelatedFilter
from annotations.admin.scoping import ProjectScopedAdminMixin, reviewable_project_ids
from annotations.models import Annotation, Claim
from annotations.querysets import visible_annotations

EDITABLE_FIELDS = ("text", "verification_status", "rating_explanation")
SEEN = Coalesce("appearances__document__published_at", "appearances__created_at")


def annotated_column(name: str, description: str):
    """A list column showing (and sorting by) a value ``get_queryset`` annotates."""

    @admin.display(description=description, ordering=name)
    def column(self, obj):
        return getattr(obj, name)

    return column


class ClaimChangeForm(forms.ModelForm):
    """The desk's part of a claim, plus the version it was loaded at (no lost updates)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Claim
        fields = EDITABLE_FIELDS
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3, "cols": 80}),
            "rating_explanation": forms.Textarea(attrs={"rows": 3, "cols": 80}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version


class AppearanceInline(admin.TabularInline):
    """Where the claim appeared; appearances are linked and unlinked on their annotation."""

    model = Annotation
    fk_name = "claim"
    verbose_name = "appearance"
    verbose_name_plural = "appearances"
    fields = ("document", "quote", "verification_status", "annotator", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        appearances = super().get_queryset(request).visible_to(request.user)
        return appearances.select_related("document", "annotator")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True  # the claim's page is already scoped to the user's projects


@admin.register(Claim)
class ClaimAdmin(ProjectScopedAdminMixin, SimpleHistoryAdmin):
    form = ClaimChangeForm
    list_display = (
        "excerpt",
        "status_display",
        "appearances_display",
        "first_seen",
        "last_seen",
        "project",
    )
    list_display_links = ("excerpt",)
    list_filter = (("project", ScopedRelatedFilter), "verification_status")
    search_fields = ("text", "rating_explanation")
    search_help_text = "Search the claim's wording and its explanation."
    ordering = ("-created_at", "-id")
    list_select_related = ("project",)
    list_per_page = 50
    inlines = (AppearanceInline,)
    actions = ("merge",)
    readonly_fields = ("project", "reviewed_by", "reviewed_at", "created_at", "version")
    fields = (
        "project",
        "text",
        "verification_status",
        "rating_explanation",
        "expected_version",
        "reviewed_by",
        "reviewed_at",
        "created_at",
        "version",
    )

    class Media:
        css = {"all": ("annotations/admin.css",)}

    def get_queryset(self, request):
        # Counted over the appearances the user may see (independent annotation).
        visible = visible_annotations(request.user, "appearances__")
        return (
            super()
            .get_queryset(request)
            .annotate(
                appearance_count=Count("appearances", distinct=True, filter=visible),
                first_seen=Min(SEEN, filter=visible),
                last_seen=Max(SEEN, filter=visible),
            )
        )

    def may_change(self, request, obj, role):
        return permissions.can_edit_claim(request.user, obj.project_id, role=role)

    def may_change_some(self, request):
        return bool(reviewable_project_ids(request))

    def has_add_permission(self, request, *args):
        return False

    # --- columns ------------------------------------------------------------------------

    @admin.display(description="Claim", ordering="text")
    def excerpt(self, obj):
        return str(obj)

    @admin.display(description="Verdict", ordering="verification_status")
    def status_display(self, obj):
        return display.verification_badge(obj.verification_status)

    appearances_display = annotated_column("appearance_count", "Appearances")
    first_seen = annotated_column("first_seen", "First seen")
    last_seen = annotated_column("last_seen", "Last seen")

    # --- writes through the services ----------------------------------------------------

    def save_model(self, request, obj, form, change):
        changes = {
            name: form.cleaned_data[name] for name in form.changed_data if name in EDITABLE_FIELDS
        }
        if changes:
            services.update_claim(
                user=request.user,
                claim=obj,
                expected_version=form.cleaned_data.get("expected_version"),
                **changes,
            )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.ClaimVersionConflict:
            self.message_user(request, texts.CLAIM_VERSION_CONFLICT, messages.ERROR)
            return self.response_post_save_change(request, None)

    def delete_model(self, request, obj):
        services.delete_claim(user=request.user, claim=obj, expected_version=None)

    def delete_queryset(self, request, queryset):
        for claim in queryset:
            self.delete_model(request, claim)

    @admin.action(description="Merge the selected claims into the oldest", permissions=["change"])
    def merge(self, request, queryset):
        claims = list(queryset.order_by("created_at", "id"))
        if len(claims) < 2:
            self.message_user(request, texts.CLAIM_MERGE_TOO_FEW, messages.WARNING)
            return
        into = claims[0]
        try:
            for source in claims[1:]:
                services.merge_claims(user=request.user, into=into, source=source)
        except (PermissionDenied, ValidationError) as exc:
            self.message_user(
                request, " ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR
            )
            return
        self.message_user(
            request, texts.CLAIM_MERGED.format(count=len(claims) - 1, claim=into), messages.SUCCESS
        )
