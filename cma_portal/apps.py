from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmaPortalConfig(AppConfig):
    name = "cma_portal"
    verbose_name = _("Portail")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from cma_portal.middleware import restart_idle_period

        user_logged_in.connect(restart_idle_period, dispatch_uid="cma-restart-idle-period")
        # Query timings on every database connection, metrics registered (cma_portal/metrics.py).
        from cma_portal import checks, metrics  # noqa: F401
