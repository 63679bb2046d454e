"""The auth admin's users, with one rule added: deleting a user keeps every project an owner.

Deleting a user removes their memberships; if they are the only owner of a project, the
deletion is refused with a message naming the project (``services.check_users_deletable``).
"""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse

from annotations import services

User = get_user_model()


class FactcheckUserAdmin(UserAdmin):
    actions = ("delete_selected",)

    def delete_model(self, request, obj):
        services.delete_users(users=[obj])

    def delete_queryset(self, request, queryset):
        services.delete_users(users=queryset)

    def delete_view(self, request, object_id, extra_context=None):
        """Refuse before asking for confirmation, and again if a race slipped through."""
        user = self.get_object(request, unquote(object_id))
        try:
            if user is not None:
                services.check_users_deletable([user])
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        return HttpResponseRedirect(
            reverse(f"admin:{User._meta.app_label}_{User._meta.model_name}_change", args=[user.pk])
        )

    @admin.action(description="Delete selected users", permissions=["delete"])
    def delete_selected(self, request, queryset):
        try:
            services.check_users_deletable(queryset)
            return django_delete_selected(self, request, queryset)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        return None


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, FactcheckUserAdmin)
