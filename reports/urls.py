from django.urls import path

from .evidence import urls as evidence_urls
from .views import dashboards, inspection, national_report, pdu

urlpatterns = [
    path("", dashboards.pdu_list, name="home"),
    path("dashboards/inspections/<int:pk>/", dashboards.inspection_dashboard, name="inspection_dashboard"),
    path(
        "dashboards/inspections/<int:pk>/tables/<slug:table>.csv",
        dashboards.inspection_dashboard_csv,
        name="inspection_dashboard_csv",
    ),
    path(
        "dashboards/inspections/<int:pk>/dashboard.xlsx",
        dashboards.inspection_dashboard_xlsx,
        name="inspection_dashboard_xlsx",
    ),
    path(
        "dashboards/inspections/<int:pk>/report.pdf",
        dashboards.inspection_report_pdf,
        name="inspection_report_pdf",
    ),
    path("dashboards/national/", dashboards.national_dashboard, name="national_dashboard"),
    path(
        "dashboards/national/tables/<slug:table>.csv",
        dashboards.national_dashboard_csv,
        name="national_dashboard_csv",
    ),
    path(
        "dashboards/national/dashboard.xlsx",
        dashboards.national_dashboard_xlsx,
        name="national_dashboard_xlsx",
    ),
    path("reports/national/", national_report.national_report, name="national_report"),
    path("reports/national/report.pdf", national_report.national_report_pdf, name="national_report_pdf"),
    path("reports/national/report.xlsx", national_report.national_report_xlsx, name="national_report_xlsx"),
    path("reports/comparison/", national_report.comparison, name="comparison"),
    path("pdus/<int:pk>/", pdu.pdu_detail, name="pdu_detail"),
]

# Under /inspections/, in the "inspections" namespace (composed in config/urls.py).
inspection_urlpatterns = [
    path("<int:pk>/", inspection.inspection_detail, name="detail"),
    path("<int:pk>/lock/", inspection.inspection_lock, name="lock"),
    path("<int:pk>/unlock/", inspection.inspection_unlock, name="unlock"),
]

# The survey of people on probation and staffing evidence (reports.evidence).
urlpatterns += evidence_urls.urlpatterns
inspection_urlpatterns += evidence_urls.inspection_urlpatterns
