"""Aggregates in the API: the same selectors as the dashboards (reports.selectors), as JSON or CSV."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import allowed_by
from api.renderers import CSVRenderer
from inspections import statistics
from inspections.permissions import can_view_dashboard, can_view_national_dashboard, inspections_visible_to
from pdus.api import PublishedRatingSerializer
from pdus.models import PDU, PublishedRating

from . import rating as rules
from .selectors import dashboards as selectors
from .selectors import small_numbers
from .selectors.rates import CaseFacts, KeyQuestionRate
from .selectors.results import sufficiency_data

NO_RESULTS = "Only the inspection's lead, inspectors, quality assurers and national viewers see its results."
RATINGS = [rating.value for rating in rules.Rating]
AGGREGATE_RENDERERS = [JSONRenderer, CSVRenderer]


class KeyQuestionResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    criterion = serializers.CharField()
    wording = serializers.CharField()
    rating = serializers.ChoiceField(choices=RATINGS, allow_null=True)
    sufficient = serializers.IntegerField(
        allow_null=True, help_text="Counted cases judged sufficient; null where suppressed."
    )
    total = serializers.IntegerField(
        allow_null=True,
        help_text="n: counted cases answered yes or no (not applicable left out); null where suppressed.",
    )
    rate = serializers.FloatField(allow_null=True, help_text="Sufficiency rate, percent; null with no cases.")
    ci_lower = serializers.FloatField(allow_null=True, help_text="95% Wilson score interval, lower bound.")
    ci_upper = serializers.FloatField(allow_null=True, help_text="95% Wilson score interval, upper bound.")
    suppressed = serializers.CharField(
        required=False,
        help_text="Present only where the key question is over too few cases to show to this user: why its "
        "figures and band are null.",
    )


class StandardResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    domain = serializers.CharField(help_text="The code of its domain in the framework.")
    rated_by = serializers.CharField(
        help_text="How the framework rates it: lowest_key_question (over its case kind), team_judgement, pooled."
    )
    rated_by_label = serializers.CharField(help_text="How it is rated, in words, as the dashboard shows it.")
    case_kind = serializers.CharField(
        allow_blank=True, help_text="The kind of case it is rated from, if any."
    )
    counts_in_composite = serializers.BooleanField()
    rating = serializers.ChoiceField(choices=RATINGS, allow_null=True)
    rationale = serializers.CharField(
        allow_blank=True, help_text="The team's rationale, for a judged standard."
    )
    driving_key_question = serializers.CharField(
        allow_null=True,
        help_text="The lowest key question, which decides the rating of a standard rated from cases.",
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
    overall_rule = serializers.ChoiceField(
        choices=["composite", "team_judgement"],
        help_text="composite: the overall rating is the composite banded by its maximum; team_judgement: it is the "
        "team's judgement, and indicative_rating is the composite banded.",
    )
    standards = StandardResultSerializer(many=True)
    composite_score = serializers.IntegerField(
        allow_null=True, help_text="Points of the rated standards that count in the composite."
    )
    max_score = serializers.IntegerField(
        help_text="3 points for each rated standard that counts in the composite."
    )
    overall_rating = serializers.ChoiceField(choices=RATINGS, allow_null=True)
    indicative_rating = serializers.ChoiceField(choices=RATINGS, allow_null=True)
    overall_rationale = serializers.CharField(
        default="", help_text="The team's rationale for its overall rating, where that is its judgement."
    )


class InspectionAggregate(APIView):
    """One inspection's figures, as JSON or CSV, for those who may see its dashboard (can_view_dashboard)."""

    renderer_classes = AGGREGATE_RENDERERS
    permission_classes = allowed_by(can_view_dashboard, NO_RESULTS)

    def dashboard(self, request, pk: int) -> selectors.InspectionDashboard:
        """404 if the user is not on the inspection at all, 403 if their role sees no results."""
        inspection = get_object_or_404(inspections_visible_to(request.user), pk=pk)
        self.check_object_permissions(request, inspection)
        return small_numbers.inspection_dashboard_for(request.user, inspection)


class InspectionResults(InspectionAggregate):
    """An inspection's key-question sufficiency (n, sufficient, rate, 95% CI), standard ratings with the key
    question that drives each, composite score and overall rating. `?format=csv`: one row per key question."""

    @extend_schema(responses={200: OpenApiResponse(InspectionResultSerializer)})
    def get(self, request, pk: int):
        dashboard = self.dashboard(request, pk)
        self.csv_filename = f"inspection-{pk}-results"
        payload = {"inspection": pk, "provisional": dashboard.provisional, **dashboard.results}
        payload.pop("shape", None)
        return Response(InspectionResultSerializer(payload).data)

    def csv_rows(self, data: dict) -> list[dict]:
        rows = []
        for standard in data["standards"]:
            common = {
                "inspection": data["inspection"],
                "provisional": "yes" if data["provisional"] else "no",
                "standard": standard["code"],
                "standard_title": standard["title"],
                "rated_by": standard["rated_by"],
                "case_kind": standard["case_kind"],
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
                        "drives_standard": "yes"
                        if key_question and key_question.get("code") == standard["driving_key_question"]
                        else "no",
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
        help_text="As published, or from the composite score by the bands of the framework it was published under."
    )

    class Meta(PublishedRatingSerializer.Meta):
        fields = ["pdu", *PublishedRatingSerializer.Meta.fields]
        extra_kwargs = {}

    def get_overall_rating(self, published: PublishedRating) -> str | None:
        overall = self.context["published_overall"](
            published.overall_rating,
            published.composite_score,
            published.composite_max,
            published.period_start,
        )
        return overall.value if overall else None


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

    def get_serializer_context(self):
        # The bands each published composite is rated by: those of the framework it was published under.
        return {**super().get_serializer_context(), "published_overall": selectors.published_overall_rule()}


# Breakdowns and case facts: the dashboards' selectors (reports.selectors.dashboards.inspection_dashboard and
# national_dashboard), served per inspection and nationally or per region with the dashboards' filters.


class RateSerializer(serializers.Serializer):
    sufficient = serializers.IntegerField(allow_null=True, help_text="Null where the rate is suppressed.")
    total = serializers.IntegerField(
        allow_null=True,
        help_text="n: cases answered (not applicable and unanswered left out); null where the rate is suppressed.",
    )
    rate = serializers.FloatField(allow_null=True, help_text="Percent; null with no cases.")
    ci_lower = serializers.FloatField(allow_null=True, help_text="95% Wilson score interval, lower bound.")
    ci_upper = serializers.FloatField(allow_null=True, help_text="95% Wilson score interval, upper bound.")
    suppressed = serializers.CharField(
        required=False,
        help_text="Present only where the rate is over too few cases to show to this user (no case-level access): "
        'why its figures are null, e.g. "fewer than 3 cases: not shown".',
    )

    def to_representation(self, instance: statistics.Sufficiency) -> dict:
        return sufficiency_data(instance)


class KeyQuestionRateSerializer(serializers.Serializer):
    code = serializers.CharField()
    wording = serializers.CharField()
    standard = serializers.CharField(source="standard_code")
    criterion = serializers.CharField()
    case_kind = serializers.CharField(help_text="The kind of case it is asked of.")
    overall = RateSerializer(source="rates.overall")
    breakdowns = serializers.DictField(
        child=serializers.DictField(child=RateSerializer()),
        source="rates.by_attribute",
        help_text="By each attribute of its case kind the framework breaks rates down by: attribute key -> "
        "attribute value -> rate (see `breakdowns` for their labels).",
    )


class BreakdownValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()

    def to_representation(self, instance: tuple[str, str]) -> dict:
        return {"value": instance[0], "label": instance[1]}


class BreakdownSerializer(serializers.Serializer):
    case_kind = serializers.CharField()
    key = serializers.CharField(help_text="The attribute's key, as in each key question's `breakdowns`.")
    label = serializers.CharField()
    values = BreakdownValueSerializer(many=True)


class NeedRateSerializer(serializers.Serializer):
    need = serializers.CharField()
    label = serializers.CharField()
    linked = serializers.IntegerField(help_text="Cases where the need is linked to offending.")
    met = RateSerializer(help_text="Of those, sufficiently addressed.")


class FactRateSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    rate = RateSerializer(
        help_text="Cases answered one of the fact's sufficient answers, of those answered one it counts."
    )


class KindFactsSerializer(serializers.Serializer):
    case_kind = serializers.CharField()
    name = serializers.CharField()
    cases = serializers.IntegerField(help_text="Counted cases of this kind (submitted or approved).")
    facts = FactRateSerializer(many=True)
    needs = NeedRateSerializer(many=True)


class CaseFactRatesSerializer(serializers.Serializer):
    cases = serializers.IntegerField(help_text="Counted cases of every kind (submitted or approved).")
    kinds = KindFactsSerializer(
        many=True, help_text="The case facts and needs of each case kind, as its framework defines them."
    )


def key_question_csv_rows(key_questions: list[KeyQuestionRate]) -> list[dict]:
    """Long format for pivot tables: one row per key question and group (all, then each value of each breakdown
    attribute of its case kind)."""
    rows = []
    for kq in key_questions:
        groups = [
            ("all", "", kq.rates.overall),
            *(
                (attribute, value, rate)
                for attribute, by_value in kq.rates.by_attribute.items()
                for value, rate in by_value.items()
            ),
        ]
        for breakdown, group, rate in groups:
            rows.append(
                {
                    "key_question": kq.code,
                    "standard": kq.standard_code,
                    "case_kind": kq.case_kind,
                    "criterion": kq.criterion,
                    "breakdown": breakdown,
                    "group": group,
                    **_csv_rate(rate),
                }
            )
    return rows


def case_fact_csv_rows(facts: CaseFacts) -> list[dict]:
    """One row per case fact and need of each case kind."""
    rows = []
    for kind in facts.kinds:
        rows += [
            {
                "case_kind": kind.case_kind,
                "fact": fact.key,
                "label": fact.label,
                "linked_to_offending": None,
                **_csv_rate(fact.rate),
            }
            for fact in kind.facts
        ]
        rows += [
            {
                "case_kind": kind.case_kind,
                "fact": f"need_{need.need}",
                "label": need.label,
                "linked_to_offending": need.linked,
                **_csv_rate(need.met),
            }
            for need in kind.needs
        ]
    return rows


def _csv_rate(rate: statistics.Sufficiency) -> dict:
    data = sufficiency_data(rate)
    return {
        "n": data["total"],
        "sufficient": data["sufficient"],
        **{k: data[k] for k in ("rate", "ci_lower", "ci_upper")},
        "suppressed": data.get("suppressed", ""),
    }


class InspectionKeyQuestionsSerializer(serializers.Serializer):
    inspection = serializers.IntegerField()
    provisional = serializers.BooleanField()
    key_questions = KeyQuestionRateSerializer(many=True)
    breakdowns = BreakdownSerializer(many=True, help_text="The attributes the rates are broken down by.")


class InspectionCaseFactsSerializer(serializers.Serializer):
    inspection = serializers.IntegerField()
    provisional = serializers.BooleanField()
    case_facts = CaseFactRatesSerializer()


class InspectionKeyQuestions(InspectionAggregate):
    """Each key question's sufficiency in this inspection, overall and by each attribute of its case kind the
    framework breaks rates down by. `?format=csv`: one row per key question and group."""

    @extend_schema(responses={200: OpenApiResponse(InspectionKeyQuestionsSerializer)})
    def get(self, request, pk: int):
        dashboard = self.dashboard(request, pk)
        self.csv_filename = f"inspection-{pk}-key-questions"
        self._key_questions = dashboard.key_questions
        payload = {
            "inspection": pk,
            "provisional": dashboard.provisional,
            "key_questions": dashboard.key_questions,
            "breakdowns": dashboard.breakdowns,
        }
        return Response(InspectionKeyQuestionsSerializer(payload).data)

    def csv_rows(self, data) -> list[dict]:
        return key_question_csv_rows(self._key_questions)


class InspectionCaseFacts(InspectionAggregate):
    """Case facts and needs of this inspection's counted cases, for each case kind as its framework defines them, as
    rates with n and 95% CI. `?format=csv`: one row per fact and need."""

    @extend_schema(responses={200: OpenApiResponse(InspectionCaseFactsSerializer)})
    def get(self, request, pk: int):
        dashboard = self.dashboard(request, pk)
        self.csv_filename = f"inspection-{pk}-case-facts"
        self._facts = dashboard.case_facts
        payload = {"inspection": pk, "provisional": dashboard.provisional, "case_facts": dashboard.case_facts}
        return Response(InspectionCaseFactsSerializer(payload).data)

    def csv_rows(self, data) -> list[dict]:
        return case_fact_csv_rows(self._facts)


NO_NATIONAL = "National and regional figures are for national viewers and inspection teams' leads, inspectors and quality assurers."
NO_SUCH_REGION = "There is no region with id {region}."
PERIOD_FORMAT = 'Enter an inspection year such as "2026-27"'
SORTS = [*selectors.SORT_KEYS, *(f"-{key}" for key in selectors.SORT_KEYS)]


class NationalFilterSerializer(serializers.Serializer):
    region = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="A region's id: regional figures."
    )
    period = serializers.CharField(
        required=False,
        max_length=7,
        # The pattern is in the schema, so a client can tell a period's form before sending it.
        validators=[RegexValidator(selectors.PERIOD_PATTERN, PERIOD_FORMAT)],
        help_text='Inspection year, April to March, e.g. "2026-27" (the second year follows the first).',
    )

    def validate_period(self, value: str) -> str:
        if selectors.Period.from_slug(value) is None:
            raise serializers.ValidationError(PERIOD_FORMAT)
        return value


class NationalDashboardFilterSerializer(NationalFilterSerializer):
    inspections = serializers.ChoiceField(
        choices=[selectors.INCLUDE_PROVISIONAL],
        required=False,
        allow_blank=True,
        help_text="Left out (or empty): locked inspections only, whose figures are final, as the national dashboard "
        "shows by default. include-provisional: open inspections' live, provisional figures too (each open "
        "inspection only to its own team, and to those who see every result), as the dashboard's "
        "?inspections=include-provisional.",
    )


class NationalPDUFilterSerializer(NationalDashboardFilterSerializer):
    ordering = serializers.ChoiceField(
        choices=SORTS, required=False, help_text="As the dashboard sorts; a leading - reverses."
    )


def national_for_request(
    request, filters_class=NationalDashboardFilterSerializer
) -> selectors.NationalDashboard:
    """The national (or, with ?region=, regional) dashboard's figures, with the dashboard's filters: locked
    inspections only unless ?inspections=include-provisional, as the page."""
    filters = filters_class(data=request.query_params)
    filters.is_valid(raise_exception=True)
    chosen = filters.validated_data
    dashboard = small_numbers.national_dashboard_for(
        request.user,
        region=chosen.get("region"),
        period=chosen.get("period"),
        sort=chosen.get("ordering", "pdu"),
        include_provisional=chosen.get("inspections") == selectors.INCLUDE_PROVISIONAL,
    )
    if chosen.get("region") and dashboard.region is None:
        raise ValidationError({"region": [NO_SUCH_REGION.format(region=chosen["region"])]})
    return dashboard


class ScopeSerializer(serializers.Serializer):
    region = serializers.CharField(allow_null=True, help_text="The region, or null for national figures.")
    period = serializers.CharField(allow_null=True)


def _scope(dashboard: selectors.NationalDashboard) -> dict:
    return {
        "region": dashboard.region.name if dashboard.region else None,
        "period": dashboard.period.slug if dashboard.period else None,
    }


class NationalPDUSerializer(serializers.Serializer):
    pdu_id = serializers.IntegerField()
    pdu = serializers.CharField()
    region = serializers.CharField()
    inspection_id = serializers.IntegerField(allow_null=True)
    fieldwork_start = serializers.DateField(allow_null=True)
    period = serializers.CharField(source="period.slug", allow_null=True, default=None)
    provisional = serializers.BooleanField()
    composite_score = serializers.IntegerField(allow_null=True)
    max_score = serializers.IntegerField(allow_null=True)
    overall_rating = serializers.ChoiceField(choices=RATINGS, allow_null=True)
    judgements = serializers.DictField(
        child=serializers.ChoiceField(choices=RATINGS, allow_null=True),
        help_text="The team's judgement of each standard it rates by judgement, by code.",
    )
    published_composite = serializers.IntegerField(allow_null=True)
    published_max = serializers.IntegerField(allow_null=True)
    published_overall = serializers.ChoiceField(choices=RATINGS, allow_null=True)
    published_period = serializers.CharField(allow_blank=True)

    def to_representation(self, row: selectors.PDUResult) -> dict:
        data = super().to_representation(row)
        for name in ("overall_rating", "published_overall"):
            value = getattr(row, name)
            data[name] = value.value if value else None
        data["judgements"] = {code: r.value if r else None for code, r in row.judgements.items()}
        return data


class NationalPDUs(generics.GenericAPIView):
    """Every PDU's latest inspection results and latest published composite, nationally or in a region, in a period:
    locked inspections only unless ?inspections=include-provisional (open ones, provisional, only to their team).
    `?format=csv` for a spreadsheet."""

    renderer_classes = AGGREGATE_RENDERERS
    permission_classes = allowed_by(can_view_national_dashboard, NO_NATIONAL, of_object=False)
    filter_backends = []
    serializer_class = NationalPDUSerializer

    @extend_schema(parameters=[NationalPDUFilterSerializer], responses=NationalPDUSerializer(many=True))
    def get(self, request):
        dashboard = national_for_request(request, NationalPDUFilterSerializer)
        self.csv_filename = "national-pdus"
        page = self.paginate_queryset(dashboard.rows)
        return self.get_paginated_response(NationalPDUSerializer(page, many=True).data)

    def csv_rows(self, data) -> list[dict]:
        rows = []
        for row in data["results"]:
            judgements = row.pop("judgements")
            rows.append(
                {**row, **{f"standard_{code}": rating for code, rating in sorted(judgements.items())}}
            )
        return rows


class NationalAggregate(APIView):
    """A national or regional aggregate, as JSON or CSV; its filters answer 400 when not allowed."""

    renderer_classes = AGGREGATE_RENDERERS
    permission_classes = allowed_by(can_view_national_dashboard, NO_NATIONAL, of_object=False)
    error_responses = {"GET": [400]}


class DistributionSerializer(ScopeSerializer):
    distribution = serializers.DictField(
        child=serializers.IntegerField(), help_text="PDUs with each overall rating, best first."
    )


class NationalDistribution(NationalAggregate):
    """How many of the PDUs shown have each overall rating."""

    @extend_schema(
        parameters=[NationalDashboardFilterSerializer],
        responses={200: OpenApiResponse(DistributionSerializer)},
    )
    def get(self, request):
        dashboard = national_for_request(request)
        self.csv_filename = "national-distribution"
        distribution = {rating.value: count for rating, count in dashboard.distribution.items()}
        return Response(DistributionSerializer({**_scope(dashboard), "distribution": distribution}).data)

    def csv_rows(self, data) -> list[dict]:
        return [
            {"region": data["region"], "period": data["period"], "overall_rating": rating, "pdus": count}
            for rating, count in data["distribution"].items()
        ]


class NationalKeyQuestionsSerializer(ScopeSerializer):
    key_questions = KeyQuestionRateSerializer(many=True)
    breakdowns = BreakdownSerializer(many=True, help_text="The attributes the rates are broken down by.")


class NationalKeyQuestions(NationalAggregate):
    """Key question sufficiency pooled over the cases of the inspections shown, overall and by each breakdown
    attribute of its case kind."""

    @extend_schema(
        parameters=[NationalDashboardFilterSerializer],
        responses={200: OpenApiResponse(NationalKeyQuestionsSerializer)},
    )
    def get(self, request):
        dashboard = national_for_request(request)
        self.csv_filename = "national-key-questions"
        self._key_questions = dashboard.key_questions
        return Response(
            NationalKeyQuestionsSerializer(
                {
                    **_scope(dashboard),
                    "key_questions": dashboard.key_questions,
                    "breakdowns": dashboard.breakdowns,
                }
            ).data
        )

    def csv_rows(self, data) -> list[dict]:
        return key_question_csv_rows(self._key_questions)


class NationalCaseFactsSerializer(ScopeSerializer):
    case_facts = CaseFactRatesSerializer()


class NationalCaseFacts(NationalAggregate):
    """Case facts and needs pooled over the cases of the inspections shown, for each case kind."""

    @extend_schema(
        parameters=[NationalDashboardFilterSerializer],
        responses={200: OpenApiResponse(NationalCaseFactsSerializer)},
    )
    def get(self, request):
        dashboard = national_for_request(request)
        self.csv_filename = "national-case-facts"
        self._facts = dashboard.case_facts
        return Response(
            NationalCaseFactsSerializer({**_scope(dashboard), "case_facts": dashboard.case_facts}).data
        )

    def csv_rows(self, data) -> list[dict]:
        return case_fact_csv_rows(self._facts)
