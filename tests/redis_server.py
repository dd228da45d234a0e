"""A private `redis-server` for fault tests: started on a free port, stopped (SIGTERM or SIGKILL)
and started again by the test, with the cache and the Celery broker of the test process pointed
at it. The shared Redis of the machine is never touched."""

import shutil
import signal
import socket
import subprocess
import time

import pytest
import redis


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    def __init__(self, directory):
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None
        self.log = directory / "redis.log"

    def start(self, timeout: float = 10) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "/usr/bin/redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
                "--logfile",
                str(self.log),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        try:
            while True:
                try:
                    if client.ping():
                        return
                except redis.ConnectionError:
                    if self.process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(
                            f"redis-server did not start: {self.log.read_text()[-2000:]}"
                        ) from None
                    time.sleep(0.05)
        finally:
            client.close()

    def stop(self, sig=signal.SIGKILL) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(10)
        self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)


def point_celery_at(app, url: str) -> None:
    """Make the Celery app of this process publish to `url`. Its pools are only dropped, not
    closed: kombu keeps them in a registry by URL, and the previous URL's pool is used again
    when the test points back at it."""
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_url = url


@pytest.fixture
def private_redis(tmp_path, settings):
    """A running private Redis; the cache (the project's configured Redis backend) and the Celery
    broker point at it, tasks are published instead of run eagerly."""
    from cma_portal.celery import app as celery_app

    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(directory)
    server.start()
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": server.url}}
    previous = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    point_celery_at(celery_app, server.url)
    celery_app.conf.task_always_eager = False
    try:
        yield server
    finally:
        server.stop()
        point_celery_at(celery_app, previous[0])
        celery_app.conf.task_always_eager = previous[1]
