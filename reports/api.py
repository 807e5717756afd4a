"""Aggregates in the API: the same selectors as the dashboards (reports.selectors), as JSON or CSV."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api.renderers import CSVRenderer
from inspections.api import inspections_for_user
from inspections.models import InspectionSnapshot
from inspections.permissions import can_view_dashboard
from pdus.api import PublishedRatingSerializer
from pdus.models import PDU, PublishedRating

from . import rating as rules
from . import selectors

NO_RESULTS = "Only the inspection's lead, inspectors, quality assurers and national viewers see its results."
RATINGS = [rating.value for rating in rules.Rating]
AGGREGATE_RENDERERS = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]


class KeyQuestionResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    criterion = serializers.CharField()
    wording = serializers.CharField()
    rating = serializers.ChoiceField(choices=RATINGS, allow_null=True)
    sufficient = serializers.IntegerField(help_text="Counted cases judged sufficient.")
    total = serializers.IntegerField(
        help_text="n: counted cases answered yes or no (not applicable left out)."
    )
    rate = serializers.FloatField(allow_null=True, help_text="Sufficiency rate, percent; null with no cases.")
    ci_lower = serializers.FloatField(allow_null=True, help_text="95% Wilson score interval, lower bound.")
    ci_upper = serializers.FloatField(allow_null=True, help_text="95% Wilson score interval, upper bound.")


class StandardResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    rated_from = serializers.CharField()
    rating = serializers.ChoiceField(choices=RATINGS, allow_null=True)
    rationale = serializers.CharField(allow_blank=True)
    driving_key_question = serializers.CharField(
        allow_null=True,
        help_text="The lowest key question, which decides a case-supervision standard's rating.",
    )
    key_questions = KeyQuestionResultSerializer(many=True)


class FrameworkReferenceSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    version = serializers.IntegerField()


class InspectionResultSerializer(serializers.Serializer):
    inspection = serializers.IntegerField()
    provisional = serializers.BooleanField(help_text="True until the inspection is locked: live figures.")
    framework = FrameworkReferenceSerializer()
    standards = StandardResultSerializer(many=True)
    composite_score = serializers.IntegerField(allow_null=True)
    max_score = serializers.IntegerField()
    overall_rating = serializers.ChoiceField(choices=RATINGS, allow_null=True)


def inspection_results_payload(inspection) -> dict:
    """A locked inspection's snapshot, otherwise its live results: what the dashboard shows."""
    if inspection.is_locked:
        snapshot = InspectionSnapshot.objects.filter(inspection=inspection).order_by("-created_at").first()
        if snapshot is not None:
            return {"inspection": inspection.pk, "provisional": False, **snapshot.data}
    result = selectors.inspection_results([inspection])[inspection.pk]
    return {"inspection": inspection.pk, "provisional": True, **selectors.inspection_result_data(result)}


class InspectionResults(APIView):
    """An inspection's key-question sufficiency (n, sufficient, rate, 95% CI), standard ratings with the key
    question that drives each, composite score and overall rating. `?format=csv`: one row per key question."""

    renderer_classes = AGGREGATE_RENDERERS

    @extend_schema(responses={200: OpenApiResponse(InspectionResultSerializer)})
    def get(self, request, pk: int):
        inspection = get_object_or_404(inspections_for_user(request.user), pk=pk)
        if not can_view_dashboard(request.user, inspection):
            raise PermissionDenied(NO_RESULTS)
        self.csv_filename = f"inspection-{inspection.pk}-results"
        return Response(InspectionResultSerializer(inspection_results_payload(inspection)).data)

    def csv_rows(self, data: dict) -> list[dict]:
        rows = []
        for standard in data["standards"]:
            common = {
                "inspection": data["inspection"],
                "provisional": data["provisional"],
                "standard": standard["code"],
                "standard_title": standard["title"],
                "standard_rating": standard["rating"],
                "composite_score": data["composite_score"],
                "max_score": data["max_score"],
                "overall_rating": data["overall_rating"],
            }
            key_questions = standard["key_questions"] or [{}]
            for key_question in key_questions:
                rows.append(
                    {
                        **common,
                        "key_question": key_question.get("code"),
                        "criterion": key_question.get("criterion"),
                        "drives_standard": bool(key_question)
                        and key_question.get("code") == standard["driving_key_question"],
                        "n": key_question.get("total"),
                        "sufficient": key_question.get("sufficient"),
                        "rate": key_question.get("rate"),
                        "ci_lower": key_question.get("ci_lower"),
                        "ci_upper": key_question.get("ci_upper"),
                        "key_question_rating": key_question.get("rating"),
                    }
                )
        return rows


class PDURatingSerializer(PublishedRatingSerializer):
    pdu = serializers.CharField(source="pdu.name")
    overall_rating = serializers.SerializerMethodField(
        help_text="As published, or from the composite score by the methodology's bands."
    )

    class Meta(PublishedRatingSerializer.Meta):
        fields = ["pdu", *PublishedRatingSerializer.Meta.fields]
        extra_kwargs = {}

    def get_overall_rating(self, published: PublishedRating) -> str | None:
        if published.overall_rating:
            return published.overall_rating
        try:
            return rules.overall_rating(published.composite_score, published.composite_max).value
        except ValueError:  # a maximum the bands do not cover
            return None


class PDURatings(generics.ListAPIView):
    """A PDU's published ratings, newest first, with the overall rating; `?format=csv` for a spreadsheet."""

    serializer_class = PDURatingSerializer
    renderer_classes = AGGREGATE_RENDERERS
    filterset_fields = []
    ordering_fields = ["period_end", "period_start", "composite_score"]
    ordering = ["-period_end"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PublishedRating.objects.none()
        pdu = get_object_or_404(PDU, pk=self.kwargs["pk"])
        self.csv_filename = f"pdu-{pdu.pk}-ratings"
        return PublishedRating.objects.filter(pdu=pdu).select_related("pdu")
