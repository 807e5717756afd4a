from django.urls import path

from . import views

urlpatterns = [
    path("surveys/import/", views.survey_upload, name="survey_import"),
    path("surveys/template.csv", views.survey_template, name="survey_template"),
    path("staffing/import/", views.staffing_upload, name="staffing_import"),
    path("pdus/<int:pk>/survey/", views.pdu_survey, name="pdu_survey"),
    path("pdus/<int:pk>/survey.csv", views.pdu_survey_csv, name="pdu_survey_csv"),
    path("dashboards/national/survey.csv", views.national_survey_csv, name="national_survey_csv"),
]

# Under /inspections/, in the "inspections" namespace.
inspection_urlpatterns = [
    path("<int:pk>/staffing/", views.staffing_edit, name="staffing"),
]
