"""The auth admin's users, with one rule added: deleting a user keeps every project an owner.

Deleting a user removes their memberships; if they are all the owners a project has, the
deletion is refused with a message naming the project (``services.check_users_deletable``).
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from annotations import services
from annotations.admin.deletion import GuardedDeletionMixin

User = get_user_model()


class FactcheckUserAdmin(GuardedDeletionMixin, UserAdmin):
    def check_deletable(self, queryset):
        services.check_users_deletable(queryset)

    def delete_model(self, request, obj):
        services.delete_users(users=[obj])

    def delete_queryset(self, request, queryset):
        services.delete_users(users=queryset)


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, FactcheckUserAdmin)
