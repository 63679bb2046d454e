"""``GET /api/v1/agreement/?project=ID[&document=ID]``: how far the annotators agree.

For reviewers and owners. The figures are computed by ``annotations.agreement``; the
README's *Agreement* section explains each of them.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from annotations import messages, permissions
from annotations.agreement import Basis, agreement_for
from annotations.api import schema
from annotations.api.base import ApiView
from annotations.api.validation import parse_query
from annotations.models import MAX_ID, Document, Project


class AgreementParamsSerializer(serializers.Serializer):
    project = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Project id.")
    document = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="A document of the project; without it, the whole project.",
    )

    def resolve(self, user) -> tuple[Project, Document | None]:
        """The project (404 outside the caller's, 403 below reviewer) and the document.

        A document not in the project answers 400 whether or not it exists elsewhere.
        """
        project_id = self.validated_data["project"]
        document_id = self.validated_data.get("document")
        project = Project.objects.for_user(user).filter(pk=project_id).first()
        if project is None:
            raise exceptions.NotFound(messages.EXPORT_NO_SUCH_PROJECT.format(key=project_id))
        if not permissions.can_see_agreement(user, project):
            raise exceptions.PermissionDenied(messages.CANNOT_SEE_AGREEMENT)
        if document_id is None:
            return project, None
        documents = Document.objects.filter(project=project, pk=document_id)
        document = documents.only("pk").first()  # not its text: it may be megabytes
        if document is None:
            message = messages.DOCUMENT_NOT_IN_PROJECT.format(
                document=document_id, project=project_id
            )
            raise exceptions.ValidationError({"document": [message]})
        return project, document


def coefficient(help_text: str):
    return serializers.FloatField(allow_null=True, help_text=help_text + " Null if undefined.")


class ClaimTypePairSerializer(serializers.Serializer):
    a = serializers.CharField(help_text="Username.")
    b = serializers.CharField(help_text="Username.")
    units = serializers.IntegerField(help_text="Sentences both coded.")
    percent = serializers.FloatField(allow_null=True, help_text="Same value, in % of units.")
    kappa = coefficient("Cohen's kappa.")


class ClaimTypeAgreementSerializer(serializers.Serializer):
    alpha = coefficient("Krippendorff's alpha, nominal.")
    pairwise = ClaimTypePairSerializer(many=True)
    by_claim_type = serializers.DictField(
        child=serializers.FloatField(),
        help_text="Specific agreement per claim type slug used: 2 x agreements / uses.",
    )
    no_claim = coefficient('Specific agreement on "no claim".')


class VerdictAgreementSerializer(serializers.Serializer):
    alpha = coefficient("Krippendorff's alpha, ordinal on the scale.")
    units = serializers.IntegerField(help_text="Sentences with verdicts on the scale from two.")
    scale = serializers.ListField(child=serializers.CharField(), help_text="From false to true.")


class SpanPairSerializer(serializers.Serializer):
    a = serializers.CharField()
    b = serializers.CharField()
    a_spans = serializers.IntegerField()
    b_spans = serializers.IntegerField()
    exact_f1 = coefficient("F1 of spans with the same start and end.")
    overlap_f1 = coefficient("F1 of spans sharing a character.")


class SpanAgreementSerializer(serializers.Serializer):
    measure = serializers.CharField(help_text='"pairwise_f1".')
    exact_f1 = coefficient("Mean over the pairs.")
    overlap_f1 = coefficient("Mean over the pairs.")
    pairwise = SpanPairSerializer(many=True)


class AgreementSerializer(serializers.Serializer):
    basis = serializers.ChoiceField(
        choices=[basis.value for basis in Basis],
        help_text="Whose annotations count: done_assignees = the assignees whose assignment "
        "is done (documents with assignments); all_annotators = everyone who annotated the "
        "document (documents without); mixed = some documents each way.",
    )
    annotators = serializers.ListField(child=serializers.CharField(), help_text="Usernames.")
    documents = serializers.IntegerField(help_text="Documents with two annotators or more.")
    units = serializers.IntegerField(help_text="Their sentences.")
    claim_type = ClaimTypeAgreementSerializer()
    verification_status = VerdictAgreementSerializer()
    spans = SpanAgreementSerializer()


class AgreementView(ApiView):
    """Agreement among a project's annotators, or a document's."""

    filter_backends = []
    pagination_class = None

    @extend_schema(
        operation_id="agreement_retrieve",
        parameters=[AgreementParamsSerializer],
        responses={
            200: AgreementSerializer,
            400: schema.VALIDATION,
            401: OpenApiResponse(schema.ERROR, description="Not signed in."),
            403: schema.FORBIDDEN,
            404: schema.NOT_FOUND,
        },
        description="Krippendorff's alpha on claim types and verdicts, Cohen's kappa per pair "
        "of annotators, specific agreement per claim type and span F1. Reviewers and owners. "
        "A document outside the project answers 400.",
    )
    def get(self, request):
        params = parse_query(request, AgreementParamsSerializer)
        project, document = params.resolve(request.user)
        return Response(AgreementSerializer(agreement_for(request.user, project, document)).data)
