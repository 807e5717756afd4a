"""The shapes a snapshot's results were locked in, read as the one shape the reports show.

A snapshot never changes (reports.models.InspectionSnapshot), so one locked before frameworks were data keeps the
shape it was locked in: standards "rated_from" the case sample or the lead's judgement, and criteria stored as
values. Those snapshots must still display exactly as they were locked, so their shape is read here, once, into the
current one (RESULTS_SHAPE) with the labels they were shown with then. Nothing else reads an old shape.

Pure Python, no Django.
"""

from __future__ import annotations

from typing import Any

RESULTS_SHAPE = 2  # inspection_result_data's shape: standards rated_by the framework's rules, labels included

# The shape before frameworks were data (no "shape" key). These were the only values it could hold, and the labels
# the dashboards showed for them: they describe stored snapshots, not any framework.
_BEFORE_FRAMEWORKS_RATED_FROM = {
    "case_sample": ("lowest_key_question", "Case sample"),
    "lead_judgement": ("team_judgement", "Lead inspector's judgement"),
}
_BEFORE_FRAMEWORKS_CRITERIA = {
    "engagement": "Engagement",
    "desistance": "Desistance",
    "safety": "Keeping other people safe",
}


def results_shape(data: dict[str, Any]) -> dict[str, Any]:
    """A snapshot's (or live) results in the current shape; an older snapshot read with the labels it had."""
    if data.get("shape") == RESULTS_SHAPE:
        return data
    standards = []
    for standard in data["standards"]:
        rated_by, label = _BEFORE_FRAMEWORKS_RATED_FROM.get(
            standard.get("rated_from", ""), (standard.get("rated_from", ""), standard.get("rated_from", ""))
        )
        standards.append(
            {
                "code": standard["code"],
                "title": standard["title"],
                "domain": standard["code"].split(".")[0],
                "rated_by": rated_by,
                "rated_by_label": label,
                "case_kind": "",
                "counts_in_composite": True,
                "rating": standard["rating"],
                "rationale": standard.get("rationale", ""),
                "driving_key_question": standard.get("driving_key_question"),
                "key_questions": [
                    {**kq, "criterion": _BEFORE_FRAMEWORKS_CRITERIA.get(kq["criterion"], kq["criterion"])}
                    for kq in standard.get("key_questions", [])
                ],
            }
        )
    return {
        "shape": RESULTS_SHAPE,
        "framework": data["framework"],
        "overall_rule": "composite",
        "standards": standards,
        "composite_score": data["composite_score"],
        "max_score": data["max_score"],
        "overall_rating": data["overall_rating"],
        "indicative_rating": None,
        "overall_rationale": "",
    }
