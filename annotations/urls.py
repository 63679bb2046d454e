from django.contrib.auth import views as auth_views
from django.urls import path

from annotations import views, views_adjudication, views_figures

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/documents/new/", views.add_document, name="add_document"),
    path("projects/<int:pk>/agreement/", views_figures.agreement_page, name="agreement"),
    path("projects/<int:pk>/dashboard/", views_figures.dashboard_page, name="dashboard"),
    path("projects/<int:pk>/assign/", views.assign_documents, name="assign_documents"),
    path("documents/<int:pk>/annotate/", views.annotate, name="annotate"),
    path("documents/<int:pk>/adjudicate/", views_adjudication.adjudicate, name="adjudicate"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
]
