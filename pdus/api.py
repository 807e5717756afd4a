"""Reference data for the API: regions, PDUs and the ratings the inspectorate published for them."""

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets

from api.filters import IdFilter

from .models import PDU, PublishedRating, Region


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "name"]


class PublishedRatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = PublishedRating
        fields = [
            "period_start",
            "period_end",
            "composite_score",
            "composite_max",
            "overall_rating",
            "source",
        ]
        extra_kwargs = {
            "overall_rating": {"help_text": "As published; empty where the source gave only the composite."}
        }


class PDUSerializer(serializers.ModelSerializer):
    region = RegionSerializer()
    published_ratings = PublishedRatingSerializer(many=True)

    class Meta:
        model = PDU
        fields = ["id", "name", "country", "region", "published_ratings"]


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """Probation regions."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    ordering_fields = ["name", "id"]
    ordering = ["name"]


class PDUFilter(filters.FilterSet):
    region = IdFilter(field_name="region_id")

    class Meta:
        model = PDU
        fields = ["region", "country"]


class PDUViewSet(viewsets.ReadOnlyModelViewSet):
    """Probation Delivery Units, each with the history of its published ratings (newest first)."""

    queryset = PDU.objects.select_related("region").prefetch_related(
        Prefetch("published_ratings", queryset=PublishedRating.objects.order_by("-period_end"))
    )
    serializer_class = PDUSerializer
    filterset_class = PDUFilter
    ordering_fields = ["name", "id"]
    ordering = ["name"]
