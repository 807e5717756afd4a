from django.urls import path

from . import views

urlpatterns = [
    path("", views.pdu_list, name="home"),
]
