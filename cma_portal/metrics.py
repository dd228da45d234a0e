"""Prometheus metrics at `/metrics`, for scrapers only.

What is exported:
- requests per view and method, their latencies and status codes (django-prometheus'
  middleware: `django_http_requests_latency_seconds_by_view_method`, …);
- database query durations and errors (`cma_db_query_seconds{alias,vendor}`,
  `cma_db_query_errors_total`: an execute wrapper on every connection, so that the database
  ENGINE stays Django's own);
- cache operation durations, hits and misses (`cma_cache_operation_seconds`,
  `cma_cache_gets_total`: the cache backends below);
- Celery: task outcomes of every worker (`cma_celery_tasks_total{task,state}`, counted in the
  shared cache by `cma_portal/observability.py`) and messages waiting in the broker
  (`cma_celery_queue_length{queue}`);
- work waiting: PDFs not rendered yet (`cma_pdfs_pending`) and, when the email outbox exists,
  emails not delivered yet (`cma_outbox_backlog`).

Who may read them: a request with `Authorization: Bearer <METRICS_TOKEN>`, or from an address in
`METRICS_ALLOWED_IPS` (the connection's own address: a forwarded header could be forged). Anyone
else gets the portal's 404, as if the page did not exist.

Several gunicorn processes: set PROMETHEUS_MULTIPROC_DIR (an empty folder per host, emptied at
start) and every process writes its counters there; the view adds them up.
"""

import hmac
import ipaddress
import logging
import os
import time
from pathlib import Path

import prometheus_client
from django.apps import apps
from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import Counter, Histogram, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from cma_portal.cache import DegradingRedisCache

logger = logging.getLogger(__name__)

# --- access ----------------------------------------------------------------------------------


def scraper_is_authorised(request) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        if hmac.compare_digest(header.removeprefix("Bearer ").strip().encode(), token.encode()):
            return True
    if settings.METRICS_ALLOWED_IPS:
        try:
            address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
        except ValueError:
            return False
        for allowed in settings.METRICS_ALLOWED_IPS:
            try:
                if address in ipaddress.ip_network(allowed, strict=False):
                    return True
            except ValueError:
                logger.warning("METRICS_ALLOWED_IPS: %r is not an address or network", allowed)
    return False


@never_cache
@require_GET
def metrics_view(request):
    if not scraper_is_authorised(request):
        raise Http404
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(PortalCollector())
    else:
        registry = prometheus_client.REGISTRY
    return HttpResponse(
        prometheus_client.generate_latest(registry), content_type=prometheus_client.CONTENT_TYPE_LATEST
    )


# --- database timings ----------------------------------------------------------------------------

DB_QUERY_SECONDS = Histogram(
    "cma_db_query_seconds",
    "Duration of database queries by connection alias and vendor.",
    ["alias", "vendor"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
DB_QUERY_ERRORS = Counter("cma_db_query_errors_total", "Failed database queries.", ["alias", "vendor"])


class _QueryTimer:
    def __init__(self, connection):
        self.labels = (connection.alias, connection.vendor)

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        except Exception:
            DB_QUERY_ERRORS.labels(*self.labels).inc()
            raise
        finally:
            DB_QUERY_SECONDS.labels(*self.labels).observe(time.perf_counter() - started)


@receiver(connection_created)
def _time_queries(sender, connection, **kwargs):
    if not any(isinstance(wrapper, _QueryTimer) for wrapper in connection.execute_wrappers):
        connection.execute_wrappers.append(_QueryTimer(connection))


# --- cache timings -----------------------------------------------------------------------------

CACHE_SECONDS = Histogram(
    "cma_cache_operation_seconds",
    "Duration of cache operations by backend and operation.",
    ["backend", "operation"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
)
CACHE_GETS = Counter("cma_cache_gets_total", "Cache reads by backend and result.", ["backend", "result"])
_MISSING = object()


class _TimedCacheMixin:
    metrics_backend = "?"

    def _timed(self, operation, call, *args, **kwargs):
        started = time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            CACHE_SECONDS.labels(self.metrics_backend, operation).observe(time.perf_counter() - started)

    def get(self, key, default=None, version=None):
        value = self._timed("get", super().get, key, _MISSING, version=version)
        CACHE_GETS.labels(self.metrics_backend, "miss" if value is _MISSING else "hit").inc()
        return default if value is _MISSING else value

    def set(self, *args, **kwargs):
        return self._timed("set", super().set, *args, **kwargs)

    def add(self, *args, **kwargs):
        return self._timed("add", super().add, *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._timed("delete", super().delete, *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._timed("incr", super().incr, *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._timed("get_many", super().get_many, *args, **kwargs)


class TimedRedisCache(_TimedCacheMixin, RedisCache):
    metrics_backend = "redis"


class TimedLocMemCache(_TimedCacheMixin, LocMemCache):
    metrics_backend = "locmem"


class TimedDegradingRedisCache(_TimedCacheMixin, DegradingRedisCache):
    metrics_backend = "redis"


# --- gauges read at scrape time ------------------------------------------------------------------


def queue_lengths() -> dict[str, int]:
    """Messages waiting in the broker, per queue (the default queue "celery")."""
    broker = settings.CELERY_BROKER_URL
    if broker.startswith(("redis://", "rediss://")):
        import redis

        client = redis.Redis.from_url(broker, socket_connect_timeout=2, socket_timeout=2)
        try:
            return {"celery": client.llen("celery")}
        finally:
            client.close()
    if broker.startswith("filesystem://"):
        folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
        return {"celery": sum(1 for _ in folder.glob("*.msg"))}
    return {}


def pdfs_pending() -> int | None:
    try:
        submission = apps.get_model("applications", "Submission")
    except LookupError:
        return None
    return submission.objects.filter(pdf_status="pending").count()


def outbox_backlog() -> int | None:
    """Emails written to the outbox and not delivered yet, when the outbox exists."""
    try:
        outbox = apps.get_model("cma_portal", "OutboxEmail")
    except LookupError:
        return None
    fields = {field.name for field in outbox._meta.get_fields()}
    if "state" in fields:  # pending or being sent; failed ones are an alert of their own
        return outbox.objects.filter(state__in=("pending", "sending")).count()
    if "sent_at" in fields:
        return outbox.objects.filter(sent_at__isnull=True).count()
    return None


class PortalCollector:
    """Celery task counts (from the shared cache), queue lengths and work waiting."""

    def describe(self):
        return []  # registering must not query anything

    def collect(self):
        from celery import current_app
        from django.core.cache import cache

        from cma_portal.observability import TASK_STATES, task_counter_key

        tasks = CounterMetricFamily(
            "cma_celery_tasks",
            "Celery tasks finished, by task and outcome (all workers).",
            labels=["task", "state"],
        )
        names = sorted(name for name in current_app.tasks if not name.startswith("celery."))
        keys = {task_counter_key(name, state): (name, state) for name in names for state in TASK_STATES}
        try:
            values = cache.get_many(list(keys))
        except Exception:  # noqa: BLE001 — a scrape reports what it can
            logger.warning("metrics: cache unreachable for task counters")
            values = {}
        for key, (name, state) in keys.items():
            tasks.add_metric([name, state], float(values.get(key) or 0))
        yield tasks

        queue = GaugeMetricFamily(
            "cma_celery_queue_length", "Messages waiting in the broker.", labels=["queue"]
        )
        try:
            for name, length in queue_lengths().items():
                queue.add_metric([name], length)
        except Exception:  # noqa: BLE001
            logger.warning("metrics: broker unreachable for queue length")
        yield queue

        for name, documentation, read in (
            ("cma_pdfs_pending", "Submission PDFs waiting to be rendered.", pdfs_pending),
            ("cma_outbox_backlog", "Emails in the outbox not delivered yet.", outbox_backlog),
        ):
            try:
                value = read()
            except Exception:  # noqa: BLE001
                logger.warning("metrics: could not read %s", name)
                continue
            if value is not None:
                yield GaugeMetricFamily(name, documentation, value=value)


if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    try:
        prometheus_client.REGISTRY.register(PortalCollector())
    except ValueError:  # registered twice (module reloaded): keep the first
        pass
