"""The HTTP API, mounted at ``/api/`` by ``factcheck/urls.py``."""

from django.http import JsonResponse
from django.urls import path, re_path

from annotations.api import annotation_views, views
from annotations.api.deleted import DeletedAnnotationsView
from annotations.api.docs import ApiDocsView, SchemaView
from annotations.api.export import ExportAnnotationsView


def not_found(request, *args, **kwargs):
    """Unknown API paths answer JSON, like every other API error."""
    return JsonResponse({"detail": "Not found."}, status=404)


urlpatterns = [
    path("v1/auth/token/", views.TokenLoginView.as_view(), name="api-token"),
    path("v1/projects/", views.ProjectListView.as_view(), name="api-project-list"),
    path("v1/projects/<int:pk>/", views.ProjectDetailView.as_view(), name="api-project-detail"),
    path(
        "v1/projects/<int:pk>/claim-types/",
        views.ProjectClaimTypesView.as_view(),
        name="api-project-claim-types",
    ),
    path("v1/documents/", views.DocumentListView.as_view(), name="api-document-list"),
    path("v1/documents/<int:pk>/", views.DocumentDetailView.as_view(), name="api-document-detail"),
    path(
        "v1/annotations/",
        annotation_views.AnnotationListView.as_view(),
        name="api-annotation-list",
    ),
    path(
        "v1/annotations/bulk/",
        annotation_views.AnnotationBulkView.as_view(),
        name="api-annotation-bulk",
    ),
    # Before the detail route, so that no pattern added there can take "deleted".
    path(
        "v1/annotations/deleted/",
        DeletedAnnotationsView.as_view(),
        name="api-annotation-deleted",
    ),
    path(
        "v1/annotations/<int:pk>/",
        annotation_views.AnnotationDetailView.as_view(),
        name="api-annotation-detail",
    ),
    path(
        "v1/annotations/<int:pk>/history/",
        annotation_views.AnnotationHistoryView.as_view(),
        name="api-annotation-history",
    ),
    path(
        "v1/annotations/<int:pk>/review/",
        annotation_views.AnnotationReviewView.as_view(),
        name="api-annotation-review",
    ),
    path("v1/export/annotations", ExportAnnotationsView.as_view(), name="export-annotations"),
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", ApiDocsView.as_view(), name="api-docs"),
    re_path(r"^.*$", not_found),
]
