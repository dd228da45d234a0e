from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Candidatures")

    def ready(self):
        # Guards and side effects live next to their feature and register on import:
        # dossier_services the `dossier_submittable` guard and the `submit_dossier` email;
        # screening_services the emails of request_correction / go / no_go; tasks the PDF
        # rendering of each submission on commit (submit_letter / submit_dossier).
        from applications import dossier_services, screening_services, tasks  # noqa: F401
