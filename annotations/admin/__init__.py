"""The Django admin, where editors review annotations.

One module per area; each registers its model admins on import. Every admin is scoped
to the user's projects by ``scoping.ProjectScopedAdminMixin``.
"""

from django.contrib import admin

from annotations.admin import (  # noqa: F401  (registration)
    annotation,
    assignment,
    claim,
    document,
    project,
    users,
)
from annotations.forms import AdminLoginForm

admin.site.site_header = "Factcheck editorial review"
admin.site.site_title = "Factcheck editorial review"
admin.site.index_title = "Review annotations, documents and projects"
# The annotation list is a wide table; the page needs the width more than a second menu.
admin.site.enable_nav_sidebar = False
# The admin's login page limits failed attempts like the others (annotations/login_limits.py).
admin.site.login_form = AdminLoginForm
