from django.urls import path

from .views import case_pages, case_tasks, fieldwork, moderation, quality_assurance, sample, sampling

urlpatterns = [
    path("start/", case_pages.start, name="start"),
    path("cases/", case_pages.case_list, name="case_list"),
    path("cases/<int:pk>/", case_tasks.case_detail, name="case_detail"),
    path("cases/<int:pk>/sections/<slug:slug>/", case_tasks.case_section, name="case_section"),
    path("cases/<int:pk>/check/", case_tasks.case_check, name="case_check"),
    path("cases/<int:pk>/history/<str:code>/", case_pages.judgement_history, name="judgement_history"),
    path("cases/<int:pk>/history/facts/<str:name>/", case_pages.fact_history, name="fact_history"),
    path("cases/<int:pk>/history/needs/<str:need>/", case_pages.need_history, name="need_history"),
]

# Under /inspections/, in the "inspections" namespace (composed in config/urls.py): the inspection's case work.
inspection_urlpatterns = [
    path("", fieldwork.inspection_list, name="list"),
    path("<int:pk>/advance/", fieldwork.inspection_advance, name="advance"),
    path("<int:pk>/edit/", fieldwork.inspection_edit, name="edit"),
    path("<int:pk>/delete/", fieldwork.inspection_delete, name="delete"),
    path("<int:pk>/sample/", sample.sample, name="sample"),
    path("<int:pk>/sample/import/", sample.sample_import, name="sample_import"),
    path("<int:pk>/sample/import/confirm/", sample.sample_import_confirm, name="sample_import_confirm"),
    path("<int:pk>/sample/template/<slug:kind>.csv", sample.sample_template, name="sample_template"),
    path("<int:pk>/assignment/", sample.assignment, name="assignment"),
    path("<int:pk>/assignment/share/", sample.assignment_share, name="assignment_share"),
    # The sample designer, one design per case kind (cases/views/sampling.py).
    path("<int:pk>/sample/designer/", sampling.designer, name="sample_designer"),
    path("<int:pk>/sample/designer/<slug:kind>/", sampling.design, name="sample_design"),
    path("<int:pk>/sample/designer/<slug:kind>/caseload/", sampling.caseload_upload, name="caseload_upload"),
    path("<int:pk>/sample/designer/<slug:kind>/exclusions/", sampling.exclusions, name="sample_exclusions"),
    path("<int:pk>/sample/designer/<slug:kind>/draw/", sampling.draw, name="sample_draw"),
    path("<int:pk>/sample/designer/<slug:kind>/discard/", sampling.discard, name="sample_discard"),
    path("<int:pk>/sample/designer/<slug:kind>/reproduce/", sampling.reproduce, name="sample_reproduce"),
    path(
        "<int:pk>/sample/designer/<slug:kind>/replace/<int:row_pk>/", sampling.replace, name="sample_replace"
    ),
    path("<int:pk>/quality-assurance/", quality_assurance.quality_assurance, name="quality_assurance"),
    path("<int:pk>/quality-assurance/approve/", quality_assurance.cases_approve, name="cases_approve"),
    path("<int:pk>/quality-assurance/<int:case_pk>/", quality_assurance.case_review, name="case_review"),
    path(
        "<int:pk>/quality-assurance/<int:case_pk>/approve/",
        quality_assurance.case_approve,
        name="case_approve",
    ),
    path("<int:pk>/moderation/", moderation.moderation, name="moderation"),
    path(
        "<int:pk>/moderation/agree/<int:judgement_pk>/", moderation.moderation_agree, name="moderation_agree"
    ),
    path(
        "<int:pk>/moderation/unchoose/<int:marking_pk>/",
        moderation.second_marking_unchoose,
        name="second_marking_unchoose",
    ),
    path("<int:pk>/second-marking/<int:marking_pk>/", moderation.second_marking, name="second_marking"),
    # The assistant inspector's answer to a quality-assurance query (the form is templates/cases/includes/).
    path("queries/<int:query_pk>/answer/", case_tasks.query_answer, name="query_answer"),
]
