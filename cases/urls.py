from django.urls import path

from . import views

urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/history/<str:code>/", views.judgement_history, name="judgement_history"),
    path("cases/<int:pk>/history/facts/<str:name>/", views.fact_history, name="fact_history"),
    path("cases/<int:pk>/history/needs/<str:need>/", views.need_history, name="need_history"),
]
