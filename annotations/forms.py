"""Forms of the browser pages: they parse input; services do the work."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import transaction

from annotations import importers, login_limits, messages, services
from annotations.models import MAX_ID, AssignmentState
from annotations.selectors_pages import DOCUMENT_SORTS

User = get_user_model()


class DocumentListForm(forms.Form):
    """``?q=`` and ``?sort=`` of the project page; unknown sorts are a 400, not a guess."""

    q = forms.CharField(label="Search title or publisher", required=False, max_length=200)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[(key, label) for key, (label, _) in DOCUMENT_SORTS.items()],
    )

    assignee = forms.ModelChoiceField(
        label="Assigned to", required=False, queryset=None, empty_label="Anyone"
    )
    state = forms.ChoiceField(
        label="Assignment",
        required=False,
        choices=[("", "Any state"), *AssignmentState.choices],
    )

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = members if members is not None else User.objects.none()

    def clean_sort(self):
        return self.cleaned_data["sort"] or "newest"


class AssignDocumentsForm(forms.Form):
    """The project page's "Assign selected documents"; ``services.assign_documents`` rules."""

    documents = forms.ModelMultipleChoiceField(
        queryset=None,
        error_messages={"required": "Select the documents to assign."},
    )
    assignee = forms.ModelChoiceField(label="Assign to", queryset=None)
    due = forms.DateField(
        label="Due on", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, project, members, **kwargs):
        # Its own ids: the project page also has the list filter's "assignee".
        kwargs.setdefault("auto_id", "assign_%s")
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = project.documents.defer("text")
        self.fields["assignee"].queryset = members

    def save(self, *, user) -> services.AssignResult | None:
        """Assign; a refusal of the service lands on the form and None is returned."""
        data = self.cleaned_data
        try:
            return services.assign_documents(
                user=user,
                documents=list(data["documents"]),
                assignees=[data["assignee"]],
                # An empty date keeps the due date of documents already assigned.
                **({"due": data["due"]} if data["due"] else {}),
            )
        except ValidationError as exc:
            for message in exc.messages:
                self.add_error(None, ValidationError(message, code="invalid"))
        return None


class AddDocumentForm(forms.Form):
    """Paste a text or upload a file; both go through ``services.import_document``."""

    title = forms.CharField(
        max_length=500,
        required=False,
        help_text="Required for pasted text; for a file, replaces the title found in it.",
    )
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}), required=False, strip=False, label="Text"
    )
    file = forms.FileField(
        required=False,
        label="Or upload a file",
        help_text=".txt, .md, .html, .json or .jsonl (one document per line).",
    )
    url = forms.URLField(label="Source URL", required=False, max_length=2000, assume_scheme="https")
    publisher = forms.CharField(max_length=200, required=False)
    published_at = forms.DateField(
        label="Published on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_url(self):
        url = self.cleaned_data["url"]
        if url and not url.lower().startswith(("http://", "https://")):
            raise ValidationError(messages.SOURCE_URL_SCHEME, code="scheme")
        return url

    def clean(self):
        cleaned = super().clean()
        has_text = bool((cleaned.get("text") or "").strip())
        upload = cleaned.get("file")
        if has_text and upload:
            raise ValidationError(messages.TEXT_OR_FILE, code="both")
        if not has_text and not upload:
            raise ValidationError(messages.TEXT_OR_FILE, code="neither")
        if has_text and not (cleaned.get("title") or "").strip():
            self.add_error("title", ValidationError(messages.MISSING_TITLE, code="required"))
        return cleaned

    def documents(self) -> list[services.DocumentInput]:
        """The documents to import; raises ``DocumentImportError`` for a bad file."""
        data = self.cleaned_data
        if data.get("file"):
            documents = importers.read_upload(data["file"])
        else:
            documents = [services.DocumentInput(title=data["title"], text=data["text"])]
        for document in documents:
            if data.get("title") and len(documents) == 1:
                document.title = data["title"]
            document.url = data.get("url") or document.url
            document.publisher = data.get("publisher") or document.publisher
            document.published_at = data.get("published_at") or document.published_at
        return documents

    def save(self, *, project, user) -> list:
        """Import every document of the form, all or none; errors land on the form."""
        try:
            with transaction.atomic():
                return [
                    services.import_document(project=project, data=document, created_by=user)
                    for document in self.documents()
                ]
        except services.DocumentImportError as exc:
            self.add_error(None, ValidationError(str(exc), code=exc.code))
        except ValidationError as exc:
            for message in exc.messages:
                self.add_error(None, ValidationError(message, code="invalid"))
        return []


class LoginLimitMixin:
    """For Django's authentication forms: limit failed attempts (``annotations.login_limits``).

    Over the limit the form has one error, code ``throttled``, and the password is not
    checked; ``retry_after`` then says how many seconds to wait.
    """

    retry_after = None

    def clean(self):
        username = self.cleaned_data.get("username")
        if username is None or not self.cleaned_data.get("password"):
            return super().clean()  # Django reports the missing field; nothing is checked
        try:
            with login_limits.login_attempt(self.request, username):
                return super().clean()
        except login_limits.TooManyLoginAttempts as exc:
            self.retry_after = exc.retry_after
            wait = messages.LOGIN_RETRY_AFTER.format(seconds=exc.retry_after)
            raise ValidationError(f"{exc} {wait}", code="throttled") from None


class LoginForm(LoginLimitMixin, AuthenticationForm):
    """The login page's form."""


class AdminLoginForm(LoginLimitMixin, AdminAuthenticationForm):
    """The admin's login form: the same limits, so it is no side door for guessing."""


class FiguresForm(forms.Form):
    """The query of the agreement page and the dashboard: a format, and a document."""

    document = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    format = forms.ChoiceField(required=False, choices=[("", "Page"), ("csv", "CSV")])
