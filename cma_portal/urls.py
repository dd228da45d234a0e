from django.contrib import admin
from django.urls import include, path

from cma_portal import health
from cma_portal.metrics import metrics_view

urlpatterns = [
    path("", include("pages.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("compte/profil/", include("accounts.urls")),
    path("compte/", include("allauth.urls")),
    path("actions/", include("actions.urls")),
    path("", include("waves.urls")),
    path("laureats/", include("reviews.urls.public")),
    path("candidatures/<int:pk>/convention/", include("grants.urls.applicant")),
    path("candidatures/", include("applications.urls.applicant")),
    path("instruction/selection/", include("reviews.urls.staff")),
    path("instruction/conventions/", include("grants.urls.staff")),
    path("instruction/", include("applications.urls.staff")),
    path("donnees/", include("grants.urls.opendata")),
    path("evaluation/", include("reviews.urls.reviewer")),
    path("pilotage/grilles/", include("reviews.urls.grids")),
    path("pilotage/", include("pilotage.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "cma_portal.errors.bad_request"
handler403 = "cma_portal.errors.permission_denied"
handler404 = "cma_portal.errors.page_not_found"
handler500 = "cma_portal.errors.server_error"
