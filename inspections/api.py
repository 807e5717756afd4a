"""The API's frameworks (standards, key questions, bands) and inspections, filterable as the dashboards are."""

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets

from api.filters import IdFilter

from .models import Framework, Inspection, InspectionMembership, KeyQuestion, Standard
from .permissions import inspections_visible_to


class KeyQuestionSerializer(serializers.ModelSerializer):
    standard = serializers.CharField(source="standard.code", read_only=True)
    stage = serializers.CharField(source="standard.stage", read_only=True)
    framework_version = serializers.IntegerField(source="standard.framework.version", read_only=True)

    class Meta:
        model = KeyQuestion
        fields = ["id", "code", "standard", "stage", "criterion", "wording", "prompts", "framework_version"]


class StandardKeyQuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = KeyQuestion
        fields = ["id", "code", "criterion", "wording", "prompts"]


class StandardSerializer(serializers.ModelSerializer):
    key_questions = StandardKeyQuestionSerializer(many=True)

    class Meta:
        model = Standard
        fields = [
            "id",
            "code",
            "title",
            "description",
            "domain",
            "rated_from",
            "stage",
            "is_optional",
            "key_questions",
        ]


class FrameworkSerializer(serializers.ModelSerializer):
    standards = StandardSerializer(many=True)
    key_question_bands = serializers.JSONField(
        help_text='Lowest sufficiency percentage for each rating, e.g. {"outstanding": 80, "good": 65, ...}.'
    )
    composite_bands = serializers.JSONField(
        help_text="Per maximum composite score, the lowest composite score for each overall rating."
    )

    class Meta:
        model = Framework
        fields = [
            "id",
            "slug",
            "name",
            "version",
            "effective_from",
            "key_question_bands",
            "composite_bands",
            "standards",
        ]


class FrameworkViewSet(viewsets.ReadOnlyModelViewSet):
    """Versioned inspection frameworks with their standards, key questions and rating bands."""

    queryset = Framework.objects.prefetch_related(
        Prefetch(
            "standards",
            queryset=Standard.objects.order_by("order", "code").prefetch_related(
                Prefetch("key_questions", queryset=KeyQuestion.objects.order_by("order"))
            ),
        )
    )
    serializer_class = FrameworkSerializer
    filterset_fields = ["slug", "version"]
    ordering_fields = ["version", "effective_from", "id"]
    ordering = ["slug", "-version"]


class KeyQuestionFilter(filters.FilterSet):
    standard__framework = IdFilter(field_name="standard__framework_id")

    class Meta:
        model = KeyQuestion
        fields = ["standard__framework", "criterion", "standard__stage"]


class KeyQuestionViewSet(viewsets.ReadOnlyModelViewSet):
    """Key questions: their wording, stage and criterion, for every framework version."""

    queryset = KeyQuestion.objects.select_related("standard__framework")
    serializer_class = KeyQuestionSerializer
    filterset_class = KeyQuestionFilter
    ordering_fields = ["code", "id"]
    ordering = ["standard__framework_id", "standard__order", "order"]


class InspectionFilter(filters.FilterSet):
    pdu = IdFilter(field_name="pdu_id")
    region = IdFilter(field_name="pdu__region_id")
    status = filters.ChoiceFilter(choices=Inspection.Status.choices)
    fieldwork_from = filters.DateFilter(
        field_name="fieldwork_end", lookup_expr="gte", label="Fieldwork ending on or after this date"
    )
    fieldwork_to = filters.DateFilter(
        field_name="fieldwork_start", lookup_expr="lte", label="Fieldwork starting on or before this date"
    )

    class Meta:
        model = Inspection
        fields = ["pdu", "region", "status", "fieldwork_from", "fieldwork_to"]


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")

    class Meta:
        model = InspectionMembership
        fields = ["username", "role"]


class InspectionSerializer(serializers.ModelSerializer):
    pdu = serializers.CharField(source="pdu.name")
    pdu_id = serializers.IntegerField()
    region = serializers.CharField(source="pdu.region.name")
    framework_version = serializers.IntegerField(source="framework.version")
    framework_id = serializers.IntegerField()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "pdu",
            "pdu_id",
            "region",
            "framework_id",
            "framework_version",
            "fieldwork_start",
            "fieldwork_end",
            "status",
        ]


class InspectionDetailSerializer(InspectionSerializer):
    team = MembershipSerializer(source="memberships", many=True)

    class Meta(InspectionSerializer.Meta):
        fields = [*InspectionSerializer.Meta.fields, "team"]


class InspectionViewSet(viewsets.ReadOnlyModelViewSet):
    """Inspections you are on (every inspection for national viewers), filterable by PDU, region, status, dates."""

    queryset = Inspection.objects.none()  # for the schema; requests use get_queryset
    filterset_class = InspectionFilter
    ordering_fields = ["fieldwork_start", "fieldwork_end", "status", "pdu__name", "id"]
    ordering = ["-fieldwork_start", "pdu__name"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Inspection.objects.none()
        queryset = inspections_visible_to(self.request.user)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("memberships", queryset=InspectionMembership.objects.select_related("user"))
            )
        return queryset

    def get_serializer_class(self):
        return InspectionDetailSerializer if self.action == "retrieve" else InspectionSerializer
