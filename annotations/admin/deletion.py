"""Deletions a service may refuse (a project's last owner), shown as a message, never a 500."""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse


class GuardedDeletionMixin:
    """Ask ``check_deletable`` before the confirmation page, for one object or a selection.

    ``delete_model`` and ``delete_queryset`` must call the service that checks again while
    deleting (a change may land in between); its refusal is shown the same way.
    """

    actions = ("delete_selected",)

    def check_deletable(self, queryset) -> None:
        """Raise ``ValidationError`` if deleting the rows of ``queryset`` breaks a rule."""
        raise NotImplementedError

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return super().delete_view(request, object_id, extra_context)
        try:
            self.check_deletable(self.get_queryset(request).filter(pk=obj.pk))
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        opts = self.opts
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )

    @admin.action(description="Delete selected %(verbose_name_plural)s", permissions=["delete"])
    def delete_selected(self, request, queryset):
        try:
            self.check_deletable(queryset)
            return django_delete_selected(self, request, queryset)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        return None
