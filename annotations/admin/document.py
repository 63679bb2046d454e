"""Documents: the list with review progress, the read-only sentences, the import form."""

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from annotations import messages as texts
from annotations import permissions, services
from annotations.admin import display
from annotations.admin.annotation import ScopedRelatedFilter
from annotations.admin.assignment import assign_to
from annotations.admin.scoping import ProjectScopedAdminMixin, scoped_choices
from annotations.models import Document

FILE_TYPES = ".txt,.md,.html,.htm,.json,.jsonl"


class DocumentAddForm(forms.Form):
    """Paste a text or upload a file; saving imports it with ``services.import_document``.

    The import runs in ``clean()`` because only the service knows whether the text is
    empty, too large or already in the project; the admin runs the whole request in one
    transaction, and a failed import rolls back its own savepoint, so nothing is left
    behind when the form shows an error.
    """

    request = None  # set by DocumentAdmin.get_form

    project = forms.ModelChoiceField(queryset=None)
    title = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"size": 80}),
        help_text="Required for pasted text; files bring one.",
    )
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14, "cols": 100}),
        required=False,
        strip=False,
        help_text="Paste the article text, or upload a file below.",
    )
    file = forms.FileField(
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": FILE_TYPES}),
        help_text=(
            ".txt, .md, .html (article text is extracted), or .json/.jsonl records with "
            "title, text and optional url, publisher, published_at, language."
        ),
    )
    url = forms.URLField(max_length=2000, required=False, assume_scheme="https")
    publisher = forms.CharField(max_length=200, required=False)
    published_at = forms.DateTimeField(required=False, help_text="e.g. 2026-05-01 14:30")
    language = forms.CharField(max_length=20, initial="en", help_text="BCP 47 language tag.")

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = Document()
        self.documents = []
        self.fields["project"].queryset = scoped_choices(
            Document._meta.get_field("project").related_model, self.request
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        project, user = cleaned["project"], self.request.user
        if not permissions.can_manage_project(user, project):
            raise forms.ValidationError(texts.CANNOT_ADD_DOCUMENT, code="permission")
        text, upload = cleaned.get("text") or "", cleaned.get("file")
        if bool(text) == bool(upload):
            raise forms.ValidationError(texts.TEXT_OR_FILE, code="text_or_file")
        field = "file" if upload else "text"
        try:
            inputs = self._read(cleaned, upload) if upload else [self._pasted(cleaned)]
            with transaction.atomic():
                for position, data in enumerate(inputs):
                    where = f"{data.title or 'Record'} (record {position + 1}): "
                    try:
                        self.documents.append(
                            services.import_document(project=project, data=data, created_by=user)
                        )
                    except services.DocumentImportError as exc:
                        if len(inputs) > 1:
                            raise services.DocumentImportError(
                                where + str(exc), code=exc.code
                            ) from exc
                        raise
        except services.DocumentImportError as exc:
            self.documents = []
            self.add_error("title" if exc.code == "missing_title" else field, _error(exc))
        return cleaned

    def _pasted(self, cleaned) -> services.DocumentInput:
        return services.DocumentInput(
            title=cleaned.get("title") or "",
            text=cleaned["text"],
            url=cleaned.get("url") or "",
            publisher=cleaned.get("publisher") or "",
            published_at=cleaned.get("published_at"),
            language=cleaned.get("language") or "en",
        )

    def _read(self, cleaned, upload) -> list[services.DocumentInput]:
        """The file's records, with the form's fields filling what a record leaves out."""
        from annotations.importers import read_file  # imported lazily: it loads trafilatura

        if upload.size is not None:
            services.check_size(upload.size)
        inputs = read_file(upload.name, upload.read())
        for data in inputs:
            if cleaned.get("title") and len(inputs) == 1:
                data.title = cleaned["title"]
            for name in ("url", "publisher", "published_at"):
                if cleaned.get(name) and not getattr(data, name):
                    setattr(data, name, cleaned[name])
            if "language" in self.changed_data and cleaned.get("language"):
                data.language = cleaned["language"]
        return inputs

    def save(self, commit=True):
        return self.documents[0]

    def save_m2m(self):
        """Nothing left to save: the import already saved documents and sentences."""


def _error(exc: services.DocumentImportError):
    """The service's message; a duplicate links to the document that already has the text."""
    if exc.code == "duplicate" and exc.document is not None:
        url = reverse("admin:annotations_document_change", args=[exc.document.pk])
        return format_html('{} <a href="{}">Open it</a>.', str(exc), url)
    return str(exc)


@admin.register(Document)
class DocumentAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "title",
        "project",
        "publisher",
        "sentence_count_display",
        "annotation_count_display",
        "review_progress",
        "created_at",
    )
    list_filter = (("project", ScopedRelatedFilter), "language")
    search_fields = ("title", "url", "publisher")
    list_select_related = ("project",)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    actions = (assign_to,)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("title", "project", "url", "publisher", "published_at", "language")}),
        ("Sentences", {"fields": ("annotations_link", "sentence_list")}),
        (
            "Record",
            {
                "classes": ("collapse",),
                "fields": ("content_hash", "creator_name", "created_at", "text_length"),
            },
        ),
    )
    add_fieldsets = (
        (None, {"fields": ("project", "title")}),
        ("Text", {"fields": ("text", "file")}),
        ("About the document", {"fields": ("url", "publisher", "published_at", "language")}),
    )
    # A long document would make a page of megabytes; the annotate page pages through it.
    sentences_shown = 300
    readonly_fields = (
        "project",
        "annotations_link",
        "sentence_list",
        "content_hash",
        "creator_name",
        "created_at",
        "text_length",
    )

    class Media:
        css = {"all": ("annotations/admin.css",)}

    def get_queryset(self, request):
        # Aggregation drops Meta.ordering; autocomplete pages need a stable order.
        documents = super().get_queryset(request).with_progress(request.user)
        return documents.order_by("-created_at", "-id")

    # --- list columns -------------------------------------------------------------------

    @admin.display(description="Sentences", ordering="sentence_count")
    def sentence_count_display(self, obj):
        return obj.sentence_count

    @admin.display(description="Annotations", ordering="annotation_count")
    def annotation_count_display(self, obj):
        if not obj.annotation_count:
            return 0
        url = reverse("admin:annotations_annotation_changelist")
        return format_html(
            '<a href="{}?document__id__exact={}">{}</a>', url, obj.pk, obj.annotation_count
        )

    @admin.display(description="Review progress", ordering="approved_count")
    def review_progress(self, obj):
        return display.progress_bar(obj.approved_count, obj.annotation_count, "approved")

    # --- change page --------------------------------------------------------------------

    @admin.display(description="Annotations")
    def annotations_link(self, obj):
        url = reverse("admin:annotations_annotation_changelist")
        return format_html(
            '<a href="{}?document__id__exact={}">{} annotations</a> · {} · {} sentences annotated',
            url,
            obj.pk,
            obj.annotation_count,
            display.progress_bar(obj.approved_count, obj.annotation_count, "approved"),
            obj.annotated_sentence_count,
        )

    @admin.display(description="Text, sentence by sentence")
    def sentence_list(self, obj):
        """The first ``sentences_shown`` sentences, in one query however long the document."""
        shown = self.sentences_shown
        sentences = (
            obj.sentences.filter(index__lt=shown)
            .annotate(annotation_count=Count("annotations"))
            .only("document", "index", "paragraph", "text")
        )
        rows = []
        paragraph = 0
        for sentence in sentences:
            classes = "fc-new-paragraph" if sentence.paragraph != paragraph else ""
            paragraph = sentence.paragraph
            count = (
                format_html(' <span class="fc-count">{} ✎</span>', sentence.annotation_count)
                if sentence.annotation_count
                else ""
            )
            rows.append((classes, sentence.index + 1, sentence.text, count))
        listing = format_html(
            '<ol class="fc-sentences">{}</ol>',
            format_html_join(
                "", '<li class="{}" value="{}">{}{}</li>', ((c, i, t, n) for c, i, t, n in rows)
            ),
        )
        total = obj.sentence_count  # annotated by get_queryset
        if total <= len(rows):
            return listing
        return format_html(
            '{}<p class="help fc-more-sentences">Showing {} of {} sentences — '
            '<a href="{}">open the annotate page</a> for the rest.</p>',
            listing,
            f"{len(rows):,}",
            f"{total:,}",
            reverse("annotate", args=[obj.pk]),
        )

    @admin.display(description="Created by")
    def creator_name(self, obj):
        return display.user_name(obj.created_by)

    @admin.display(description="Length")
    def text_length(self, obj):
        return f"{len(obj.text):,} characters"

    # --- the add form -------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            return type("DocumentAddForm", (DocumentAddForm,), {"request": request})
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            request._imported_documents = form.documents

    def response_add(self, request, obj, post_url_continue=None):
        """Show what was imported: the document's sentences, or the list for a batch."""
        documents = getattr(request, "_imported_documents", [obj])
        if len(documents) > 1:
            self.message_user(
                request,
                f"Imported {len(documents)} documents into {obj.project}.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:annotations_document_changelist"))
        if "_addanother" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(
            request,
            f"Imported “{obj.title}”: {obj.sentences.count()} sentences.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:annotations_document_change", args=[obj.pk]))
