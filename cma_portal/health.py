"""Health probes: `/healthz` (the process answers) and `/readyz` (its services answer)."""

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cma_portal.object_storage import check_object_store

logger = logging.getLogger(__name__)


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
