"""Assignments: who annotates which document, by when, and how far they are.

``GET/POST /api/v1/assignments/`` and ``PATCH/DELETE /api/v1/assignments/{id}/``. The
rules (owners assign, the assignee marks done, members only) live in
``annotations.services.assignments`` and ``annotations.permissions``; this module parses,
calls and renders.
"""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from annotations import messages, services
from annotations.api import schema
from annotations.api.base import ApiListView, ApiView
from annotations.api.filters import AssignmentFilter
from annotations.api.serializers import MAX_INT, StrictSerializer, UserSummarySerializer
from annotations.models import Assignment, AssignmentState, Document
from annotations.services.assignments import MAX_DOCUMENTS_PER_REQUEST

# --- output -------------------------------------------------------------------------------


class AssignmentSerializer(serializers.ModelSerializer):
    """An assignment as the API shows it; needs ``Assignment.objects.with_related()``."""

    project = serializers.IntegerField(source="document.project_id", read_only=True)
    document_title = serializers.CharField(source="document.title", read_only=True)
    assignee = UserSummarySerializer(read_only=True)
    assigned_by = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "document",
            "document_title",
            "project",
            "assignee",
            "state",
            "due",
            "assigned_by",
            "created_at",
            "updated_at",
            "done_at",
        ]
        read_only_fields = fields


class AssignResultSerializer(serializers.Serializer):
    created = AssignmentSerializer(many=True, help_text="Assignments this request made.")
    existing = AssignmentSerializer(
        many=True, help_text="Pairs that were already assigned (their due date updated if sent)."
    )


# --- input --------------------------------------------------------------------------------


def id_field(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=MAX_INT, **kwargs)


class AssignmentCreateSerializer(StrictSerializer):
    """``{"document", "assignee", "due"}`` or ``{"documents": [...], "assignee", "due"}``."""

    document = id_field(required=False, help_text="A document id.")
    documents = serializers.ListField(
        child=id_field(),
        required=False,
        min_length=1,
        max_length=MAX_DOCUMENTS_PER_REQUEST,
        help_text="Several document ids of one project.",
    )
    assignee = id_field(help_text="User id of a member of the documents' project.")
    due = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Optional due date (YYYY-MM-DD). Sent for a pair already assigned, it "
        "replaces the old one; left out, the old one stays.",
    )

    def validate(self, attrs):
        if "document" in attrs and "documents" in attrs:
            raise serializers.ValidationError(
                {"documents": [messages.ASSIGNMENT_DOCUMENT_OR_DOCUMENTS]}
            )
        if "document" not in attrs and "documents" not in attrs:
            raise serializers.ValidationError({"document": [messages.ASSIGNMENT_NO_DOCUMENTS]})
        field = "document" if "document" in attrs else "documents"
        ids = (
            [attrs.pop("document")]
            if field == "document"
            else list(dict.fromkeys(attrs.pop(field)))
        )
        user = self.context["request"].user
        found = {
            document.pk: document
            for document in Document.objects.for_user(user)
            .filter(pk__in=ids)
            .select_related("project")
            .defer("text", "project__description")
        }
        missing = [pk for pk in ids if pk not in found]
        if missing:
            raise serializers.ValidationError(
                {field: [messages.EXPORT_NO_SUCH_DOCUMENT.format(key=missing[0])]}
            )
        attrs["documents"] = [found[pk] for pk in ids]
        # An unknown user reads like one who is not a member: ids reveal nobody.
        assignee = get_user_model().objects.filter(pk=attrs["assignee"], is_active=True).first()
        if assignee is None:
            project = attrs["documents"][0].project
            raise serializers.ValidationError(
                {
                    "assignee": [
                        messages.ASSIGNEE_NOT_MEMBER.format(
                            user=attrs["assignee"], project=project.name
                        )
                    ]
                }
            )
        attrs["assignee"] = assignee
        return attrs


class AssignmentUpdateSerializer(StrictSerializer):
    state = serializers.ChoiceField(
        choices=AssignmentState.choices,
        required=False,
        help_text='"done" marks it done; "in_progress" or "assigned" reopens it.',
    )
    due = serializers.DateField(required=False, allow_null=True, help_text="Owners only.")


# --- views --------------------------------------------------------------------------------


def assignments_for(user):
    return Assignment.objects.visible_to(user).with_related()


def assignments_for_pk(pk: int) -> Assignment:
    return Assignment.objects.with_related().get(pk=pk)


class AssignmentListView(ApiListView):
    """Assignments you may see: all of the projects you review or own, else your own."""

    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    ordering_fields = ["id", "due", "created_at", "updated_at", "state"]
    queryset = Assignment.objects.none()  # for the schema; requests use get_queryset()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return assignments_for(self.request.user).order_by("id")

    @extend_schema(
        responses={
            200: AssignmentSerializer(many=True),
            400: schema.VALIDATION,
            401: schema.UNAUTHORIZED,
            404: schema.NOT_FOUND,
        },
        description="Filters: project, document, assignee (user id), state (one or several "
        "separated by commas). Annotators see only their own assignments.",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=AssignmentCreateSerializer,
        responses={
            200: OpenApiResponse(AssignResultSerializer, description="Every pair existed."),
            201: OpenApiResponse(AssignResultSerializer, description="Some pairs are new."),
            400: schema.VALIDATION,
            401: schema.UNAUTHORIZED,
            403: schema.FORBIDDEN,
            413: schema.TOO_LARGE,
        },
        description="Owners assign one document or several of one project to a member. "
        "Assigning a pair again is not an error: it is listed under `existing`, keeps its "
        "state, and takes the due date if one is sent.",
    )
    def post(self, request):
        data = self.parse(AssignmentCreateSerializer)
        extra = {"due": data["due"]} if "due" in data else {}
        result = services.assign_documents(
            user=request.user, documents=data["documents"], assignees=[data["assignee"]], **extra
        )
        rows = {
            row.pk: row
            for row in Assignment.objects.with_related().filter(
                pk__in=[assignment.pk for assignment in result.assignments]
            )
        }
        body = {
            "created": [rows[assignment.pk] for assignment in result.created],
            "existing": [rows[assignment.pk] for assignment in result.existing],
        }
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(AssignResultSerializer(body).data, status=code)


class AssignmentDetailView(ApiView):
    serializer_class = AssignmentSerializer
    queryset = Assignment.objects.none()  # for the schema; requests use get_queryset()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return assignments_for(self.request.user)

    @extend_schema(
        responses={200: AssignmentSerializer, 401: schema.UNAUTHORIZED, 404: schema.NOT_FOUND}
    )
    def get(self, request, pk):
        return Response(AssignmentSerializer(self.get_object()).data)

    @extend_schema(
        request=AssignmentUpdateSerializer,
        responses={
            200: AssignmentSerializer,
            400: schema.VALIDATION,
            401: schema.UNAUTHORIZED,
            403: schema.FORBIDDEN,
            404: schema.NOT_FOUND,
            413: schema.TOO_LARGE,
        },
        description='The assignee (or an owner) marks it done with {"state": "done"} or '
        "reopens it; owners change the due date.",
    )
    def patch(self, request, pk):
        assignment = self.get_object()
        data = self.parse(AssignmentUpdateSerializer)
        services.update_assignment(user=request.user, assignment=assignment, **data)
        return Response(AssignmentSerializer(assignments_for_pk(assignment.pk)).data)

    @extend_schema(
        responses={
            204: None,
            401: schema.UNAUTHORIZED,
            403: schema.FORBIDDEN,
            404: schema.NOT_FOUND,
        },
        description="Owners delete an assignment; the annotations stay.",
    )
    def delete(self, request, pk):
        services.delete_assignment(user=request.user, assignment=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
