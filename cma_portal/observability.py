"""Request ids, JSON log lines and Celery task counters: what operators read when something goes
wrong on one node out of several (docs/operations.md).

- Every request gets an id: the load balancer's `X-Request-ID` when it is a sane token, else a
  new one. It is sent back in the response, written in every log line of the request, and
  travels with every Celery task the request starts (a message header, `request_id`), so the
  worker's log lines carry it too.
- `JsonFormatter` writes one JSON object per line (production default, `LOG_FORMAT=json`).
- Task outcomes are counted in the shared cache (Redis in production), so that `/metrics` on
  any web node reports the counts of every worker.

Connected to Celery's signals when this module is imported (by `cma_portal/celery.py`).
"""

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

from celery import signals

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_task: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar("task", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


class RequestIdMiddleware:
    """Give the request an id (kept from the load balancer when well-formed) and echo it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (and the task's name and id inside a task) to every record."""

    def filter(self, record):
        record.request_id = _request_id.get() or "-"
        task = _task.get()
        if task is not None:
            record.task_name, record.task_id = task
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, task, error."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or _request_id.get(),
        }
        if getattr(record, "task_id", None):
            entry["task"] = record.task_name
            entry["task_id"] = record.task_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


# --- Celery: the request id travels as a message header ------------------------------------------


@signals.before_task_publish.connect
def _add_request_id_header(sender=None, headers=None, **kwargs):
    request_id = _request_id.get()
    if request_id and headers is not None and "request_id" not in headers:
        headers["request_id"] = request_id


_task_tokens: dict[str, tuple] = {}


@signals.task_prerun.connect
def _enter_task(sender=None, task_id=None, task=None, **kwargs):
    request_id = None
    if task is not None:
        # A worker merges custom message headers into the request; `apply()` nests them.
        request_id = task.request.get("request_id") or (task.request.get("headers") or {}).get("request_id")
    # An eager task runs inside the request: it keeps the request's id.
    tokens = (_task.set((getattr(task, "name", "?"), task_id)),)
    if request_id:
        tokens += (_request_id.set(request_id),)
    _task_tokens[task_id] = tokens


@signals.task_postrun.connect
def _leave_task(sender=None, task_id=None, **kwargs):
    tokens = _task_tokens.pop(task_id, ())
    for var, token in zip((_task, _request_id), tokens, strict=False):
        var.reset(token)


# --- Celery: task outcomes, counted in the shared cache -----------------------------------------

TASK_STATES = ("succeeded", "failed", "retried")
COUNTER_TIMEOUT = None  # counters never expire; Prometheus copes with a reset (cache flushed)


def task_counter_key(task_name: str, state: str) -> str:
    return f"metrics:celery:{task_name}:{state}"


def count_task(task_name: str, state: str) -> None:
    from django.core.cache import cache

    key = task_counter_key(task_name, state)
    try:
        cache.add(key, 0, timeout=COUNTER_TIMEOUT)
        cache.incr(key)
    except Exception:  # noqa: BLE001 — counting must never fail a task
        logging.getLogger(__name__).warning("could not count task %s %s", task_name, state)


@signals.task_success.connect
def _count_success(sender=None, **kwargs):
    count_task(sender.name, "succeeded")


@signals.task_failure.connect
def _count_failure(sender=None, **kwargs):
    count_task(sender.name, "failed")


@signals.task_retry.connect
def _count_retry(sender=None, **kwargs):
    count_task(sender.name, "retried")
