"""Cases and judgements in the API: read for inspection members, change and submit for the assigned assistant
inspector, through the same services as the case page (cases.services.answers: case_save, case_submit).

Changes are guarded by an ETag built from InspectedCase.version: a PATCH or submit must send it back in If-Match;
a missing one gets 428 and a stale one 412 (from the service's CaseConflict), never a silent overwrite.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import allowed_by
from inspections.models import Inspection
from inspections.permissions import can_view_case_evidence, inspections_visible_to

from .errors import CaseConflict, CaseError, CaseIncomplete
from .fields import api_field
from .models import Answer, CaseFact, CaseNeed, InspectedCase, Judgement
from .permissions import is_assigned_assistant_inspector, viewable_cases
from .services import answers

NOT_YOUR_CASE = "Only the assistant inspector the case is assigned to can change or submit it."
NO_CASE_EVIDENCE = "You can see this inspection's results but not its case-level evidence."
UNKNOWN_KEYS = "Unknown field: {name}."


class PreconditionRequired(exceptions.APIException):
    """A change sent without If-Match: send the ETag you read."""

    status_code = http_status = 428
    problem_type = "if-match-required"
    problem_title = "If-Match header required"
    default_detail = "Send the case's ETag in an If-Match header: read the case first, then change it."


class PreconditionFailed(exceptions.APIException):
    """An If-Match that is not this case's: read the case again; the response carries its current ETag."""

    status_code = http_status = 412
    problem_type = "stale-etag"
    problem_title = "The case has changed since you read it"
    default_detail = CaseConflict.problem_detail

    def __init__(self, etag: str):
        super().__init__()
        self.etag = etag

    def problem_headers(self) -> dict[str, str]:
        return {"ETag": self.etag}


@contextmanager
def api_field_names() -> Iterator[None]:
    """A service's refusal of invalid values, with the fields named as the API names them (judgements.2.2.1.answer)
    rather than as the case page's form does."""
    try:
        yield
    except ValidationError as error:
        raise serializers.ValidationError(
            {api_field(name): messages for name, messages in error.message_dict.items()}
        ) from error


def expected_version(request, case: InspectedCase) -> int:
    """The case version the client read, from If-Match; 428 if it sent none, 412 if it is not this case's."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    for tag in header.split(","):
        match = re.fullmatch(r'(?:W/)?"?(\d+)-(\d+)"?', tag.strip())
        if match and int(match[1]) == case.pk:
            return int(match[2])
    raise PreconditionFailed(case.etag)


class JudgementSerializer(serializers.ModelSerializer):
    key_question = serializers.CharField(source="key_question.code")

    class Meta:
        model = Judgement
        fields = ["key_question", "answer", "rationale", "prompt_answers", "updated_at"]


class CaseNeedSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseNeed
        fields = ["need", "linked_to_offending", "sufficiently_addressed"]


class RejectUnknownFields:
    """A field the API does not know is an error (never silently ignored), reported with the others."""

    def to_internal_value(self, data):
        errors, value = {}, {}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if not isinstance(error.detail, dict):
                raise
            errors.update(error.detail)
        if isinstance(data, dict):
            errors.update(
                {name: [UNKNOWN_KEYS.format(name=name)] for name in data if name not in self.fields}
            )
        if errors:
            raise serializers.ValidationError(errors)
        return value


class CaseSerializer(serializers.ModelSerializer):
    inspection = serializers.IntegerField(source="inspection_id")
    assistant_inspector = serializers.CharField(source="assistant_inspector.username", allow_null=True)

    class Meta:
        model = InspectedCase
        fields = [
            "id",
            "reference",
            "inspection",
            "kind",
            "attributes",
            "status",
            "version",
            "assistant_inspector",
            "updated_at",
        ]


class CaseDetailSerializer(CaseSerializer):
    editable = serializers.BooleanField(source="is_editable")
    facts = serializers.SerializerMethodField()
    judgements = JudgementSerializer(many=True)
    needs = CaseNeedSerializer(many=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "editable", "facts", "judgements", "needs"]

    @extend_schema_field(
        serializers.DictField(
            child=serializers.CharField(),
            help_text="By fact key, as the case kind in the framework defines them: the answer's value.",
        )
    )
    def get_facts(self, case: InspectedCase) -> dict:
        return {fact.key: fact.value for fact in case.facts.all()}


class JudgementChangeSerializer(serializers.Serializer):
    # Checked by the service, with the facts and needs, which only the case's framework knows: every problem is
    # then reported at once.
    answer = serializers.CharField(
        allow_blank=True, required=False, help_text=f"One of {', '.join(Answer.values)}, or empty."
    )
    rationale = serializers.CharField(
        allow_blank=True, required=False, max_length=20000, trim_whitespace=False
    )
    prompts = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text='Where the framework records prompts: by prompt index, {"0": "yes", "1": "not_applicable"}.',
    )


class NeedChangeSerializer(serializers.Serializer):
    linked_to_offending = serializers.BooleanField(allow_null=True, required=False)
    sufficiently_addressed = serializers.BooleanField(allow_null=True, required=False)


class CaseChangeSerializer(RejectUnknownFields, serializers.Serializer):
    """Any subset of a case's answers; what you leave out is left as it is."""

    judgements = serializers.DictField(
        child=JudgementChangeSerializer(),
        required=False,
        help_text='By key question code: {"2.2.1": {"answer": "yes", "rationale": "..."}}.',
    )
    facts = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text="By fact key (and attributes recorded on the case), as the framework defines them for the "
        'case\'s kind: {"home_visits": "made", "rosh_level": "high"}; "" clears a fact.',
    )
    needs = serializers.DictField(
        child=NeedChangeSerializer(),
        required=False,
        help_text="By need key, as the framework defines them for the case's kind: "
        '{"drugs": {"linked_to_offending": true}}.',
    )


def _case_queryset(user) -> QuerySet[InspectedCase]:
    return (
        viewable_cases(user)
        .select_related("inspection", "assistant_inspector", "inspection__framework")
        .prefetch_related(
            Prefetch("judgements", queryset=Judgement.objects.select_related("key_question__standard")),
            "needs",
            Prefetch("facts", queryset=CaseFact.objects.order_by("key")),
        )
    )


def _case_for_user(view: APIView, request, pk: int) -> InspectedCase:
    """The case if the user may read it, 404 otherwise (whether it exists is not theirs to know), checked against
    the view's permissions (403 for a change the user may not make)."""
    case = get_object_or_404(_case_queryset(request.user), pk=pk)
    view.check_object_permissions(request, case)
    return case


def _case_response(request, case: InspectedCase) -> Response:
    case = get_object_or_404(_case_queryset(request.user), pk=case.pk)
    return Response(CaseDetailSerializer(case).data, headers={"ETag": case.etag})


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag from reading the case.",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 412],
    description='The case\'s current version, e.g. "42-3": send it back in If-Match.',
)


class InspectionCaseList(generics.ListAPIView):
    """An inspection's cases: all of them for its lead, inspectors and quality assurers; an assistant inspector's
    own cases for them."""

    serializer_class = CaseSerializer
    permission_classes = allowed_by(can_view_case_evidence, NO_CASE_EVIDENCE)
    filterset_fields = ["status", "kind"]
    ordering_fields = ["reference", "status", "updated_at", "id"]
    ordering = ["reference"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InspectedCase.objects.none()
        inspection: Inspection = get_object_or_404(
            inspections_visible_to(self.request.user), pk=self.kwargs["inspection_pk"]
        )
        self.check_object_permissions(self.request, inspection)
        return (
            viewable_cases(self.request.user)
            .select_related("inspection", "assistant_inspector")
            .filter(inspection=inspection)
        )


class CaseDetail(APIView):
    """Read a case with its judgements, facts and needs; change them (PATCH with If-Match)."""

    permission_classes = allowed_by(is_assigned_assistant_inspector, NOT_YOUR_CASE, methods={"PATCH"})
    error_responses = {"PATCH": [CaseError, CaseConflict, PreconditionRequired]}

    @extend_schema(
        parameters=[ETAG], responses={200: OpenApiResponse(CaseDetailSerializer, description="The case.")}
    )
    def get(self, request, pk: int):
        case = _case_for_user(self, request, pk)
        return Response(CaseDetailSerializer(case).data, headers={"ETag": case.etag})

    @extend_schema(
        request=CaseChangeSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={200: OpenApiResponse(CaseDetailSerializer, description="The case as saved.")},
    )
    def patch(self, request, pk: int):
        case = _case_for_user(self, request, pk)
        version = expected_version(request, case)
        changes = CaseChangeSerializer(data=request.data)
        changes.is_valid(raise_exception=True)
        with api_field_names():
            saved = answers.case_save(
                case=case,
                user=request.user,
                expected_version=version,
                judgements=changes.validated_data.get("judgements"),
                facts=changes.validated_data.get("facts"),
                needs=changes.validated_data.get("needs"),
            )
        return _case_response(request, saved)


class CaseSubmit(APIView):
    """Submit a complete case for quality assurance (If-Match required). 422 lists what is still missing."""

    permission_classes = allowed_by(is_assigned_assistant_inspector, NOT_YOUR_CASE)
    error_responses = {"POST": [CaseError, CaseConflict, CaseIncomplete, PreconditionRequired]}

    @extend_schema(
        request=None,
        parameters=[IF_MATCH, ETAG],
        responses={200: OpenApiResponse(CaseDetailSerializer, description="The submitted case.")},
    )
    def post(self, request, pk: int):
        case = _case_for_user(self, request, pk)
        version = expected_version(request, case)
        submitted = answers.case_submit(case=case, user=request.user, expected_version=version)
        return _case_response(request, submitted)
