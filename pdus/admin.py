from django.contrib import admin

from .models import PDU, PublishedRating, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class PublishedRatingInline(admin.TabularInline):
    model = PublishedRating
    extra = 0


@admin.register(PDU)
class PDUAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "country"]
    list_filter = ["region", "country"]
    search_fields = ["name"]
    inlines = [PublishedRatingInline]


@admin.register(PublishedRating)
class PublishedRatingAdmin(admin.ModelAdmin):
    list_display = ["pdu", "period_start", "period_end", "composite_score", "composite_max", "overall_rating"]
    list_filter = ["composite_max", "pdu__region"]
    list_select_related = ["pdu"]
