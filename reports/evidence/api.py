"""The survey and staffing evidence in the API: the same selectors and service as the pages, the same filters as
the national dashboard's endpoints (?region, ?period), JSON or CSV."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import MultiPartParser
from api.permissions import allowed_by
from inspections.permissions import can_view_dashboard, inspections_visible_to
from pdus.models import PDU, Region

from ..api import (
    AGGREGATE_RENDERERS,
    NO_NATIONAL,
    NO_RESULTS,
    NO_SUCH_REGION,
    NationalDashboardFilterSerializer,
    NationalFilterSerializer,
    RateSerializer,
    ScopeSerializer,
    national_for_request,
)
from . import staffing_import, survey_import
from .permissions import can_import_survey, can_view_survey
from .selectors import SurveyResults, inspection_staffing, staffing_by_region, survey_results

NOT_AN_IMPORTER = "Only national viewers and administrators import survey results and staffing figures."
PERIOD_PARAMETER = OpenApiParameter(
    "period", str, description='Inspection year, e.g. "2026-27"; the latest with results if left out.'
)


class SurveyResponseSerializer(serializers.Serializer):
    response = serializers.CharField()
    count = serializers.IntegerField(allow_null=True, help_text="People; null where too few to show.")
    share = serializers.FloatField(
        allow_null=True, help_text="Percent of the question's n; null where hidden."
    )
    ci_lower = serializers.FloatField(allow_null=True, help_text="95% Wilson score interval, lower bound.")
    ci_upper = serializers.FloatField(allow_null=True, help_text="95% Wilson score interval, upper bound.")
    suppressed = serializers.CharField(
        allow_blank=True,
        help_text='Why the figures are null, e.g. "fewer than 5 responses: not shown"; else "".',
    )


class SurveyQuestionSerializer(serializers.Serializer):
    question = serializers.CharField()
    n = serializers.IntegerField(help_text="People who answered the question.")
    responses = SurveyResponseSerializer(many=True)


class SurveySerializer(serializers.Serializer):
    scope = serializers.CharField(help_text='"National", a region or a PDU.')
    period = serializers.CharField(allow_null=True, help_text="Null where there are no results.")
    periods = serializers.ListField(
        child=serializers.CharField(), help_text="Periods with results, newest first."
    )
    pdus = serializers.IntegerField(help_text="PDUs with results in the period.")
    respondents = serializers.IntegerField(help_text="The most people who answered any one question.")
    minimum = serializers.IntegerField(help_text="Counts below this are not shown (SURVEY_MINIMUM_COUNT).")
    questions = SurveyQuestionSerializer(many=True)


def survey_data(survey: SurveyResults, scope: str) -> dict:
    return {
        "scope": scope,
        "period": survey.period,
        "periods": survey.periods,
        "pdus": survey.pdus,
        "respondents": survey.respondents,
        "minimum": survey.minimum,
        "questions": [
            {
                "question": question.question,
                "n": question.n,
                "responses": [
                    {
                        "response": response.response,
                        "count": response.count,
                        "share": response.share.rate if response.share else None,
                        "ci_lower": response.share.lower if response.share else None,
                        "ci_upper": response.share.upper if response.share else None,
                        "suppressed": survey.note if response.suppressed else "",
                    }
                    for response in question.responses
                ],
            }
            for question in survey.questions
        ],
    }


class SurveyAggregate(APIView):
    renderer_classes = AGGREGATE_RENDERERS
    permission_classes = allowed_by(can_view_survey, NO_NATIONAL, of_object=False)

    def csv_rows(self, data: dict) -> list[dict]:
        return [
            {"scope": data["scope"], "period": data["period"], "question": q["question"], "n": q["n"], **r}
            for q in data["questions"]
            for r in q["responses"]
        ]


class NationalSurvey(SurveyAggregate):
    """The survey of people on probation pooled nationally or over a region's PDUs, in a period (the latest with
    results unless chosen): each question's n, each response's count and share with its 95% interval. Counts below
    the minimum are null, saying so. `?format=csv`: one row per response."""

    error_responses = {"GET": [400]}

    @extend_schema(parameters=[NationalFilterSerializer], responses={200: OpenApiResponse(SurveySerializer)})
    def get(self, request):
        filters = NationalFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        region = None
        if "region" in filters.validated_data:
            region = Region.objects.filter(pk=filters.validated_data["region"]).first()
            if region is None:
                raise exceptions.ValidationError(
                    {"region": [NO_SUCH_REGION.format(region=filters.validated_data["region"])]}
                )
        survey = survey_results(
            region_id=region.pk if region else None, period=filters.validated_data.get("period")
        )
        self.csv_filename = "survey"
        return Response(SurveySerializer(survey_data(survey, region.name if region else "National")).data)


class PDUSurvey(SurveyAggregate):
    """One PDU's survey results in a period (the latest with results unless chosen), as the national survey."""

    error_responses = {"GET": [400]}

    @extend_schema(parameters=[PERIOD_PARAMETER], responses={200: OpenApiResponse(SurveySerializer)})
    def get(self, request, pk: int):
        pdu = get_object_or_404(PDU, pk=pk)
        filters = NationalFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        survey = survey_results(pdu_id=pdu.pk, period=filters.validated_data.get("period"))
        self.csv_filename = f"pdu-{pdu.pk}-survey"
        return Response(SurveySerializer(survey_data(survey, pdu.name)).data)


class SurveyUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="A CSV or Excel (.xlsx) file with the columns its import page lists."
    )


class SurveyImportResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    file_name = serializers.CharField()
    rows = serializers.IntegerField(
        help_text="Results imported; they replace those of the same PDUs and periods."
    )
    imported_at = serializers.DateTimeField()


def _uploaded(request) -> tuple[str, bytes]:
    """The uploaded file's name and content; 400 without one, or for one over the upload limit."""
    upload = SurveyUploadSerializer(data=request.data)
    upload.is_valid(raise_exception=True)
    file = upload.validated_data["file"]
    if file.size > survey_import.MAX_UPLOAD_BYTES:
        raise exceptions.ValidationError({"file": [survey_import.TOO_LARGE]})
    return file.name, file.read()


class SurveyImports(APIView):
    """Import survey results (multipart): 201 with the import; 422 lists every problem in the file with its line and
    column, and nothing is saved. National viewers and administrators only."""

    permission_classes = allowed_by(can_import_survey, NOT_AN_IMPORTER, of_object=False)
    parser_classes = [MultiPartParser]
    max_upload_bytes = survey_import.MAX_UPLOAD_BYTES
    error_responses = {"POST": [survey_import.SurveyInvalid]}

    @extend_schema(
        request={"multipart/form-data": SurveyUploadSerializer},
        responses={201: OpenApiResponse(SurveyImportResultSerializer)},
    )
    def post(self, request):
        name, data = _uploaded(request)
        record = survey_import.survey_import(name=name, data=data, user=request.user)
        return Response(SurveyImportResultSerializer(record).data, status=status.HTTP_201_CREATED)


class StaffingImportResultSerializer(serializers.Serializer):
    inspections = serializers.IntegerField(help_text="Inspections whose staffing the file recorded.")


class StaffingImports(APIView):
    """Import staffing for many inspected PDUs (multipart; columns as the import page lists them): 201 with how many
    inspections were recorded; 422 lists every problem with its line and column, and nothing is saved. National
    viewers and administrators only."""

    permission_classes = allowed_by(can_import_survey, NOT_AN_IMPORTER, of_object=False)
    parser_classes = [MultiPartParser]
    max_upload_bytes = survey_import.MAX_UPLOAD_BYTES
    error_responses = {"POST": [staffing_import.StaffingImportInvalid]}

    @extend_schema(
        request={"multipart/form-data": SurveyUploadSerializer},
        responses={201: OpenApiResponse(StaffingImportResultSerializer)},
    )
    def post(self, request):
        name, data = _uploaded(request)
        count = staffing_import.staffing_import(name=name, data=data, user=request.user)
        return Response({"inspections": count}, status=status.HTTP_201_CREATED)


class VacancySerializer(serializers.Serializer):
    grade = serializers.CharField()
    posts = serializers.DecimalField(max_digits=9, decimal_places=1, help_text="Full-time equivalent.")
    vacant = serializers.DecimalField(max_digits=9, decimal_places=1)
    rate = serializers.FloatField(allow_null=True, help_text="Vacant posts as a percentage of posts.")


class StaffingSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="The PDU or the region.")
    inspections = serializers.IntegerField()
    staff_in_post = serializers.IntegerField()
    sickness_days_per_person = serializers.FloatField(allow_null=True, help_text="Over the last 12 months.")
    workloads_manageable = RateSerializer(
        source="workloads",
        help_text="Staff saying their workload is manageable (sufficient) of those asked (total), with the rate and "
        "its 95% interval; null figures, with `suppressed` saying why, where fewer than SURVEY_MINIMUM_COUNT (5) "
        "staff gave one of the answers.",
    )
    vacancies = VacancySerializer(many=True)


class InspectionStaffing(APIView):
    """The inspected PDU's staffing (domain one evidence), for those who see the inspection's dashboard; 404 where
    none is recorded."""

    permission_classes = allowed_by(can_view_dashboard, NO_RESULTS)

    @extend_schema(responses={200: OpenApiResponse(StaffingSerializer)})
    def get(self, request, pk: int):
        inspection = get_object_or_404(inspections_visible_to(request.user), pk=pk)
        self.check_object_permissions(request, inspection)
        staffing = inspection_staffing(inspection)
        if staffing is None:
            raise exceptions.NotFound("No staffing evidence has been recorded for this inspection.")
        return Response(StaffingSerializer(staffing).data)


class NationalStaffingSerializer(ScopeSerializer):
    regions = StaffingSerializer(
        many=True, help_text="Each region's staffing, pooled over its inspections shown."
    )


class NationalStaffing(APIView):
    """Staffing pooled by region over the inspections the national dashboard shows with the same filters (locked
    ones only unless ?inspections=include-provisional)."""

    renderer_classes = AGGREGATE_RENDERERS
    permission_classes = allowed_by(can_view_survey, NO_NATIONAL, of_object=False)
    error_responses = {"GET": [400]}

    @extend_schema(
        parameters=[NationalDashboardFilterSerializer],
        responses={200: OpenApiResponse(NationalStaffingSerializer)},
    )
    def get(self, request):
        dashboard = national_for_request(request)
        self.csv_filename = "staffing-by-region"
        regions = staffing_by_region(row.inspection_id for row in dashboard.rows if row.inspection_id)
        scope = {
            "region": dashboard.region.name if dashboard.region else None,
            "period": dashboard.period.slug if dashboard.period else None,
        }
        return Response(NationalStaffingSerializer({**scope, "regions": regions}).data)

    def csv_rows(self, data: dict) -> list[dict]:
        rows = []
        for region in data["regions"]:
            workloads = region["workloads_manageable"]
            common = {
                "region": region["label"],
                "inspections": region["inspections"],
                "staff_in_post": region["staff_in_post"],
                "sickness_days_per_person": region["sickness_days_per_person"],
                "workloads_asked": workloads["total"],
                "workloads_manageable": workloads["sufficient"],
                "workloads_manageable_rate": workloads["rate"],
                "workloads_suppressed": workloads.get("suppressed", ""),
            }
            rows += [{**common, **vacancy} for vacancy in region["vacancies"]] or [common]
        return rows
