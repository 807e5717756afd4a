"""Filters every app's API shares (plumbing: no app is imported)."""

from django import forms
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

ID_MAX = 2**63 - 1  # the largest BigAutoField


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": ID_MAX})
class IdFilter(filters.NumberFilter):
    """An id: a whole number in the database's range (a decimal or a huge number is a 400, not a 500); an id that
    names nothing matches nothing (an empty list, not a 400), and the schema says `minimum: 1`."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=ID_MAX, **kwargs)
