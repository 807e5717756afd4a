from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CaseNeed, InspectedCase, Judgement


class JudgementInline(admin.TabularInline):
    model = Judgement
    extra = 0
    fields = ["key_question", "answer", "rationale", "updated_by", "updated_at"]
    readonly_fields = ["updated_at"]


class CaseNeedInline(admin.TabularInline):
    model = CaseNeed
    extra = 0


@admin.register(InspectedCase)
class InspectedCaseAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "inspection", "case_type", "rosh_level", "assistant_inspector", "status"]
    list_filter = ["status", "case_type", "rosh_level", "inspection"]
    list_select_related = ["inspection__pdu", "assistant_inspector"]
    search_fields = ["reference"]
    readonly_fields = ["version"]
    inlines = [JudgementInline, CaseNeedInline]


@admin.register(Judgement)
class JudgementAdmin(SimpleHistoryAdmin):
    list_display = ["case", "key_question", "answer", "updated_by", "updated_at"]
    list_filter = ["answer", "key_question__standard__stage", "key_question__criterion"]
    list_select_related = ["case", "key_question", "updated_by"]
    search_fields = ["case__reference"]


@admin.register(CaseNeed)
class CaseNeedAdmin(SimpleHistoryAdmin):
    list_display = ["case", "need", "linked_to_offending", "sufficiently_addressed"]
    list_filter = ["need", "linked_to_offending", "sufficiently_addressed"]
    list_select_related = ["case"]
