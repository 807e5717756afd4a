from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api import problems, views
from cases import api as cases_api
from inspections import api as inspections_api
from pdus import api as pdus_api
from reports import api as reports_api
from reports import national_api
from reports.evidence import api as evidence_api

router = DefaultRouter()
router.register("regions", pdus_api.RegionViewSet, basename="region")
router.register("pdus", pdus_api.PDUViewSet, basename="pdu")
router.register("frameworks", inspections_api.FrameworkViewSet, basename="framework")
router.register("key-questions", inspections_api.KeyQuestionViewSet, basename="key-question")
router.register("inspections", inspections_api.InspectionViewSet, basename="inspection")

v1 = [
    path("pdus/<int:pk>/ratings/", reports_api.PDURatings.as_view(), name="pdu-ratings"),
    path("pdus/<int:pk>/history/", national_api.PDUHistory.as_view(), name="pdu-history"),
    path("inspections/<int:pk>/results/", reports_api.InspectionResults.as_view(), name="inspection-results"),
    path(
        "inspections/<int:pk>/key-questions/",
        reports_api.InspectionKeyQuestions.as_view(),
        name="inspection-key-questions",
    ),
    path(
        "inspections/<int:pk>/case-facts/",
        reports_api.InspectionCaseFacts.as_view(),
        name="inspection-case-facts",
    ),
    path("national/pdus/", reports_api.NationalPDUs.as_view(), name="national-pdus"),
    path("national/distribution/", reports_api.NationalDistribution.as_view(), name="national-distribution"),
    path(
        "national/key-questions/", reports_api.NationalKeyQuestions.as_view(), name="national-key-questions"
    ),
    path("national/case-facts/", reports_api.NationalCaseFacts.as_view(), name="national-case-facts"),
    path("national/regions/", national_api.NationalRegions.as_view(), name="national-regions"),
    path("national/report/", national_api.NationalReport.as_view(), name="national-report"),
    path("national/comparison/", national_api.Comparison.as_view(), name="national-comparison"),
    # The survey of people on probation and staffing evidence (reports.evidence).
    path("national/survey/", evidence_api.NationalSurvey.as_view(), name="national-survey"),
    path("national/staffing/", evidence_api.NationalStaffing.as_view(), name="national-staffing"),
    path("pdus/<int:pk>/survey/", evidence_api.PDUSurvey.as_view(), name="pdu-survey"),
    path("survey-imports/", evidence_api.SurveyImports.as_view(), name="survey-imports"),
    path("staffing-imports/", evidence_api.StaffingImports.as_view(), name="staffing-imports"),
    path(
        "inspections/<int:pk>/staffing/",
        evidence_api.InspectionStaffing.as_view(),
        name="inspection-staffing",
    ),
    path(
        "inspections/<int:inspection_pk>/cases/",
        cases_api.InspectionCaseList.as_view(),
        name="inspection-cases",
    ),
    path(
        "inspections/<int:inspection_pk>/sample-designs/<slug:kind>/",
        cases_api.SampleDesignDetail.as_view(),
        name="sample-design",
    ),
    path(
        "inspections/<int:inspection_pk>/sample-designs/<slug:kind>/caseload/",
        cases_api.CaseloadUpload.as_view(),
        name="sample-caseload",
    ),
    path(
        "inspections/<int:inspection_pk>/sample-designs/<slug:kind>/draw/",
        cases_api.SampleDraw.as_view(),
        name="sample-draw",
    ),
    path("cases/<int:pk>/", cases_api.CaseDetail.as_view(), name="case-detail"),
    path("cases/<int:pk>/submit/", cases_api.CaseSubmit.as_view(), name="case-submit"),
    path("", include(router.urls)),
]

app_name = "api"
urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.api_docs, name="docs"),
    # Swagger UI loads its scripts from a CDN: useful where that is reachable, not relied on.
    path("docs/swagger/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="swagger"),
    re_path(r"^", problems.not_found),  # anything else under /api/ is a problem document too
]
