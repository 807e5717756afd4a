from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.forms import GovukPasswordChangeForm
from accounts.views import SignInView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sign-in/", SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(form_class=GovukPasswordChangeForm),
        name="password_change",
    ),
    path("account/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("inspections/", include("inspections.urls")),
    path("", include("cases.urls")),
    path("account/", include("accounts.urls")),
    path("api/", include("api.urls")),
    path("", include("reports.urls")),
]
