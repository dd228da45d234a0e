from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("compte/profil/", include("cma_portal.urls_account")),
    path("compte/", include("allauth.urls")),
    path("actions/", include("actions.urls")),
    path("", include("waves.urls")),
    path("laureats/", include("reviews.urls_public")),
    path("candidatures/", include("applications.urls")),
    path("instruction/selection/", include("reviews.urls_staff")),
    path("instruction/", include("applications.urls_staff")),
    path("evaluation/", include("reviews.urls")),
    path("pilotage/grilles/", include("reviews.urls_grids")),
    path("pilotage/", include("cma_portal.urls_pilotage")),
    path("admin/", admin.site.urls),
]

handler400 = "cma_portal.errors.bad_request"
handler403 = "cma_portal.errors.permission_denied"
handler404 = "cma_portal.errors.page_not_found"
handler500 = "cma_portal.errors.server_error"
