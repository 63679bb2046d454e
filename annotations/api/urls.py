"""The HTTP API, mounted at ``/api/`` by ``factcheck/urls.py``."""

from django.http import JsonResponse
from django.urls import path, re_path
from django.views.csrf import csrf_failure as html_csrf_failure
from django.views.decorators.csrf import csrf_exempt

from annotations import messages
from annotations.api import (
    adjudication_views,
    annotation_views,
    assignment_views,
    claim_views,
    project_views,
    views,
)
from annotations.api.agreement_views import AgreementView
from annotations.api.deleted import DeletedAnnotationsView
from annotations.api.docs import ApiDocsView, SchemaView
from annotations.api.export import ExportAnnotationsView


@csrf_exempt  # an unknown path has nothing to protect; a CSRF page would be HTML
def not_found(request, *args, **kwargs):
    """Unknown API paths answer JSON, like every other API error, whatever the method."""
    return JsonResponse({"detail": messages.API_NOT_FOUND}, status=404)


def csrf_failure(request, reason=""):
    """``CSRF_FAILURE_VIEW``: JSON under /api/, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        detail = messages.API_CSRF_FAILED.format(reason=reason.rstrip("."))
        return JsonResponse({"detail": detail}, status=403)
    return html_csrf_failure(request, reason=reason)


urlpatterns = [
    path("v1/auth/token/", views.TokenLoginView.as_view(), name="api-token"),
    path("v1/projects/", project_views.ProjectListView.as_view(), name="api-project-list"),
    path(
        "v1/projects/<int:pk>/",
        project_views.ProjectDetailView.as_view(),
        name="api-project-detail",
    ),
    path(
        "v1/projects/<int:pk>/claim-types/",
        project_views.ProjectClaimTypesView.as_view(),
        name="api-project-claim-types",
    ),
    path(
        "v1/projects/<int:pk>/claim-types/order/",
        project_views.ClaimTypeOrderView.as_view(),
        name="api-project-claim-type-order",
    ),
    path(
        "v1/projects/<int:pk>/claim-types/<int:claim_type_id>/",
        project_views.ClaimTypeDetailView.as_view(),
        name="api-project-claim-type",
    ),
    path(
        "v1/projects/<int:pk>/members/",
        project_views.MemberListView.as_view(),
        name="api-project-members",
    ),
    path(
        "v1/projects/<int:pk>/members/<int:user_id>/",
        project_views.MemberDetailView.as_view(),
        name="api-project-member",
    ),
    path("v1/documents/", views.DocumentListView.as_view(), name="api-document-list"),
    path("v1/documents/<int:pk>/", views.DocumentDetailView.as_view(), name="api-document-detail"),
    path(
        "v1/documents/<int:pk>/adjudicate/",
        adjudication_views.AdjudicationView.as_view(),
        name="api-document-adjudicate",
    ),
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
    path(
        "v1/annotations/<int:pk>/copy-claim-verdict/",
        claim_views.CopyClaimVerdictView.as_view(),
        name="api-annotation-copy-claim-verdict",
    ),
    path("v1/agreement/", AgreementView.as_view(), name="api-agreement"),
    path("v1/claims/", claim_views.ClaimListView.as_view(), name="api-claim-list"),
    # Before the detail route, so that no pattern added there can take "similar".
    path("v1/claims/similar/", claim_views.ClaimSimilarView.as_view(), name="api-claim-similar"),
    path("v1/claims/<int:pk>/", claim_views.ClaimDetailView.as_view(), name="api-claim-detail"),
    path("v1/claims/<int:pk>/merge/", claim_views.ClaimMergeView.as_view(), name="api-claim-merge"),
    path(
        "v1/claims/<int:pk>/appearances/",
        claim_views.ClaimAppearancesView.as_view(),
        name="api-claim-appearances",
    ),
    path(
        "v1/assignments/",
        assignment_views.AssignmentListView.as_view(),
        name="api-assignment-list",
    ),
    path(
        "v1/assignments/<int:pk>/",
        assignment_views.AssignmentDetailView.as_view(),
        name="api-assignment-detail",
    ),
    path("v1/export/annotations", ExportAnnotationsView.as_view(), name="export-annotations"),
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", ApiDocsView.as_view(), name="api-docs"),
    re_path(r"^[\s\S]*$", not_found),  # not ".*": a path may hold a newline
]
