"""Pages about an inspection itself, under /inspections/ in the "inspections" namespace.

config/urls.py composes that namespace from this list and the inspection pages of cases and reports, so every
page of an inspection is "inspections:<name>" wherever its view lives.
"""

from django.urls import path

from . import views

inspection_urlpatterns = [
    path("new/", views.inspection_create, name="create"),
    path("<int:pk>/ratings/", views.organisational_ratings, name="ratings"),
    path("<int:pk>/ratings/overall/", views.overall_judgement_edit, name="overall_judgement"),
    path("<int:pk>/ratings/<str:code>/", views.organisational_rating_edit, name="rating_edit"),
]

# The administrators' Frameworks pages, under /frameworks/ in the "frameworks" namespace.
framework_urlpatterns = [
    path("", views.framework_list, name="list"),
    path("upload/", views.framework_upload, name="upload"),
    path("<int:pk>/", views.framework_detail, name="detail"),
    path("<int:pk>/publish/", views.framework_publish, name="publish"),
    path("<int:pk>/discard/", views.framework_discard, name="discard"),
    path("<int:pk>/download.json", views.framework_download, {"file_format": "json"}, name="download_json"),
    path("<int:pk>/download.xlsx", views.framework_download, {"file_format": "xlsx"}, name="download_xlsx"),
]
