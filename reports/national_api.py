"""The national report, comparisons, the regions' inspections and a PDU's ratings over time in the API, with the pages'
filters: the same selectors (reports.selectors.national_report, comparisons and regional) as JSON. Bad filters answer
400 problems."""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import allowed_by
from inspections import statistics
from inspections.permissions import can_view_national_dashboard
from pdus.models import Region

from . import comparison_form as messages
from . import rating as rules
from .api import (
    NO_NATIONAL,
    NO_SUCH_REGION,
    RATINGS,
    NationalAggregate,
    NationalFilterSerializer,
    RateSerializer,
    ScopeSerializer,
)
from .selectors import comparisons, pdu_history
from .selectors import national_report as selectors
from .selectors.dashboards import PERIOD_PATTERN, Period
from .selectors.regional import RegionalResult, regional_results
from .selectors.results import sufficiency_data

PERIOD_CHOICE = 'An inspection year such as "2022-23", April to March.'
# In the schema as the years' pattern, so a year that looks right by it is one the comparison takes.
PERIOD_VALIDATOR = RegexValidator(PERIOD_PATTERN, PERIOD_CHOICE)


def _cell(value: Any) -> Any:
    if isinstance(value, statistics.Sufficiency):
        return sufficiency_data(value)
    if isinstance(value, rules.Rating):
        return value.value
    return value


class StatementSerializer(serializers.Serializer):
    slug = serializers.CharField(
        help_text="Its anchor on the report page: #statement-<slug>, its table #table-<slug>."
    )
    section = serializers.CharField()
    text = serializers.CharField(help_text="The statement as a sentence to lift into a report.")
    n = serializers.IntegerField(allow_null=True, help_text="Cases (or PDUs) the headline figure is of.")
    figure = RateSerializer(
        allow_null=True, help_text="The headline rate with its 95% interval; null for a count."
    )
    figure_of = serializers.CharField(
        allow_blank=True,
        help_text="What the headline rate counts where the sentence gives several figures, as words after "
        '"60 of 90", e.g. \'said “Yes” to “Were you involved in planning your sentence?”\'; else "".',
    )
    columns = serializers.ListField(
        child=serializers.CharField(), help_text="The table behind the statement."
    )
    rows = serializers.ListField(child=serializers.ListField(child=serializers.JSONField()))

    def to_representation(self, instance: selectors.Statement) -> dict:
        data = super().to_representation(instance)
        data["rows"] = [[_cell(cell) for cell in row] for row in instance.rows]
        return data


class PublishedSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="The publication.")
    pdus = serializers.IntegerField()
    regions = serializers.IntegerField()
    distribution = serializers.DictField(
        child=serializers.IntegerField(), help_text="PDUs by overall rating (published composites banded)."
    )
    rows = serializers.ListField(child=serializers.ListField(child=serializers.JSONField()))

    def to_representation(self, instance: selectors.PublishedDistribution) -> dict:
        return {
            "source": instance.source,
            "pdus": instance.pdus,
            "regions": instance.regions,
            "distribution": {rating.value: count for rating, count in instance.distribution.items()},
            "rows": [[_cell(cell) for cell in row] for row in instance.rows],
        }


class NationalReportSerializer(serializers.Serializer):
    region = serializers.CharField(allow_null=True)
    period = serializers.CharField(allow_null=True)
    inspections = serializers.IntegerField(
        help_text="Locked PDU inspections the statements are computed from."
    )
    statements = StatementSerializer(many=True)
    published = PublishedSerializer(many=True, help_text="Labelled as published: not computed from cases.")
    not_computed = serializers.ListField(
        child=serializers.CharField(), help_text="What the data cannot support."
    )


class NationalReport(APIView):
    """The national (or, with ?region=, regional) report's statements for a period, from locked inspections, with
    the published composites beside them."""

    permission_classes = allowed_by(can_view_national_dashboard, NO_NATIONAL, of_object=False)
    error_responses = {"GET": [400]}

    @extend_schema(
        parameters=[NationalFilterSerializer], responses={200: OpenApiResponse(NationalReportSerializer)}
    )
    def get(self, request):
        filters = NationalFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        chosen = filters.validated_data
        report = selectors.national_report(period=chosen.get("period"), region=chosen.get("region"))
        if chosen.get("region") and report.region is None:
            raise ValidationError({"region": [NO_SUCH_REGION.format(region=chosen["region"])]})
        return Response(
            NationalReportSerializer(
                {
                    "region": report.region.name if report.region else None,
                    "period": report.period.slug if report.period else None,
                    "inspections": len(report.inspections),
                    "statements": report.statements,
                    "published": report.published,
                    "not_computed": report.not_computed,
                }
            ).data
        )


def _period(value: str) -> Period:
    period = Period.from_slug(value)
    if period is None:
        raise serializers.ValidationError(PERIOD_CHOICE)
    return period


class ComparisonFilterSerializer(serializers.Serializer):
    compare = serializers.ChoiceField(
        choices=[value for value, _ in messages.COMPARE_CHOICES],
        error_messages={"required": messages.CHOOSE_COMPARISON},
        help_text="years: first_year against second_year; date: from `date` on against before it; region: `region` "
        "against the rest of England and Wales; cases: first_group against second_group.",
    )
    first_year = serializers.CharField(required=False, help_text=PERIOD_CHOICE, validators=[PERIOD_VALIDATOR])
    second_year = serializers.CharField(
        required=False, help_text=PERIOD_CHOICE, validators=[PERIOD_VALIDATOR]
    )
    date = serializers.DateField(required=False, help_text="For compare=date, e.g. 2021-06-26 (unification).")
    region = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    first_group = serializers.CharField(
        required=False, help_text='A group of cases as attribute:value, e.g. "case_type:licence".'
    )
    second_group = serializers.CharField(required=False)
    within = serializers.CharField(
        required=False,
        help_text="For region and cases: only this year. " + PERIOD_CHOICE,
        validators=[PERIOD_VALIDATOR],
    )

    def validate_first_year(self, value: str) -> str:
        _period(value)
        return value

    validate_second_year = validate_first_year
    validate_within = validate_first_year

    def validate(self, attrs: dict) -> dict:
        problems = messages.choice_problems(attrs, date_field="date")
        if problems:
            raise ValidationError({name: [message] for name, message in problems.items()})
        return attrs

    def groups(self, choices: comparisons.Choices) -> tuple[comparisons.Group, comparisons.Group]:
        data = self.validated_data
        within = _period(data["within"]) if data.get("within") else None
        if data["compare"] == "years":
            return comparisons.years(_period(data["first_year"]), _period(data["second_year"]))
        if data["compare"] == "date":
            return comparisons.before_and_after(data["date"])
        if data["compare"] == "region":
            region = next((r for r in choices.regions if r.pk == data["region"]), None)
            if region is None:
                raise ValidationError({"region": [NO_SUCH_REGION.format(region=data["region"])]})
            return comparisons.region_and_rest(region, within)
        by_slug = {group.slug: group for group in choices.case_groups}
        unknown = [name for name in ("first_group", "second_group") if data[name] not in by_slug]
        if unknown:
            known = ", ".join(by_slug)
            raise ValidationError({name: [f"Choose a group of cases from: {known}."] for name in unknown})
        return comparisons.case_groups(by_slug[data["first_group"]], by_slug[data["second_group"]], within)


class DifferenceSerializer(serializers.Serializer):
    difference = serializers.FloatField(allow_null=True, help_text="First minus second, percentage points.")
    ci_lower = serializers.FloatField(allow_null=True, help_text="95% interval (Newcombe's method 10).")
    ci_upper = serializers.FloatField(allow_null=True)
    excludes_zero = serializers.BooleanField(
        allow_null=True, help_text="The groups differ at 95% confidence."
    )

    def to_representation(self, instance: statistics.Difference) -> dict:
        return {
            "difference": instance.difference,
            "ci_lower": instance.lower,
            "ci_upper": instance.upper,
            "excludes_zero": instance.excludes_zero,
        }


class ComparisonRowSerializer(serializers.Serializer):
    section = serializers.CharField()
    code = serializers.CharField(help_text="The key question's code, or the case fact's or need's key.")
    label = serializers.CharField()
    first = RateSerializer()
    second = RateSerializer()
    difference = DifferenceSerializer()


class GroupSerializer(serializers.Serializer):
    label = serializers.CharField()
    inspections = serializers.IntegerField()
    cases = serializers.IntegerField()


class ComparisonSerializer(serializers.Serializer):
    first = GroupSerializer()
    second = GroupSerializer()
    rows = ComparisonRowSerializer(many=True)


class Comparison(APIView):
    """Two periods or groups side by side: each key question, case fact and need pooled over the cases of locked
    inspections, with the difference and its 95% interval."""

    permission_classes = allowed_by(can_view_national_dashboard, NO_NATIONAL, of_object=False)
    error_responses = {"GET": [400]}

    @extend_schema(
        parameters=[ComparisonFilterSerializer], responses={200: OpenApiResponse(ComparisonSerializer)}
    )
    def get(self, request):
        filters = ComparisonFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        result = comparisons.compare(*filters.groups(comparisons.comparison_choices()))
        return Response(
            ComparisonSerializer(
                {
                    "first": {
                        "label": result.first.label,
                        "inspections": result.first_inspections,
                        "cases": result.first_cases,
                    },
                    "second": {
                        "label": result.second.label,
                        "inspections": result.second_inspections,
                        "cases": result.second_cases,
                    },
                    "rows": result.rows,
                }
            ).data
        )


class RatingAtSerializer(serializers.Serializer):
    when = serializers.DateField(
        help_text="The published period's start, or the inspection's fieldwork start."
    )
    label = serializers.CharField()
    published = serializers.BooleanField(help_text="Published by the inspectorate, not computed from cases.")
    source = serializers.CharField(allow_blank=True, help_text="The publication, for a published rating.")
    provisional = serializers.BooleanField(help_text="An open inspection's live results: they still change.")
    composite_score = serializers.IntegerField(allow_null=True)
    max_score = serializers.IntegerField(allow_null=True)
    overall_rating = serializers.ChoiceField(choices=[r.value for r in rules.Rating], allow_null=True)
    inspection_id = serializers.IntegerField(allow_null=True)

    def to_representation(self, instance: pdu_history.RatingAt) -> dict:
        data = super().to_representation(instance)
        data["overall_rating"] = instance.overall_rating.value if instance.overall_rating else None
        return data


class PDUHistorySerializer(serializers.Serializer):
    pdu = serializers.CharField()
    region = serializers.CharField()
    ratings = RatingAtSerializer(many=True, help_text="Oldest first.")


class PDUHistory(APIView):
    """A PDU's ratings over time: the published composites (labelled published) beside the results of its
    inspections the user may see (locked ones for whoever sees national figures; open ones for their team)."""

    @extend_schema(responses={200: OpenApiResponse(PDUHistorySerializer)})
    def get(self, request, pk: int):
        history = pdu_history.pdu_history(request.user, pk)
        if history is None:
            raise NotFound("No such PDU.")
        return Response(
            PDUHistorySerializer(
                {"pdu": history.pdu.name, "region": history.pdu.region.name, "ratings": history.ratings}
            ).data
        )


class RegionalResultSerializer(serializers.Serializer):
    inspection_id = serializers.IntegerField()
    region_id = serializers.IntegerField()
    region = serializers.CharField()
    fieldwork_start = serializers.DateField()
    period = serializers.CharField(help_text="The inspection year its fieldwork started in.")
    framework = serializers.CharField(help_text="The framework version it was inspected under.")
    overall_rule = serializers.ChoiceField(
        choices=["composite", "team_judgement"],
        help_text="composite: the overall rating is the composite banded; team_judgement: it is the team's "
        "judgement, and indicative_rating is the composite banded.",
    )
    composite_score = serializers.IntegerField(allow_null=True)
    max_score = serializers.IntegerField(allow_null=True)
    overall_rating = serializers.ChoiceField(choices=RATINGS, allow_null=True)
    indicative_rating = serializers.ChoiceField(choices=RATINGS, allow_null=True)
    ratings = serializers.DictField(
        child=serializers.ChoiceField(choices=RATINGS, allow_null=True),
        help_text="Each standard's rating, by code (see `standards`); null where it is not rated.",
    )

    def to_representation(self, row: RegionalResult) -> dict:
        return {
            "inspection_id": row.inspection_id,
            "region_id": row.region_id,
            "region": row.region,
            "fieldwork_start": row.fieldwork_start.isoformat(),
            "period": Period.of(row.fieldwork_start).slug,
            "framework": row.framework,
            "overall_rule": "team_judgement" if row.team_judges_overall else "composite",
            "composite_score": row.composite_score,
            "max_score": row.max_score,
            "overall_rating": _cell(row.overall_rating),
            "indicative_rating": _cell(row.indicative_rating),
            "ratings": {code: _cell(rating) for code, rating in row.ratings.items()},
        }


class StandardTitleSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()

    def to_representation(self, instance: tuple[str, str]) -> dict:
        return {"code": instance[0], "title": instance[1]}


class NationalRegionsSerializer(ScopeSerializer):
    standards = StandardTitleSerializer(
        many=True, help_text="Every standard rated in any region shown, in the frameworks' order."
    )
    regions = RegionalResultSerializer(many=True, help_text="By region name.")


class NationalRegions(NationalAggregate):
    """Each region's latest locked regional inspection (an inspection of a region, under a framework whose unit is
    the region) in the region and period chosen, as the national dashboard's Regions table: its composite, overall
    rating and each standard's rating, frozen when it was locked. Locked inspections only, so ?inspections= does not
    apply; ratings are findings, not rates over cases, so none is suppressed as a small number. `?format=csv`: one
    row per region, a `standard_<code>` column for each standard."""

    @extend_schema(
        parameters=[NationalFilterSerializer], responses={200: OpenApiResponse(NationalRegionsSerializer)}
    )
    def get(self, request):
        filters = NationalFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        chosen = filters.validated_data
        region = None
        if "region" in chosen:
            region = Region.objects.filter(pk=chosen["region"]).first()
            if region is None:
                raise ValidationError({"region": [NO_SUCH_REGION.format(region=chosen["region"])]})
        period = Period.from_slug(chosen["period"]) if "period" in chosen else None
        regional = regional_results(
            region=region.pk if region else None,
            start=period.start if period else None,
            end=period.end if period else None,
        )
        self.csv_filename = "national-regions"
        return Response(
            NationalRegionsSerializer(
                {
                    "region": region.name if region else None,
                    "period": period.slug if period else None,
                    "standards": regional.standards,
                    "regions": regional.rows,
                }
            ).data
        )

    def csv_rows(self, data: dict) -> list[dict]:
        codes = [standard["code"] for standard in data["standards"]]
        rows = []
        for row in data["regions"]:
            ratings = row.pop("ratings")
            rows.append({**row, **{f"standard_{code}": ratings.get(code) for code in codes}})
        return rows
