from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.forms import GovukPasswordChangeForm
from accounts.views import SignInView
from cases import urls as cases_urls
from config.health import healthz
from inspections import urls as inspections_urls
from reports import urls as reports_urls

# Every page about one inspection, under /inspections/ and named "inspections:<name>", whichever app's it is:
# set-up and organisational ratings (inspections), its cases (cases), its task list and lock (reports).
inspection_pages = [
    *inspections_urls.inspection_urlpatterns,
    *cases_urls.inspection_urlpatterns,
    *reports_urls.inspection_urlpatterns,
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("sign-in/", SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(form_class=GovukPasswordChangeForm),
        name="password_change",
    ),
    path("account/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("inspections/", include((inspection_pages, "inspections"))),
    path("frameworks/", include((inspections_urls.framework_urlpatterns, "frameworks"))),
    path("", include("cases.urls")),
    path("account/", include("accounts.urls")),
    path("api/", include("api.urls")),
    path("", include("reports.urls")),
]
