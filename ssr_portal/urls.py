from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from . import accounts, oidc, password_views, two_factor, views

urlpatterns = [
    path("", views.home, name="home"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/ready", views.healthz_ready, name="healthz_ready"),
    path("tillganglighet/", views.accessibility_statement, name="accessibility"),
    path("konto/logga-in/", oidc.LoginView.as_view(), name="login"),
    path("konto/logga-in/organisation/", oidc.start, name="oidc_start"),
    path("konto/logga-in/organisation/svar/", oidc.callback, name="oidc_callback"),
    path("konto/logga-in/organisation/ansokan/", oidc.pending, name="oidc_pending"),
    path("konto/logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "konto/losenord/",
        password_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "konto/losenord/klart/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("konto/sparrar/", views.lockouts, name="lockouts"),
    path("konto/logga-ut-overallt/", accounts.logout_everywhere, name="logout_everywhere"),
    path(
        "konto/aterstall-losenord/",
        login_not_required(
            auth_views.PasswordResetView.as_view(form_class=accounts.OutboxPasswordResetForm)
        ),
        name="password_reset",
    ),
    path(
        "konto/aterstall-losenord/skickat/",
        login_not_required(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "konto/aterstall/<uidb64>/<token>/",
        login_not_required(password_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "konto/aterstall/klart/",
        login_not_required(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("konto/tvafaktor/", two_factor.verify, name="two_factor_verify"),
    path("konto/tvafaktor/aktivera/", two_factor.setup, name="two_factor_setup"),
    path("konto/tvafaktor/aterstall/<int:user_id>/", two_factor.reset, name="two_factor_reset"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("actors.urls")),
    path("", include("forums.urls")),
    path("", include("incidents.urls")),
    path("", include("notifications.urls")),
    path("", include("membership.urls")),
    path("", include("planning.urls")),
    path("", include("api.urls")),
]

# The load benchmarks' floor (make bench): off unless BENCH_FLOOR_VIEW is set, so a production
# portal carries no route that nothing but a benchmark needs.
if settings.BENCH_FLOOR_VIEW:
    urlpatterns.insert(0, path("bench/golv/", views.bench_floor, name="bench_floor"))
