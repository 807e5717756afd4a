"""Who may import the survey, see it, and record staffing evidence (rules predicates, as inspections.permissions)."""

import rules

from inspections.permissions import can_manage_inspection, can_view_national_dashboard, is_superuser


@rules.predicate
def is_national_viewer(user) -> bool:
    return bool(user.is_authenticated and user.is_national_viewer)


# The survey is national evidence, not case evidence: the national team (national viewers) and administrators load
# it; everyone who sees national figures sees its results.
can_import_survey = is_superuser | is_national_viewer
can_view_survey = can_view_national_dashboard
# The inspection's lead records its PDU's staffing, as they record the organisational (domain one) ratings.
can_record_staffing = can_manage_inspection

rules.add_rule("reports.import_survey", can_import_survey)
rules.add_rule("reports.record_staffing", can_record_staffing)
