"""Pages about an inspection itself, under /inspections/ in the "inspections" namespace.

config/urls.py composes that namespace from this list and the inspection pages of cases and reports, so every
page of an inspection is "inspections:<name>" wherever its view lives.
"""

from django.urls import path

from . import views

inspection_urlpatterns = [
    path("new/", views.inspection_create, name="create"),
    path("<int:pk>/ratings/", views.organisational_ratings, name="ratings"),
    path("<int:pk>/ratings/<str:code>/", views.organisational_rating_edit, name="rating_edit"),
]
