"""gunicorn settings read from the working directory (production image, the two-node test).

With PROMETHEUS_MULTIPROC_DIR set, every gunicorn process writes its metrics to that folder and
/metrics adds them up (cma_portal/metrics.py): the folder is emptied when the server starts and
a dead process's gauges are dropped.
"""

import os
import shutil

_multiproc_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def on_starting(server):
    if _multiproc_dir:
        shutil.rmtree(_multiproc_dir, ignore_errors=True)
        os.makedirs(_multiproc_dir, exist_ok=True)


def child_exit(server, worker):
    if _multiproc_dir:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
