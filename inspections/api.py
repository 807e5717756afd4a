"""The API's frameworks (standards, key questions, bands) and inspections, filterable as the dashboards are."""

from django.db.models import Prefetch, Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers, viewsets

from api.filters import IdFilter

from .definitions import KeyQuestion as KeyQuestionDefinition
from .models import Framework, Inspection, InspectionMembership, KeyQuestion, Standard
from .permissions import inspections_visible_to

APPLIES_WHEN = inline_serializer(
    name="AppliesWhen",
    fields={
        "attribute": serializers.CharField(help_text="The key of the case's attribute, e.g. case_type."),
        "in": serializers.ListField(
            child=serializers.CharField(), help_text="The attribute's values it applies to, e.g. [licence]."
        ),
    },
    allow_null=True,
    help_text="When it applies: only to cases whose attribute is one of the values (null: to every case of its "
    "kind). A case whose attribute changes so that it no longer applies keeps its answer, which no longer counts.",
)


class FromDefinition(serializers.ModelSerializer):
    """A key question row's condition and prompt recording, read from its framework's definition (the rows keep
    only what SQL joins on)."""

    applies_when = serializers.SerializerMethodField()
    record_prompts = serializers.SerializerMethodField(
        help_text="Whether the assistant inspector answers each prompt (yes, no or not applicable) for each case."
    )

    def _definition(self, row: KeyQuestion) -> KeyQuestionDefinition:
        # One parse per framework per response, however many rows (the rows' frameworks are separate objects).
        definitions = self.context.setdefault("key_question_definitions", {})
        framework = row.standard.framework
        if framework.pk not in definitions:
            definitions[framework.pk] = {
                kq.code: kq for standard in framework.definition.standards for kq in standard.key_questions
            }
        return definitions[framework.pk][row.code]

    @extend_schema_field(APPLIES_WHEN)
    def get_applies_when(self, row: KeyQuestion) -> dict | None:
        condition = self._definition(row).applies_when
        return {"attribute": condition.attribute, "in": list(condition.values)} if condition else None

    def get_record_prompts(self, row: KeyQuestion) -> bool:
        return self._definition(row).record_prompts


class KeyQuestionSerializer(FromDefinition):
    standard = serializers.CharField(source="standard.code", read_only=True)
    standard_title = serializers.CharField(source="standard.title", read_only=True)
    case_kind = serializers.CharField(source="standard.case_kind", read_only=True)
    framework_version = serializers.IntegerField(source="standard.framework.version", read_only=True)

    class Meta:
        model = KeyQuestion
        fields = [
            "id",
            "code",
            "standard",
            "standard_title",
            "case_kind",
            "criterion",
            "wording",
            "prompts",
            "record_prompts",
            "applies_when",
            "framework_version",
        ]


class StandardKeyQuestionSerializer(FromDefinition):
    class Meta:
        model = KeyQuestion
        fields = ["id", "code", "criterion", "wording", "prompts", "record_prompts", "applies_when"]


class StandardSerializer(serializers.ModelSerializer):
    key_questions = StandardKeyQuestionSerializer(many=True)
    # A slug, or empty for a standard that samples no case (the schema must allow both, as the field does).
    case_kind = serializers.RegexField(
        r"^[-a-zA-Z0-9_]*$",
        max_length=50,
        allow_blank=True,
        read_only=True,
        help_text="The kind of case it samples, if any (empty if none).",
    )

    class Meta:
        model = Standard
        fields = [
            "id",
            "code",
            "title",
            "description",
            "domain",
            "rated_by",
            "case_kind",
            "is_optional",
            "counts_in_composite",
            "key_questions",
        ]


class FrameworkSerializer(serializers.ModelSerializer):
    standards = StandardSerializer(many=True)
    key_question_bands = serializers.JSONField(
        source="document.key_question_bands",
        help_text='Lowest sufficiency percentage for each rating, e.g. {"outstanding": 80, "good": 65, ...}.',
    )
    overall = serializers.JSONField(
        source="document.overall",
        help_text="The overall rule: composite bands keyed by the maximum, or the team's judgement.",
    )
    document = serializers.JSONField(help_text="The whole framework document (docs/frameworks.md).")

    class Meta:
        model = Framework
        fields = [
            "id",
            "slug",
            "name",
            "version",
            "unit",
            "effective_from",
            "published_at",
            "key_question_bands",
            "overall",
            "standards",
            "document",
        ]


class FrameworkViewSet(viewsets.ReadOnlyModelViewSet):
    """Versioned inspection frameworks with their standards, key questions and rating bands."""

    queryset = Framework.objects.published().prefetch_related(
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
        fields = ["standard__framework", "criterion", "standard__code", "standard__case_kind"]


class KeyQuestionViewSet(viewsets.ReadOnlyModelViewSet):
    """Key questions: their wording, standard and criterion, for every framework version."""

    queryset = KeyQuestion.objects.filter(standard__framework__published_at__isnull=False).select_related(
        "standard__framework"
    )
    serializer_class = KeyQuestionSerializer
    filterset_class = KeyQuestionFilter
    ordering_fields = ["code", "id"]
    ordering = ["standard__framework_id", "standard__order", "order"]


class InspectionFilter(filters.FilterSet):
    pdu = IdFilter(field_name="pdu_id")
    region = IdFilter(method="in_region", label="Inspections of this region or of its PDUs")
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

    def in_region(self, queryset, name, value):
        return queryset.filter(Q(region_id=value) | Q(pdu__region_id=value))


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")

    class Meta:
        model = InspectionMembership
        fields = ["username", "role"]


class InspectionSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="framework.unit", help_text="What is inspected: pdu or region.")
    pdu = serializers.CharField(source="pdu.name", allow_null=True, default=None)
    pdu_id = serializers.IntegerField(allow_null=True)
    region = serializers.SerializerMethodField()
    framework_version = serializers.IntegerField(source="framework.version")
    framework_id = serializers.IntegerField()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "unit",
            "pdu",
            "pdu_id",
            "region",
            "framework_id",
            "framework_version",
            "fieldwork_start",
            "fieldwork_end",
            "status",
        ]

    def get_region(self, inspection: Inspection) -> str:
        """The region inspected, or the PDU's region."""
        return (inspection.region or inspection.pdu.region).name


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
