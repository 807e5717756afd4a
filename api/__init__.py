"""The REST API under /api/v1/: shared plumbing (problem details, pagination, throttling, CSV, schema).

The endpoints themselves live beside their apps (pdus/api.py, inspections/api.py, cases/api.py,
reports/api.py) and call the same services and selectors as the HTML views.
"""
