from django.contrib.auth import views as auth_views
from django.urls import path

from annotations import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/documents/new/", views.add_document, name="add_document"),
    path("projects/<int:pk>/assign/", views.assign_documents, name="assign_documents"),
    path("documents/<int:pk>/annotate/", views.annotate, name="annotate"),
]
