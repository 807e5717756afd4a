"""Cases and judgements in the API: read for inspection members, change and submit for the assigned assistant
inspector, through the same services as the case page (cases.services.answers: case_save, case_submit).

Changes are guarded by an ETag built from InspectedCase.version: a PATCH or submit must send it back in If-Match;
a missing one gets 428 and a stale one 412 (from the service's CaseConflict), never a silent overwrite.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import MultiPartParser
from api.permissions import allowed_by
from inspections.definitions import CaseKind
from inspections.models import Inspection
from inspections.permissions import can_manage_inspection, can_view_case_evidence, inspections_visible_to

from .caseload import MAX_CASELOAD_BYTES
from .caseload import TOO_LARGE as CASELOAD_TOO_LARGE
from .errors import STALE, CaseConflict, CaseError, CaseIncomplete, CaseReassigned
from .fields import api_field
from .models import Answer, CaseFact, CaseNeed, InspectedCase, Judgement
from .permissions import is_assigned_assistant_inspector, viewable_cases
from .sample_models import SampleDesign, SamplingMethod
from .selectors import case_pages as case_pages_selectors
from .selectors import sampling as sampling_selectors
from .services import answers, sampling

logger = logging.getLogger(__name__)

NOT_YOUR_CASE = "Only the assistant inspector the case is assigned to can change or submit it."
NO_CASE_EVIDENCE = "You can see this inspection's results but not its case-level evidence."
UNKNOWN_KEYS = "Unknown field: {name}."
WEAK_ETAG = (
    'A weak ETag (W/"...") never matches: send the case\'s ETag exactly as you read it. The case is now saved as '
    "{etag}."
)
SAVED_NOT_READ_BACK = (
    "Your change was saved: the case is now saved as {etag}. It could not be read back because of a fault on our "
    "side; read the case again (GET) rather than sending the change again."
)


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

    def __init__(self, etag: str, detail: str | None = None):
        super().__init__(detail or STALE.format(etag=etag))
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
    tags = [tag.strip() for tag in header.split(",")]
    for tag in tags:
        match = re.fullmatch(r'"?(\d+)-(\d+)"?', tag)
        if match and int(match[1]) == case.pk:
            return int(match[2])
    # If-Match compares strongly (RFC 9110, 13.1.1): a weak tag never matches, and is refused with its own reason.
    if any(tag.startswith("W/") for tag in tags):
        raise PreconditionFailed(case.etag, WEAK_ETAG.format(etag=case.etag))
    raise PreconditionFailed(case.etag)


class SavedButNotReadBack(Exception):
    """The change was committed, then reading the case back failed: say so, never "nothing has been saved"."""

    http_status = 500
    problem_type = "saved-not-read-back"
    problem_title = "Your change was saved but the case could not be read back"

    def __init__(self, saved: InspectedCase):
        super().__init__(SAVED_NOT_READ_BACK.format(etag=saved.etag))
        self.etag = saved.etag

    def problem_headers(self) -> dict[str, str]:
        return {"ETag": self.etag}


def _change_already_saved(change: dict, saved: dict) -> bool:
    """Whether every value of a validated change is what the case (as the API reads it) holds now: a retry of a
    change whose answer was lost finds it saved (RFC 9110 lets If-Match answer 2xx when "the state change being
    requested has already succeeded")."""
    judgements = {j["key_question"]: j for j in saved["judgements"]}
    for code, values in change.get("judgements", {}).items():
        current = judgements.get(code, {"answer": "", "rationale": ""})
        if "answer" in values and values["answer"] != current["answer"]:
            return False
        if "rationale" in values and values["rationale"].strip() != current["rationale"]:
            return False
    if any(saved["facts"].get(name) != value for name, value in change.get("facts", {}).items()):
        return False
    needs = {n["need"]: n for n in saved["needs"]}
    for need, values in change.get("needs", {}).items():
        current = needs.get(need, {"linked_to_offending": None, "sufficiently_addressed": None})
        if any(current[name] != value for name, value in values.items()):
            return False
    return True


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


def _case_queryset(user, *, with_answers: bool = True) -> QuerySet[InspectedCase]:
    cases = viewable_cases(user).select_related("inspection", "assistant_inspector", "inspection__framework")
    if not with_answers:
        return cases
    return cases.prefetch_related(
        Prefetch("judgements", queryset=Judgement.objects.select_related("key_question__standard")),
        "needs",
        Prefetch("facts", queryset=CaseFact.objects.order_by("key")),
    )


def _case_for_user(view: APIView, request, pk: int, *, with_answers: bool = True) -> InspectedCase:
    """The case if the user may read it, 404 otherwise (whether it exists is not theirs to know), checked against
    the view's permissions (403 for a change the user may not make). A change reads the case without its answers
    (with_answers=False): the service reads what it changes, and the answer is read again once it has saved."""
    case = _case_queryset(request.user, with_answers=with_answers).filter(pk=pk).first()
    if case is None:
        # A case that was the user's and has been moved to someone else: say so (403), not "not found".
        former = InspectedCase.objects.filter(pk=pk).first()
        reassigned = case_pages_selectors.reassigned_from(former, request.user) if former else None
        if reassigned is not None:
            raise reassigned
        raise Http404
    view.check_object_permissions(request, case)
    return case


def _case_response(request, saved: InspectedCase) -> Response:
    """The case as saved, read again after the service committed."""
    try:
        case = get_object_or_404(_case_queryset(request.user), pk=saved.pk)
        return Response(CaseDetailSerializer(case).data, headers={"ETag": case.etag})
    except DatabaseError as error:
        logger.exception("The case was saved but could not be read back")
        raise SavedButNotReadBack(saved) from error


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
    error_responses = {
        "PATCH": [CaseError, CaseConflict, CaseReassigned, PreconditionRequired, SavedButNotReadBack]
    }

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
        case = _case_for_user(self, request, pk, with_answers=False)
        version = expected_version(request, case)
        changes = CaseChangeSerializer(data=request.data)
        changes.is_valid(raise_exception=True)
        change = {name: value for name, value in changes.validated_data.items() if value}
        if not change:
            # Nothing to change is not a save: the version stays, so nobody else gets a spurious 412.
            if version != case.version:
                raise PreconditionFailed(case.etag)
            return Response(CaseDetailSerializer(case).data, headers={"ETag": case.etag})
        if version != case.version:
            current = CaseDetailSerializer(case).data
            if _change_already_saved(change, current):
                return Response(current, headers={"ETag": case.etag})
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
    error_responses = {
        "POST": [
            CaseError,
            CaseConflict,
            CaseIncomplete,
            CaseReassigned,
            PreconditionRequired,
            SavedButNotReadBack,
        ]
    }

    @extend_schema(
        request=None,
        parameters=[IF_MATCH, ETAG],
        responses={200: OpenApiResponse(CaseDetailSerializer, description="The submitted case.")},
    )
    def post(self, request, pk: int):
        case = _case_for_user(self, request, pk)
        version = expected_version(request, case)
        if version != case.version and case.status == InspectedCase.Status.SUBMITTED:
            # A retried submit whose answer was lost: the case is submitted, as asked.
            return Response(CaseDetailSerializer(case).data, headers={"ETag": case.etag})
        submitted = answers.case_submit(case=case, user=request.user, expected_version=version)
        return _case_response(request, submitted)


# The sample designer (cases.services.sampling): upload a caseload, read and change the design, draw. Lead only.

NOT_THE_LEAD = "Only the inspection's lead inspector designs and draws its sample."


class CaseloadUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The caseload, CSV (UTF-8) or Excel (.xlsx).")
    window_start = serializers.DateField(help_text="Cases starting on or after this date are eligible.")
    window_end = serializers.DateField(help_text="Cases starting on or before this date are eligible.")
    case_types = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        default=list,
        help_text="Case types to sample; none for all.",
    )


class DesignChangeSerializer(RejectUnknownFields, serializers.Serializer):
    confidence = serializers.FloatField(min_value=0.5, max_value=0.99, required=False)
    margin = serializers.FloatField(min_value=0.01, max_value=0.5, required=False)
    minimum = serializers.IntegerField(min_value=0, allow_null=True, required=False)
    maximum = serializers.IntegerField(min_value=1, allow_null=True, required=False)
    practitioner_cap = serializers.IntegerField(min_value=1, max_value=50, required=False)
    reserve_per_stratum = serializers.IntegerField(min_value=0, max_value=100, required=False)
    strata = serializers.ListField(child=serializers.CharField(), required=False)
    represent_every_stratum = serializers.BooleanField(required=False)
    method = serializers.ChoiceField(choices=SamplingMethod.values, required=False)
    seed = serializers.IntegerField(min_value=0, max_value=sampling.SEED_LIMIT - 1, required=False)


DESIGN_FIELDS = list(DesignChangeSerializer._declared_fields)


def _design_for_user(
    view: APIView, request, inspection_pk: int, kind: str
) -> tuple[SampleDesign | None, CaseKind]:
    """The inspection's design of a case kind (None if no caseload yet): 404 unless the user sees the inspection,
    403 unless they lead it."""
    inspection = get_object_or_404(inspections_visible_to(request.user), pk=inspection_pk)
    view.check_object_permissions(request, inspection)
    case_kind = sampling_selectors.case_kind(inspection, kind)
    if case_kind is None:
        raise exceptions.NotFound("The inspection's framework has no such case kind.")
    return sampling_selectors.design_for_inspection(inspection, kind), case_kind


def _design_data(design: SampleDesign, kind: CaseKind) -> dict:
    """The design, its parameters and the plan (as computed now, or as the draw recorded it) with its sample."""
    data = {field: getattr(design, field) for field in DESIGN_FIELDS}
    data.update(
        case_kind=design.case_kind,
        file_name=design.file_name,
        file_sha256=design.file_sha256,
        rows_read=design.rows_read,
        window_start=design.window_start,
        window_end=design.window_end,
        case_types=design.case_types,
        exclusions=[{"line": line, "reason": reason} for line, reason in design.exclusions],
        algorithm=design.algorithm,
        drawn_at=design.drawn_at,
        frozen=design.is_drawn and sampling.is_frozen(design),
    )
    if design.is_drawn:
        data["plan"] = design.drawn_design
        data["sample"] = [
            {
                "reference": row.reference,
                "stratum": row.stratum,
                "role": row.role,
                "position": row.position,
                "case": row.case_id,
                "replaced_by": row.replaced_by.reference if row.replaced_by else None,
                "replacement_reason": row.replacement_reason,
            }
            for row in sampling_selectors.sample_rows(design)
        ]
    else:
        plan = sampling_selectors.design_plan(design, kind)
        data["plan"] = sampling_selectors.as_page(plan)
        data["sample"] = None
    return data


class SampleDesignDetail(APIView):
    """An inspection's sample design for one case kind: GET the design and its plan (the draw the seed gives),
    PATCH its parameters before the draw."""

    permission_classes = allowed_by(can_manage_inspection, NOT_THE_LEAD)
    error_responses = {"PATCH": [sampling.SampleError, sampling.DesignInvalid]}

    @extend_schema(responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="The design and plan.")})
    def get(self, request, inspection_pk: int, kind: str):
        design, case_kind = _design_for_user(self, request, inspection_pk, kind)
        if design is None:
            raise exceptions.NotFound("No caseload has been uploaded for this case kind.")
        return Response(_design_data(design, case_kind))

    @extend_schema(
        request=DesignChangeSerializer,
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="The design as changed.")},
    )
    def patch(self, request, inspection_pk: int, kind: str):
        design, case_kind = _design_for_user(self, request, inspection_pk, kind)
        if design is None:
            raise exceptions.NotFound("No caseload has been uploaded for this case kind.")
        changes = DesignChangeSerializer(data=request.data)
        changes.is_valid(raise_exception=True)
        values = {field: getattr(design, field) for field in DESIGN_FIELDS} | changes.validated_data
        design = sampling.design_update(design=design, kind=case_kind, user=request.user, **values)
        return Response(_design_data(design, case_kind))


class CaseloadUpload(APIView):
    """Upload a caseload for a case kind (multipart): 201 with the design; 422 lists every problem in the file
    with its line and column."""

    permission_classes = allowed_by(can_manage_inspection, NOT_THE_LEAD)
    parser_classes = [MultiPartParser]
    max_upload_bytes = MAX_CASELOAD_BYTES
    error_responses = {"POST": [sampling.SampleError, sampling.CaseloadInvalid, sampling.DesignInvalid]}

    @extend_schema(
        request={"multipart/form-data": CaseloadUploadSerializer},
        responses={201: OpenApiResponse(OpenApiTypes.OBJECT, description="The new design and its plan.")},
    )
    def post(self, request, inspection_pk: int, kind: str):
        _, case_kind = _design_for_user(self, request, inspection_pk, kind)
        upload = CaseloadUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        if file.size > MAX_CASELOAD_BYTES:
            raise exceptions.ValidationError({"file": [CASELOAD_TOO_LARGE]})
        design = sampling.caseload_upload(
            inspection=Inspection.objects.get(pk=inspection_pk),
            kind=case_kind,
            name=file.name,
            data=file.read(),
            window_start=upload.validated_data["window_start"],
            window_end=upload.validated_data["window_end"],
            case_types=upload.validated_data["case_types"],
            user=request.user,
        )
        return Response(_design_data(design, case_kind), status=201)


class SampleDraw(APIView):
    """Draw the sample as designed: 201 with the drawn sample and reserve lists; its cases join the inspection."""

    permission_classes = allowed_by(can_manage_inspection, NOT_THE_LEAD)
    error_responses = {"POST": [sampling.SampleError]}

    @extend_schema(
        request=None, responses={201: OpenApiResponse(OpenApiTypes.OBJECT, description="The drawn design.")}
    )
    def post(self, request, inspection_pk: int, kind: str):
        design, case_kind = _design_for_user(self, request, inspection_pk, kind)
        if design is None:
            raise exceptions.NotFound("No caseload has been uploaded for this case kind.")
        sampling.sample_draw(design=design, kind=case_kind, user=request.user)
        design.refresh_from_db()
        return Response(_design_data(design, case_kind), status=201)
