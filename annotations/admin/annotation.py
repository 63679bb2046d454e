"""The annotation list and page where editors review claims all day."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from annotations import messages as texts
from annotations import permissions, services
from annotations.admin import display
from annotations.admin.scoping import (
    ProjectScopedAdminMixin,
    reviewable_project_ids,
    role_for,
    roles_by_project,
)
from annotations.models import (
    Annotation,
    ClaimType,
    ReviewState,
    Sentence,
    Source,
    VerificationStatus,
)
from annotations.querysets import visible_annotations

EDITABLE_FIELDS = ("claim_type", "verification_status", "rationale")


class HasNoSourcesFilter(admin.SimpleListFilter):
    title = "sources"
    parameter_name = "sources"

    def lookups(self, request, model_admin):
        return [("none", "Has no sources"), ("some", "Has sources")]

    def queryset(self, request, queryset):
        # ``source_count`` is annotated by AnnotationAdmin.get_queryset.
        if self.value() == "none":
            return queryset.filter(source_count=0)
        if self.value() == "some":
            return queryset.filter(source_count__gt=0)
        return queryset


# Offers only the values present in the user's (scoped) annotations: one query each.
ScopedRelatedFilter = admin.RelatedOnlyFieldListFilter


class SourceInline(admin.TabularInline):
    """Sources are edited with their annotation and saved through the service with it."""

    model = Source
    fields = ("url", "title", "publisher", "stance", "excerpt", "accessed_at")
    extra = 0
    formfield_overrides = {
        # Plain, compact inputs keep the table within the page.
        models.URLField: {"widget": forms.URLInput(attrs={"size": 36}), "assume_scheme": "https"},
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 32})},
        models.CharField: {"widget": forms.TextInput(attrs={"size": 20})},
    }

    def _may_edit(self, request, obj):
        if obj is None:
            return False
        if request.user.is_superuser:
            return True
        role = role_for(request, obj.project_id)
        return permissions.can_edit_annotation(request.user, obj, role=role)

    def has_add_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or bool(roles_by_project(request))


class AnnotationChangeForm(forms.ModelForm):
    """The editable part of an annotation, plus the version it was loaded at."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    review_note = forms.CharField(
        label="Note to the annotator",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Sent with “Save and request changes”; kept as the review comment.",
    )

    class Meta:
        model = Annotation
        fields = EDITABLE_FIELDS
        widgets = {"rationale": forms.Textarea(attrs={"rows": 4, "cols": 80})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
            if "claim_type" in self.fields:
                self.fields["claim_type"].queryset = ClaimType.objects.filter(
                    project_id=self.instance.project_id
                )

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("expected_version")
        if self.instance.pk and expected is not None:
            current = Annotation.objects.filter(pk=self.instance.pk).values_list(
                "version", flat=True
            )
            if current.first() != expected:
                raise ValidationError(texts.VERSION_CONFLICT, code="version_conflict")
        return cleaned


class RequestChangesForm(forms.Form):
    comment = forms.CharField(
        label="What should the annotator change?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="Optional. Shown to the annotator as the review comment.",
    )


def _status_action(status: VerificationStatus):
    def action(modeladmin, request, queryset):
        return modeladmin.apply_to_each(
            request,
            queryset,
            lambda annotation: services.set_verification_status(
                user=request.user, annotation=annotation, status=status.value
            ),
            done=f"set to “{status.label}”",
        )

    action.__name__ = f"set_status_{status.value}"
    return admin.action(
        description=f"Set verification status: {status.label}", permissions=["change"]
    )(action)


@admin.register(Annotation)
class AnnotationAdmin(ProjectScopedAdminMixin, SimpleHistoryAdmin):
    form = AnnotationChangeForm
    list_display = (
        "excerpt",
        "document_title",
        "claim_type_display",
        "status_display",
        "review_display",
        "annotator",
        "source_count_display",
        "last_change",
    )
    list_display_links = ("excerpt",)
    list_filter = (
        ("project", ScopedRelatedFilter),
        "review_state",
        "verification_status",
        ("claim_type", ScopedRelatedFilter),
        ("annotator", ScopedRelatedFilter),
        ("document", ScopedRelatedFilter),
        HasNoSourcesFilter,
    )
    search_fields = ("quote", "rationale", "document__title", "sources__url")
    search_help_text = "Search the quote, rationale, document title and source URLs."
    date_hierarchy = "updated_at"
    ordering = ("-updated_at", "-id")
    list_select_related = ("document", "sentence", "claim_type", "annotator")
    list_per_page = 50
    inlines = (SourceInline,)
    actions = (
        "approve",
        "request_changes",
        *(_status_action(status) for status in VerificationStatus),
    )
    readonly_fields = (
        "sentence_in_context",
        "document_link",
        "project",
        "quote",
        "span",
        "review_display",
        "reviewer_name",
        "reviewed_at",
        "review_comment",
        "annotator_name",
        "created_at",
        "updated_at",
        "version",
        "recent_changes",
    )
    fieldsets = (
        (None, {"fields": ("sentence_in_context", "document_link", "project")}),
        (
            "Claim",
            {"fields": ("claim_type", "verification_status", "rationale", "expected_version")},
        ),
        (
            "Review",
            {
                "fields": (
                    "review_display",
                    "reviewer_name",
                    "reviewed_at",
                    "review_comment",
                    "review_note",
                )
            },
        ),
        ("Recent changes", {"fields": ("recent_changes",)}),
        (
            "Record",
            {
                "classes": ("collapse",),
                "fields": (
                    "quote",
                    "span",
                    "annotator_name",
                    "created_at",
                    "updated_at",
                    "version",
                ),
            },
        ),
    )

    fieldsets_after_sources = ("Review", "Recent changes", "Record")

    class Media:
        css = {"all": ("annotations/admin.css",)}

    # --- rows ---------------------------------------------------------------------------

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(source_count=Count("sources"))
            .order_by("-updated_at", "-id")
        )

    def get_search_results(self, request, queryset, search_term):
        """Search in a subquery: joining sources here would multiply ``source_count``."""
        if not search_term:
            return queryset, False
        matches, _ = super().get_search_results(
            request, self.model._default_manager.all(), search_term
        )
        return queryset.filter(pk__in=matches.values("pk")), False

    def may_change(self, request, obj, role):
        return permissions.can_edit_annotation(request.user, obj, role=role)

    def may_change_some(self, request):
        # Annotators may change their own annotations; the service checks each one.
        return bool(roles_by_project(request))

    def has_review_permission(self, request):
        return request.user.is_superuser or bool(reviewable_project_ids(request))

    def has_add_permission(self, request):
        """Annotations are made on the annotate page or through the API, never here."""
        return False

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Sources go with their annotation: the annotation's permission covers them.
        perms_needed.discard(Source._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    # --- list columns -------------------------------------------------------------------

    @admin.display(description="Claim", ordering="quote")
    def excerpt(self, obj):
        sentence = obj.sentence
        if obj.start == sentence.start and obj.end == sentence.end:
            return display.shorten(sentence.text, 120)
        return display.marked_span(
            sentence.text, obj.start - sentence.start, obj.end - sentence.start, limit=40
        )

    @admin.display(description="Document", ordering="document__title")
    def document_title(self, obj):
        return obj.document.title

    @admin.display(description="Claim type", ordering="claim_type__name")
    def claim_type_display(self, obj):
        return display.claim_type_chip(obj.claim_type)

    @admin.display(description="Verification", ordering="verification_status")
    def status_display(self, obj):
        return display.verification_badge(obj.verification_status)

    @admin.display(description="Review", ordering="review_state")
    def review_display(self, obj):
        return display.review_badge(obj.review_state)

    @admin.display(description="Sources", ordering="source_count")
    def source_count_display(self, obj):
        return obj.source_count

    @admin.display(description="Last change", ordering="updated_at")
    def last_change(self, obj):
        # Compact, so the column fits beside the filters; the full instant is in the tooltip.
        changed = timezone.localtime(obj.updated_at)
        return format_html(
            '<time datetime="{}" title="{}">{}</time>',
            changed.isoformat(),
            dateformat.format(changed, "j M Y, H:i:s"),
            dateformat.format(changed, "j M Y, H:i"),
        )

    # --- change page --------------------------------------------------------------------

    @admin.display(description="Sentence")
    def sentence_in_context(self, obj):
        sentence = obj.sentence
        neighbours = {
            s.index: s.text
            for s in Sentence.objects.filter(
                document_id=obj.document_id, index__in=[sentence.index - 1, sentence.index + 1]
            )
        }
        return format_html(
            '<div class="fc-context"><span class="fc-dim">{}</span> '
            '<span class="fc-sentence">{}</span> <span class="fc-dim">{}</span></div>',
            neighbours.get(sentence.index - 1, ""),
            display.marked_span(
                sentence.text, obj.start - sentence.start, obj.end - sentence.start
            ),
            neighbours.get(sentence.index + 1, ""),
        )

    @admin.display(description="Document")
    def document_link(self, obj):
        url = reverse("admin:annotations_document_change", args=[obj.document_id])
        link = format_html('<a href="{}">{}</a>', url, obj.document.title)
        try:
            annotate_url = reverse("annotate", args=[obj.document_id])
        except NoReverseMatch:
            return link
        return format_html(
            '{} · sentence {} · <a href="{}#a-{}">open on the annotate page</a>',
            link,
            obj.sentence.index + 1,
            annotate_url,
            obj.pk,
        )

    # Names, not links: staff reviewers may not open the user admin.
    @admin.display(description="Annotator")
    def annotator_name(self, obj):
        return display.user_name(obj.annotator)

    @admin.display(description="Reviewed by")
    def reviewer_name(self, obj):
        return display.user_name(obj.reviewed_by)

    @admin.display(description="Span (document offsets)")
    def span(self, obj):
        whole = " (whole sentence)" if obj.covers_whole_sentence else ""
        return f"{obj.start} to {obj.end}{whole}"

    @admin.display(description="Who changed what")
    def recent_changes(self, obj):
        rows = recent_changes(obj)
        if not rows:
            return "No changes recorded."
        history_url = reverse("admin:annotations_annotation_history", args=[obj.pk])
        return format_html(
            '<table class="fc-history"><thead><tr><th>When</th><th>Who</th><th>What</th>'
            "</tr></thead><tbody>{}</tbody></table>"
            '<p><a href="{}">Full history</a></p>',
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                ((when.strftime("%Y-%m-%d %H:%M"), who, what) for when, who, what in rows),
            ),
            history_url,
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "claim_type" and formfield is not None:
            # Claim types are managed on the project, not from an annotation.
            widget = formfield.widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return formfield

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            return (*self.readonly_fields, *EDITABLE_FIELDS)
        return self.readonly_fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.may_review(request, obj):
            return fieldsets
        return [
            (name, {**opts, "fields": tuple(f for f in opts["fields"] if f != "review_note")})
            for name, opts in fieldsets
        ]

    def may_review(self, request, obj) -> bool:
        role = role_for(request, obj.project_id)
        return permissions.can_review(request.user, obj.project_id, role=role)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["may_review"] = obj is not None and self.may_review(request, obj)
        context["fieldsets_after_sources"] = self.fieldsets_after_sources
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- saving through the services ----------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Turn a refused save (stale version, no permission) into a message, not a 500."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.VersionConflict:
            self.message_user(request, texts.VERSION_CONFLICT, messages.ERROR)
        except (PermissionDenied, ValidationError) as exc:
            if request.method != "POST":
                raise
            self.message_user(request, _error_text(exc), messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        """Nothing yet: ``save_related`` saves fields and sources in one service call."""

    def save_related(self, request, form, formsets, change):
        annotation = form.instance
        changes = {
            name: form.cleaned_data[name] for name in EDITABLE_FIELDS if name in form.changed_data
        }
        source_formsets = [formset for formset in formsets if formset.model is Source]
        sources = None
        if any(formset.has_changed() for formset in source_formsets):
            sources = [item for formset in source_formsets for item in _formset_sources(formset)]
        existing = set(annotation.sources.values_list("pk", flat=True))
        if changes or sources is not None:
            services.update_annotation(
                user=request.user,
                annotation=annotation,
                expected_version=form.cleaned_data.get("expected_version"),
                sources=sources,
                **changes,
            )
        for formset in source_formsets:
            _record_formset_changes(formset, annotation, existing)
        annotation._review_note = form.cleaned_data.get("review_note", "")

    def response_change(self, request, obj):
        for decision in services.REVIEW_DECISIONS:
            if f"_{decision}" in request.POST:
                services.review_annotation(
                    user=request.user,
                    annotation=obj,
                    decision=decision,
                    comment=getattr(obj, "_review_note", ""),
                )
                label = "approved" if decision == "approve" else "sent back for changes"
                self.message_user(request, f"Saved and {label}.", messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:annotations_annotation_changelist")
                    + _preserved_filters_query(self.get_preserved_filters(request))
                )
        return super().response_change(request, obj)

    def delete_model(self, request, obj):
        services.delete_annotation(user=request.user, annotation=obj, expected_version=None)

    def delete_queryset(self, request, queryset):
        for annotation in queryset:
            services.delete_annotation(
                user=request.user, annotation=annotation, expected_version=None
            )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Past versions can be read; reverting would bypass the services, so it is off."""
        if request.method == "POST":
            raise PermissionDenied
        records = self.get_history_queryset(request, Annotation.history, "id", unquote(object_id))
        if not records.filter(history_id=version_id).exists():
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        """Without the versions independent annotation hides from the user: the history
        page falls back to them for an annotation ``get_queryset`` leaves out."""
        records = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return records.filter(visible_annotations(request.user))

    def revert_disabled(self, request, obj=None):
        return True

    # --- bulk actions -------------------------------------------------------------------

    def apply_to_each(self, request, queryset, change, *, done: str):
        """Run ``change`` on every selected annotation; report changed and skipped."""
        changed = skipped = 0
        for annotation in queryset.select_related("project", "document", "sentence"):
            try:
                change(annotation)
            except (PermissionDenied, ValidationError, services.VersionConflict):
                skipped += 1
            else:
                changed += 1
        noun = "annotation" if changed == 1 else "annotations"
        text = f"{changed} {noun} {done}."
        if skipped:
            text += f" {skipped} skipped: you may not change them."
        self.message_user(request, text, messages.WARNING if skipped else messages.SUCCESS)

    @admin.action(description="Approve", permissions=["review"])
    def approve(self, request, queryset):
        self.apply_to_each(
            request,
            queryset,
            lambda annotation: services.review_annotation(
                user=request.user, annotation=annotation, decision="approve"
            ),
            done="approved",
        )

    @admin.action(description="Request changes…", permissions=["review"])
    def request_changes(self, request, queryset):
        form = RequestChangesForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            comment = form.cleaned_data["comment"]
            self.apply_to_each(
                request,
                queryset,
                lambda annotation: services.review_annotation(
                    user=request.user,
                    annotation=annotation,
                    decision="request_changes",
                    comment=comment,
                ),
                done="sent back for changes",
            )
            return None
        annotations = list(queryset.select_related("sentence", "document", "claim_type"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Request changes",
            "opts": self.model._meta,
            "form": form,
            "annotations": [(a, self.excerpt(a)) for a in annotations],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(
            request, "admin/annotations/annotation/request_changes.html", context
        )


def _formset_sources(formset) -> list[dict]:
    """The formset's rows as the list ``services.update_annotation`` makes true."""
    sources = []
    for form in formset.forms:
        if not hasattr(form, "cleaned_data") or form in formset.deleted_forms:
            continue
        if form.instance.pk is None and not form.has_changed():
            continue
        item = {name: form.cleaned_data.get(name) for name in SourceInline.fields}
        item["id"] = form.instance.pk
        sources.append(item)
    return sources


def _record_formset_changes(formset, annotation, existing_ids) -> None:
    """What ``formset.save()`` would have noted, for the admin's change log message."""
    deleted = [form.instance for form in formset.deleted_forms if form.instance.pk]
    formset.deleted_objects = deleted
    formset.new_objects = [s for s in annotation.sources.all() if s.pk not in existing_ids]
    formset.changed_objects = [
        (form.instance, form.changed_data)
        for form in formset.initial_forms
        if form.instance.pk and form.has_changed() and form not in formset.deleted_forms
    ]


def _error_text(exc) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or "You may not do that."


def _preserved_filters_query(preserved_filters: str) -> str:
    from urllib.parse import parse_qsl

    query = dict(parse_qsl(preserved_filters)).get("_changelist_filters", "")
    return f"?{query}" if query else ""


def recent_changes(annotation, limit: int = 8) -> list[tuple]:
    """(when, who, what) for the latest changes to an annotation and its sources."""
    records = list(annotation.history.select_related("history_user")[: limit + 1])
    rows = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        rows.append((newer.history_date, newer.history_user, _describe(newer, older)))
    source_records = Source.history.filter(annotation_id=annotation.pk).select_related(
        "history_user"
    )[:limit]
    for record in source_records:
        verb = {"+": "added", "~": "changed", "-": "removed"}[record.history_type]
        rows.append((record.history_date, record.history_user, f"Source {verb}: {record.url}"))
    rows.sort(key=lambda row: row[0], reverse=True)
    return [(when, who or "—", what) for when, who, what in rows[:limit]]


# The fields "recent changes" describes, in the order it lists them.
FIELD_LABELS = {
    "review_state": "review",
    "verification_status": "verification",
    "claim_type": "claim type",
    "rationale": "rationale",
    "review_comment": "review comment",
}


def _describe(record, previous) -> str:
    if record.history_type == "+":
        return "Created"
    if record.history_type == "-":
        return "Deleted"
    if previous is None:
        return record.history_change_reason or "Changed"
    delta = record.diff_against(previous, included_fields=list(FIELD_LABELS))
    parts = []
    for change in sorted(delta.changes, key=lambda c: list(FIELD_LABELS).index(c.field)):
        label = FIELD_LABELS[change.field]
        if change.field == "verification_status":
            old, new = VerificationStatus(change.old).label, VerificationStatus(change.new).label
        elif change.field == "review_state":
            old, new = ReviewState(change.old).label, ReviewState(change.new).label
        elif change.field == "claim_type":
            old, new = _claim_type_name(change.old), _claim_type_name(change.new)
        else:
            parts.append(f"{label} edited")
            continue
        parts.append(f"{label}: {old} → {new}")
    return "; ".join(parts) or record.history_change_reason or "Sources or span changed"


def _claim_type_name(pk) -> str:
    return ClaimType.objects.filter(pk=pk).values_list("name", flat=True).first() or "—"


@admin.register(Source)
class SourceAdmin(ProjectScopedAdminMixin, SimpleHistoryAdmin):
    """A read-only list of the evidence cited, to find every claim that cites a URL.

    Sources are edited on their annotation's page, where the service saves them.
    """

    project_path = "annotation__project"
    list_display = ("url_display", "title", "stance", "annotation_link", "project_name")
    list_filter = ("stance", ("annotation__project", ScopedRelatedFilter))
    search_fields = ("url", "title", "publisher", "excerpt")
    list_select_related = ("annotation__project", "annotation__document")
    ordering = ("-created_at", "-id")

    def project_id_of(self, obj):
        return obj.annotation.project_id

    def get_queryset(self, request):
        # Sources of annotations hidden by independent annotation are hidden with them.
        sources = super().get_queryset(request)
        return sources.filter(visible_annotations(request.user, "annotation__"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        """Asked when deleting a document or annotation cascades to its sources."""
        if obj is None:
            return False
        if request.user.is_superuser:
            return True
        annotation = obj.annotation
        role = role_for(request, annotation.project_id)
        return permissions.can_edit_annotation(request.user, annotation, role=role)

    def delete_view(self, request, object_id, extra_context=None):
        """Sources are removed on their annotation's page, through the service."""
        raise PermissionDenied

    def get_actions(self, request):
        return {}

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    @admin.display(description="URL", ordering="url")
    def url_display(self, obj):
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', obj.url, obj.url)

    @admin.display(description="Annotation")
    def annotation_link(self, obj):
        url = reverse("admin:annotations_annotation_change", args=[obj.annotation_id])
        return format_html('<a href="{}">{}</a>', url, str(obj.annotation))

    @admin.display(description="Project", ordering="annotation__project__name")
    def project_name(self, obj):
        return obj.annotation.project.name
