"""gunicorn settings read from the working directory (production image, the two-node test).

With PROMETHEUS_MULTIPROC_DIR set, every gunicorn process writes its metrics to that folder and
/metrics adds them up (cma_portal/metrics.py): the folder is emptied when the server starts and
a dead process's gauges are dropped.
"""

import os
import shutil

_multiproc_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")

# Threaded workers. A sync worker is killed when one request outlasts `timeout`, and a
# 100,000-row export streams for a minute or more (docs/performance.md); a gthread worker's
# main loop keeps telling the arbiter it is alive while a thread streams, so `timeout` still
# catches a hung process without cutting an export short. The two-node test runs the same way.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))


def on_starting(server):
    if _multiproc_dir:
        shutil.rmtree(_multiproc_dir, ignore_errors=True)
        os.makedirs(_multiproc_dir, exist_ok=True)


def child_exit(server, worker):
    if _multiproc_dir:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
