from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmaPortalConfig(AppConfig):
    name = "cma_portal"
    verbose_name = _("Portail")

    def ready(self):
        # Query timings on every database connection, metrics registered (cma_portal/metrics.py).
        from cma_portal import metrics  # noqa: F401
