from django.urls import path

from . import views

urlpatterns = [
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<str:token_key>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
