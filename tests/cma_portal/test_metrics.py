"""What operators watch: /metrics for an authorised scraper only, request ids from the request
into its tasks and log lines, JSON logs, and the Sentry hook (off unless SENTRY_DSN is set)."""

import gzip
import json
import logging
import os
import subprocess
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import redis
from django.conf import settings as django_settings
from prometheus_client.parser import text_string_to_metric_families

from applications.tasks.periodic import expire_dossiers_task
from cma_portal.celery import app as celery_app
from cma_portal.observability import JsonFormatter, RequestIdFilter, _request_id, count_task
from cma_portal.tasks import send_email_task
from tests.factories import administrator, submit_snapshot
from tests.factories import rich_dossier_application as dossier

TOKEN = "scraper-token-for-tests-0123456789"


@pytest.fixture
def metrics_settings(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_IPS = []
    return settings


def scrape(client, **headers) -> dict[str, list]:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain")
    samples: dict[str, list] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    return samples


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_AUTHORIZATION": "Bearer wrong"},
        {"HTTP_AUTHORIZATION": TOKEN},
        {"HTTP_AUTHORIZATION": "Basic x"},
    ],
    ids=["anonymous", "wrong-token", "no-bearer", "basic"],
)
def test_metrics_are_a_404_to_the_public(client, metrics_settings, headers):
    response = client.get("/metrics", **headers)
    assert response.status_code == 404
    assert b"django_http" not in response.content


@pytest.mark.django_db
def test_metrics_are_a_404_even_to_a_logged_in_administrator(client, metrics_settings):
    client.force_login(administrator())
    assert client.get("/metrics").status_code == 404


@pytest.mark.django_db
def test_metrics_closed_when_neither_token_nor_addresses_are_set(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = []
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.django_db
def test_metrics_by_address_allowlist(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8", "not-an-address"]
    assert client.get("/metrics").status_code == 404  # the test client comes from 127.0.0.1
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8", "127.0.0.1"]
    assert client.get("/metrics").status_code == 200


@pytest.mark.django_db
def test_metrics_report_views_database_cache_tasks_and_work_waiting(client, metrics_settings):
    submit_snapshot(dossier())  # one PDF waiting to be rendered
    client.get("/")
    client.get("/readyz")
    count_task("applications.tasks.rendering.render_submission_pdf_task", "failed")
    expire_dossiers_task.delay()  # eager: runs here, counted like in a worker

    samples = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    by_view = {
        (s.labels["view"], s.labels["method"])
        for s in samples["django_http_requests_latency_seconds_by_view_method_count"]
    }
    assert ("home", "GET") in by_view and ("readyz", "GET") in by_view
    assert sum(s.value for s in samples["cma_db_query_seconds_count"]) > 0
    assert sum(s.value for s in samples["cma_cache_operation_seconds_count"]) > 0
    tasks = {(s.labels["task"], s.labels["state"]): s.value for s in samples["cma_celery_tasks_total"]}
    assert tasks[("applications.tasks.rendering.render_submission_pdf_task", "failed")] == 1
    assert tasks[("applications.tasks.periodic.expire_dossiers_task", "succeeded")] == 1
    assert tasks[("applications.tasks.periodic.send_reminders_task", "succeeded")] == 0
    assert samples["cma_pdfs_pending"][0].value == 1


@pytest.mark.redis
@pytest.mark.django_db
def test_metrics_report_the_broker_queue_length(client, metrics_settings):
    broker = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    before = broker.llen("celery")
    broker.rpush("celery", b"{}", b"{}")
    try:
        samples = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    finally:
        broker.lrem("celery", 2, b"{}")
    queue = {s.labels["queue"]: s.value for s in samples["cma_celery_queue_length"]}
    assert queue["celery"] == before + 2


# --- request ids -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_request_id_is_kept_from_the_load_balancer_or_made(client):
    made = client.get("/healthz")["X-Request-ID"]
    assert len(made) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a9c1e-0001")["X-Request-ID"] == "lb-7f3a9c1e-0001"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="<script>\n")["X-Request-ID"]
    assert forged != "<script>\n" and len(forged) == 32


def test_request_id_travels_to_the_tasks_a_request_starts(settings):
    """Published with the request id as a message header; the worker side sets it for the task's
    log lines (task_prerun reads it from the task's request)."""
    queue = f"test-request-id-{uuid.uuid4().hex[:8]}"
    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    token = _request_id.set("req-1234567890")
    try:
        send_email_task.apply_async(
            kwargs={"to": "x@example.org", "template": "t", "context": {}}, queue=queue
        )
    finally:
        _request_id.reset(token)
        celery_app.conf.task_always_eager = was_eager
    with celery_app.connection_for_read() as connection:
        message = connection.SimpleQueue(queue).get(timeout=10)
        message.ack()
        connection.SimpleQueue(queue).queue.delete()
    assert message.headers["request_id"] == "req-1234567890"

    seen = []

    @celery_app.task(name=f"tests.capture_{uuid.uuid4().hex[:6]}")
    def capture():
        seen.append(_request_id.get())

    capture.apply(headers={"request_id": "req-abcdefghij"})
    assert seen == ["req-abcdefghij"]
    assert _request_id.get() is None  # reset after the task


def test_json_log_lines_carry_the_request_id():
    record = logging.LogRecord(
        "cma_portal.test", logging.WARNING, __file__, 1, "PDF %s en retard", ("A-1",), None
    )
    token = _request_id.set("req-0987654321")
    try:
        RequestIdFilter().filter(record)
    finally:
        _request_id.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-0987654321"
    assert line["message"] == "PDF A-1 en retard"
    assert line["level"] == "WARNING" and line["logger"] == "cma_portal.test"
    assert line["time"].endswith("+00:00")


# --- Sentry ------------------------------------------------------------------------------------

SENTRY_SCRIPT = """
import django, sentry_sdk
django.setup()
client = sentry_sdk.get_client()
print("active", client.is_active())
if client.is_active():
    try:
        raise RuntimeError("panne de test")
    except RuntimeError:
        sentry_sdk.capture_exception()
    sentry_sdk.flush(timeout=10)
"""


def run_with(env_extra) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cma_portal.settings", **env_extra}
    env.pop("SENTRY_DSN", None) if "SENTRY_DSN" not in env_extra else None
    result = subprocess.run(
        [sys.executable, "-c", SENTRY_SCRIPT],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_sentry_is_off_without_a_dsn():
    assert "active False" in run_with({})


def test_sentry_reports_errors_to_the_configured_server():
    """A Sentry-compatible server (here a bare HTTP server on 127.0.0.1) receives the error."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            content = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            encoding = self.headers.get("Content-Encoding", "")
            if encoding == "gzip":
                content = gzip.decompress(content)
            elif encoding == "br":
                import brotli

                content = brotli.decompress(content)
            received.append((self.path, content))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        out = run_with({"SENTRY_DSN": f"http://publickey@127.0.0.1:{server.server_port}/42"})
    finally:
        server.shutdown()
    assert "active True" in out
    assert received and received[0][0] == "/api/42/envelope/"
    assert b"panne de test" in b"".join(body for _path, body in received)
