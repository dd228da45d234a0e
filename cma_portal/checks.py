"""Deployment checks of our own settings (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_trusted_proxy_count(app_configs, **kwargs):
    """Production sits behind a TLS proxy (SECURE_PROXY_SSL_HEADER): unless the proxies are
    counted, the per-IP login limits see the proxy's address for every user."""
    if settings.DEBUG or getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0) > 0:
        return []
    return [
        Warning(
            "TRUSTED_PROXY_COUNT is 0: behind a reverse proxy every request has the proxy's address, "
            "and the per-IP login limits then apply to all users at once.",
            hint="Set TRUSTED_PROXY_COUNT to the number of proxies that append to X-Forwarded-For "
            "(1 for one TLS proxy); see docs/operations.md, 'Behind a reverse proxy'.",
            id="cma_portal.W001",
        )
    ]
