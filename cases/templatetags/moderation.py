"""Moderation agreement for pages outside the cases app (the inspection dashboard): one selector, two queries."""

from django import template

from inspections.models import Inspection

from ..selectors.inspection_work import KeyQuestionAgreement, moderation_agreement

register = template.Library()


@register.simple_tag(name="moderation_agreement")
def moderation_agreement_tag(inspection: Inspection) -> list[KeyQuestionAgreement]:
    """{% moderation_agreement inspection as agreements %}: agreement per key question, with n."""
    return moderation_agreement(inspection)


@register.filter
def double_marked(agreements: list[KeyQuestionAgreement]) -> list[KeyQuestionAgreement]:
    """Only the key questions some case has been double-marked on."""
    return [row for row in agreements if row.agreement.cases]
