from django.urls import path

from cases import query_views

from . import views

app_name = "inspections"

urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("new/", views.inspection_create, name="create"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("<int:pk>/advance/", views.inspection_advance, name="advance"),
    path("<int:pk>/sample/", views.sample, name="sample"),
    path("<int:pk>/sample/import/", views.sample_import, name="sample_import"),
    path("<int:pk>/sample/import/confirm/", views.sample_import_confirm, name="sample_import_confirm"),
    path("<int:pk>/assignment/", views.assignment, name="assignment"),
    path("<int:pk>/ratings/", views.organisational_ratings, name="ratings"),
    path("<int:pk>/ratings/<str:code>/", views.organisational_rating_edit, name="rating_edit"),
    path("<int:pk>/quality-assurance/", views.quality_assurance, name="quality_assurance"),
    path("<int:pk>/quality-assurance/<int:case_pk>/", views.case_review, name="case_review"),
    path("<int:pk>/quality-assurance/<int:case_pk>/approve/", views.case_approve, name="case_approve"),
    path("<int:pk>/moderation/", views.moderation, name="moderation"),
    path("<int:pk>/moderation/agree/<int:judgement_pk>/", views.moderation_agree, name="moderation_agree"),
    path("<int:pk>/second-marking/<int:marking_pk>/", views.second_marking, name="second_marking"),
    path("<int:pk>/lock/", views.inspection_lock, name="lock"),
    path("<int:pk>/unlock/", views.inspection_unlock, name="unlock"),
    # The assistant inspector's answer to a quality-assurance query (the form is templates/cases/includes/).
    path("queries/<int:query_pk>/answer/", query_views.query_answer, name="query_answer"),
]
