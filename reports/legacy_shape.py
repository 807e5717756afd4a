"""The framework's old hard-coded shape, kept only so reports/ imports until it reads the framework (issue 14, branch
frameworks-reports, replaces every use and deletes this module). The cases and inspections apps no longer have it.
"""

from django.db import models


class CaseType(models.TextChoices):
    COMMUNITY_ORDER = "community_order", "Community order"
    LICENCE = "licence", "Licence"
    POST_SENTENCE_SUPERVISION = "post_sentence_supervision", "Post-sentence supervision"


class RoshLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


class Enquiries(models.TextChoices):
    MADE = "made", "Made"
    NOT_MADE = "not_made", "Not made"
    NOT_NEEDED = "not_needed", "Not needed"


class Oversight(models.TextChoices):
    SUFFICIENT = "sufficient", "Sufficient"
    INSUFFICIENT = "insufficient", "Insufficient, ineffective or absent"
    NOT_REQUIRED = "not_required", "Not required"


class Need(models.TextChoices):
    ACCOMMODATION = "accommodation", "Accommodation"
    ETE = "ete", "Education, training and employment"
    FINANCE = "finance", "Finance"
    RELATIONSHIPS = "relationships", "Relationships"
    LIFESTYLE = "lifestyle", "Lifestyle"
    DRUGS = "drugs", "Drugs"
    ALCOHOL = "alcohol", "Alcohol"
    THINKING_AND_BEHAVIOUR = "thinking_and_behaviour", "Thinking and behaviour"
    ATTITUDES = "attitudes", "Attitudes"
    HEALTH_AND_WELLBEING = "health_and_wellbeing", "Health and well-being"


class Criterion(models.TextChoices):
    ENGAGEMENT = "engagement", "Engagement"
    DESISTANCE = "desistance", "Desistance"
    SAFETY = "safety", "Keeping other people safe"


class RatedFrom(models.TextChoices):
    CASE_SAMPLE = "case_sample", "Case sample"
    LEAD_JUDGEMENT = "lead_judgement", "Lead inspector's judgement"
