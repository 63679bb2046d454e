"""Projects, their claim types and their members: read by members, managed by owners.

The rules (who may, a project keeps an owner, one default claim type, unique shortcuts,
a claim type in use stays) live in ``services.projects``, shared with the admin; these
views parse, call a service and render. Project and claim type edits take no If-Match:
they are short settings changed rarely by a project's few owners, and a PATCH changes
only the fields it names, so there is no long edit that a concurrent save could undo.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from annotations import messages, permissions, services
from annotations.api import schema
from annotations.api.base import ApiListView, ApiView
from annotations.api.project_serializers import (
    ClaimTypeCreateSerializer,
    ClaimTypeOrderSerializer,
    ClaimTypeWriteSerializer,
    MemberCreateSerializer,
    MemberSerializer,
    MemberUpdateSerializer,
    ProjectCreateSerializer,
    ProjectWriteSerializer,
)
from annotations.api.serializers import ClaimTypeSerializer, ProjectSerializer
from annotations.api.validation import RejectUnknownQueryParams
from annotations.models import ClaimType, Membership, Project

UNAUTHENTICATED = OpenApiResponse(schema.ERROR, description="No or bad credentials.")
NO_PAGE = OpenApiResponse(schema.ERROR, description="No such project among yours, or no such page.")
CLAIM_TYPE_IN_USE = OpenApiResponse(
    inline_serializer(
        "ClaimTypeInUse",
        fields={"detail": serializers.CharField(), "annotation_count": serializers.IntegerField()},
    ),
    description="Annotations use this claim type; `annotation_count` says how many.",
)
ALREADY_A_MEMBER = OpenApiResponse(
    inline_serializer(
        "AlreadyAMember",
        fields={"detail": serializers.CharField(), "member": MemberSerializer()},
    ),
    description="The user is already a member; `member` is their membership. PATCH it.",
)


def answers(*statuses: int, ok=None) -> dict:
    """The responses of an operation: ``ok`` for its success, shared shapes for errors."""
    errors = {
        400: schema.VALIDATION,
        401: UNAUTHENTICATED,
        403: schema.FORBIDDEN,
        404: schema.NOT_FOUND,
        413: schema.TOO_LARGE,
    }
    return {**({} if ok is None else ok), **{code: errors[code] for code in statuses}}


# --- projects -----------------------------------------------------------------------------


def projects_for(user):
    """The user's projects with their role (``caller_role``) and claim types."""
    role = Membership.objects.filter(project=OuterRef("pk"), user=user).values("role")[:1]
    return (
        Project.objects.for_user(user)
        .annotate(caller_role=Subquery(role))
        .prefetch_related("claim_types")
    )


class ProjectQuerysetMixin:
    queryset = Project.objects.none()  # for the schema; requests use get_queryset()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return projects_for(self.request.user)

    def project_response(self, project, status_code=status.HTTP_200_OK, headers=None):
        project = self.get_queryset().get(pk=project.pk)
        return Response(self.get_serializer(project).data, status=status_code, headers=headers)


class ProjectListView(ProjectQuerysetMixin, ApiListView):
    """The projects you belong to, with their claim types and your role."""

    serializer_class = ProjectSerializer
    ordering_fields = ["id", "name", "created_at"]

    @extend_schema(
        responses={**answers(400, 401, ok={200: ProjectSerializer(many=True)}), 404: NO_PAGE}
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=ProjectCreateSerializer,
        responses=answers(400, 401, 403, 413, ok={201: ProjectSerializer}),
        description="Create a project with the default claim types; you become its owner. "
        "Superusers and holders of the annotations.add_project permission may.",
    )
    def post(self, request):
        if not permissions.can_create_project(request.user):
            raise PermissionDenied(messages.CANNOT_CREATE_PROJECT)
        data = self.parse(ProjectCreateSerializer)
        project = services.create_project(owner=request.user, **data)
        location = reverse("api-project-detail", args=[project.pk])
        return self.project_response(project, status.HTTP_201_CREATED, {"Location": location})


class ProjectDetailView(ProjectQuerysetMixin, ApiView):
    serializer_class = ProjectSerializer

    @extend_schema(responses=answers(400, 401, 404, ok={200: ProjectSerializer}))
    def get(self, request, pk):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        request=ProjectWriteSerializer,
        responses=answers(400, 401, 403, 404, 413, ok={200: ProjectSerializer}),
        description="Owners change the name, slug, description or independent annotation; "
        "fields left out stay.",
    )
    def patch(self, request, pk):
        project = self.get_object()
        data = self.parse(ProjectWriteSerializer)
        services.update_project(user=request.user, project=project, **data)
        return self.project_response(project)

    @extend_schema(
        responses=answers(400, 401, 403, 404, ok={204: None}),
        description="Superusers delete a project with all its documents and annotations.",
    )
    def delete(self, request, pk):
        services.delete_project(user=request.user, project=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- claim types --------------------------------------------------------------------------


class ProjectScopedMixin:
    """Views under ``/projects/{pk}/``: the project must be one of the caller's (else 404).

    Their lists take no filters or ordering; any query parameter but the page is a 400.
    """

    filter_backends = [RejectUnknownQueryParams]

    def get_project(self) -> Project:
        if not hasattr(self, "_project"):
            projects = Project.objects.for_user(self.request.user)
            self._project = get_object_or_404(projects, pk=self.kwargs["pk"])
        return self._project


class ClaimTypeQuerysetMixin(ProjectScopedMixin):
    serializer_class = ClaimTypeSerializer
    queryset = ClaimType.objects.none()  # for the schema; requests use get_queryset()
    lookup_url_kwarg = "claim_type_id"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return ClaimType.objects.filter(project=self.get_project()).order_by("position", "name")


class ProjectClaimTypesView(ClaimTypeQuerysetMixin, ApiListView):
    """A project's claim types in display order (not paginated: a taxonomy is short)."""

    pagination_class = None

    @extend_schema(responses=answers(400, 401, 404, ok={200: ClaimTypeSerializer(many=True)}))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=ClaimTypeCreateSerializer,
        responses=answers(400, 401, 403, 404, 413, ok={201: ClaimTypeSerializer}),
        description="Owners add a claim type. Slugs and shortcuts are unique in the project; "
        "making it the default takes the mark from the previous default.",
    )
    def post(self, request, pk):
        project = self.get_project()
        data = self.parse(ClaimTypeCreateSerializer)
        claim_type = services.create_claim_type(user=request.user, project=project, **data)
        location = reverse("api-project-claim-type", args=[project.pk, claim_type.pk])
        return Response(
            self.get_serializer(claim_type).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )


class ClaimTypeDetailView(ClaimTypeQuerysetMixin, ApiView):
    @extend_schema(responses=answers(400, 401, 404, ok={200: ClaimTypeSerializer}))
    def get(self, request, pk, claim_type_id):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        request=ClaimTypeWriteSerializer,
        responses=answers(400, 401, 403, 404, 413, ok={200: ClaimTypeSerializer}),
        description="Owners change a claim type; fields left out stay.",
    )
    def patch(self, request, pk, claim_type_id):
        claim_type = self.get_object()
        data = self.parse(ClaimTypeWriteSerializer)
        services.update_claim_type(user=request.user, claim_type=claim_type, **data)
        return Response(self.get_serializer(claim_type).data)

    @extend_schema(
        responses={**answers(400, 401, 403, 404, ok={204: None}), 409: CLAIM_TYPE_IN_USE},
        description="Owners delete a claim type that no annotation uses.",
    )
    def delete(self, request, pk, claim_type_id):
        claim_type = self.get_object()
        try:
            services.delete_claim_type(user=request.user, claim_type=claim_type)
        except services.ClaimTypeInUse as exc:
            body = {"detail": exc.message, "annotation_count": exc.count}
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ClaimTypeOrderView(ClaimTypeQuerysetMixin, ApiView):
    pagination_class = None  # answers the whole (short) taxonomy, like the list

    def get_object(self):
        """The order is the project's (asked by DRF's OPTIONS answer for PUT)."""
        return self.get_project()

    @extend_schema(
        filters=False,
        request=ClaimTypeOrderSerializer,
        responses=answers(400, 401, 403, 404, 413, ok={200: ClaimTypeSerializer(many=True)}),
        description="Owners set the display order: the id of every claim type, once each. "
        "Answers the claim types in their new order.",
    )
    def put(self, request, pk):
        project = self.get_project()
        data = self.parse(ClaimTypeOrderSerializer)
        ordered = services.reorder_claim_types(user=request.user, project=project, **data)
        return Response(self.get_serializer(ordered, many=True).data)


# --- members ------------------------------------------------------------------------------


class MemberQuerysetMixin(ProjectScopedMixin):
    serializer_class = MemberSerializer
    queryset = Membership.objects.none()  # for the schema; requests use get_queryset()
    lookup_field = "user_id"
    lookup_url_kwarg = "user_id"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return (
            Membership.objects.filter(project=self.get_project())
            .select_related("user")
            .order_by("user__username", "pk")
        )

    def member_response(self, membership, status_code=status.HTTP_200_OK, headers=None):
        membership = self.get_queryset().get(pk=membership.pk)
        return Response(self.get_serializer(membership).data, status=status_code, headers=headers)


class MemberListView(MemberQuerysetMixin, ApiListView):
    """The project's members and their roles, by username; owners add members here."""

    @extend_schema(
        responses={**answers(400, 401, ok={200: MemberSerializer(many=True)}), 404: NO_PAGE}
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=MemberCreateSerializer,
        responses={
            **answers(400, 401, 403, 404, 413, ok={201: MemberSerializer}),
            409: ALREADY_A_MEMBER,
        },
        description="Owners add an active user by username (role: annotator unless given).",
    )
    def post(self, request, pk):
        project = self.get_project()
        data = self.parse(MemberCreateSerializer)
        try:
            membership = services.add_new_member(
                user=request.user, project=project, member=data["username"], role=data["role"]
            )
        except services.AlreadyAMember as exc:
            member = MemberSerializer(exc.membership).data
            return Response(
                {"detail": exc.message, "member": member}, status=status.HTTP_409_CONFLICT
            )
        location = reverse("api-project-member", args=[project.pk, membership.user_id])
        return self.member_response(membership, status.HTTP_201_CREATED, {"Location": location})


class MemberDetailView(MemberQuerysetMixin, ApiView):
    @extend_schema(responses=answers(400, 401, 404, ok={200: MemberSerializer}))
    def get(self, request, pk, user_id):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        request=MemberUpdateSerializer,
        responses=answers(400, 401, 403, 404, 413, ok={200: MemberSerializer}),
        description="Owners change a member's role. The project's last owner cannot be "
        "demoted: make another member an owner first.",
    )
    def patch(self, request, pk, user_id):
        membership = self.get_object()
        role = self.parse(MemberUpdateSerializer).get("role", membership.role)
        membership = services.change_membership(
            user=request.user, project=membership.project, member=membership.user, role=role
        )
        return self.member_response(membership)

    @extend_schema(
        responses=answers(400, 401, 403, 404, ok={204: None}),
        description="Owners remove a member; the project's last owner cannot be removed.",
    )
    def delete(self, request, pk, user_id):
        services.remove_member(user=request.user, membership=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
