from django.urls import path

from . import views

urlpatterns = [
    path("", views.pdu_list, name="home"),
    path("dashboards/inspections/<int:pk>/", views.inspection_dashboard, name="inspection_dashboard"),
    path(
        "dashboards/inspections/<int:pk>/tables/<slug:table>.csv",
        views.inspection_dashboard_csv,
        name="inspection_dashboard_csv",
    ),
    path(
        "dashboards/inspections/<int:pk>/dashboard.xlsx",
        views.inspection_dashboard_xlsx,
        name="inspection_dashboard_xlsx",
    ),
    path(
        "dashboards/inspections/<int:pk>/report.pdf",
        views.inspection_report_pdf,
        name="inspection_report_pdf",
    ),
    path("dashboards/national/", views.national_dashboard, name="national_dashboard"),
    path(
        "dashboards/national/tables/<slug:table>.csv",
        views.national_dashboard_csv,
        name="national_dashboard_csv",
    ),
    path("dashboards/national/dashboard.xlsx", views.national_dashboard_xlsx, name="national_dashboard_xlsx"),
]
