"""Public pages of the portal and health probes."""

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from actions.models import Action
from waves.models import Call
from waves.selectors import waves_open_at

from .object_storage import check_object_store

logger = logging.getLogger(__name__)


def home(request):
    now = timezone.now()
    open_waves = waves_open_at(now)
    current = open_waves[0] if open_waves else None
    closes_at = current.effective_closes_at() if current else None
    return render(
        request,
        "home.html",
        {
            "actions": Action.objects.filter(is_active=True),
            "call": Call.current(),
            "open_wave": current,
            "open_waves": open_waves,
            "closes_at": closes_at,
            "days_left": (closes_at - now).days if closes_at else None,
            "now": now,
        },
    )


def _site_page(request, slug: str, fallback_template: str, fallback_title: str):
    """An administrator-editable page; the template's text until the page exists."""
    from .models import SitePage

    page = SitePage.objects.filter(slug=slug).first()
    if page is None:
        return render(request, fallback_template, {"title": fallback_title})
    # Apostrophes are harmless in text content; escaping them would make "d'accessibilité"
    # unsearchable in the page source for no safety gain.
    heading = mark_safe(conditional_escape(page.title).replace("&#x27;", "'"))  # noqa: S308
    return render(
        request,
        "pilotage/public_page.html",
        {"title": page.title, "heading": heading, "page": page, "blocks": page.blocks()},
    )


def accessibility(request):
    return _site_page(request, "accessibilite", "pages/accessibility.html", _("Déclaration d'accessibilité"))


def legal_notice(request):
    return _site_page(request, "mentions-legales", "pages/legal_notice.html", _("Mentions légales"))


@never_cache
@require_GET
def healthz(request):
    """The process answers. Touches neither the database nor the broker."""
    return HttpResponse("ok", content_type="text/plain")


def _check_database() -> str | None:
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 — any failure means "not ready"
        logger.warning("readyz: database unreachable: %s", exc)
        return type(exc).__name__
    return None


def _check_redis() -> str | None:
    if not settings.REDIS_URL:
        return None
    try:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
    except Exception as exc:  # noqa: BLE001
        logger.warning("readyz: redis unreachable: %s", exc)
        return type(exc).__name__
    return None


@never_cache
@require_GET
def readyz(request):
    """Ready to serve: the database and the file store answer and, when configured, Redis too.
    503 otherwise."""
    checks = {
        "database": _check_database(),
        "redis": _check_redis() if settings.REDIS_URL else "not configured",
        "object_store": check_object_store(),
    }
    failed = {name: error for name, error in checks.items() if error and error != "not configured"}
    payload = {
        "status": "unavailable" if failed else "ok",
        "checks": {k: v or "ok" for k, v in checks.items()},
    }
    return JsonResponse(payload, status=503 if failed else 200)
