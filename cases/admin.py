"""Case data, read-only in the admin: the services write it (versions, locks, history, the action log)."""

from django.contrib import admin

from accounts.admin_site import HistoryAdmin, ReadOnlyAdminMixin

from .models import CaseFact, CaseNeed, CaseQuery, InspectedCase, Judgement, SecondJudgement, SecondMarking


class JudgementInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Judgement
    extra = 0
    fields = ["key_question", "answer", "rationale", "updated_by", "updated_at"]
    readonly_fields = ["updated_at"]


class CaseFactInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CaseFact
    extra = 0
    fields = ["key", "value", "updated_by"]


class CaseNeedInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CaseNeed
    extra = 0


@admin.register(InspectedCase)
class InspectedCaseAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["reference", "inspection", "kind", "assistant_inspector", "status"]
    list_filter = ["status", "kind", "inspection"]
    list_select_related = ["inspection__pdu", "assistant_inspector"]
    search_fields = ["reference"]
    readonly_fields = ["version"]
    inlines = [JudgementInline, CaseFactInline, CaseNeedInline]


@admin.register(Judgement)
class JudgementAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["case", "key_question", "answer", "updated_by", "updated_at"]
    list_filter = ["answer", "key_question__standard__code", "key_question__criterion"]
    list_select_related = ["case", "key_question", "updated_by"]
    search_fields = ["case__reference"]


@admin.register(CaseNeed)
class CaseNeedAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["case", "need", "linked_to_offending", "sufficiently_addressed"]
    list_filter = ["need", "linked_to_offending", "sufficiently_addressed"]
    list_select_related = ["case"]


@admin.register(CaseQuery)
class CaseQueryAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["case", "key_question", "fact", "need", "raised_by", "raised_at", "answered_at"]
    list_filter = ["case__inspection"]
    list_select_related = ["case", "key_question", "raised_by"]
    search_fields = ["case__reference", "text", "answer"]


class SecondJudgementInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SecondJudgement
    extra = 0
    fields = [
        "key_question",
        "answer",
        "rationale",
        "first_answer",
        "first_rationale",
        "agreed_answer",
        "agreed_reason",
        "agreed_by",
        "agreed_at",
    ]


@admin.register(SecondMarking)
class SecondMarkingAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["case", "marker", "chosen_by", "created_at"]
    list_filter = ["case__inspection"]
    list_select_related = ["case", "marker", "chosen_by"]
    search_fields = ["case__reference"]
    inlines = [SecondJudgementInline]
