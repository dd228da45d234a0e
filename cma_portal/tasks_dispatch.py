"""Starting Celery tasks from requests without ever failing them.

A request that saved something has done its job; starting the background work that follows
(an email, a PDF) is best effort. With the broker down, publishing raises (kombu's
`OperationalError`, a `ConnectionError`, a timeout): the error is logged and swallowed, and the
periodic catch-ups (`cma_portal.outbox`, `applications.tasks.rendering.requeue_stale_pdfs_task`) do the
work once the broker is back. So every `.delay()` made from a request goes through here.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)

# Publishing to a broker that is down must not hold the request: one quick retry (a pooled
# connection that went stale when Redis restarted), then give up. Socket timeouts are in
# CELERY_BROKER_TRANSPORT_OPTIONS.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1}


def enqueue(task, *args, **kwargs) -> bool:
    """Start `task(*args, **kwargs)` now; False (logged) when it could not be started."""
    try:
        task.apply_async(args=args, kwargs=kwargs, retry_policy=PUBLISH_RETRY_POLICY)
    except Exception:
        # Broker errors, and in eager mode (development, tests) the task's own error: the
        # change is committed either way, the catch-up takes over.
        logger.exception("could not start %s%r; the periodic catch-up will do it", task.name, args)
        return False
    return True


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Start `task(*args, **kwargs)` once the current transaction commits (at once outside a
    transaction). Never raises into the caller."""
    transaction.on_commit(lambda: enqueue(task, *args, **kwargs), robust=True)
