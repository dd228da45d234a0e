"""Two web nodes and two Celery workers share PostgreSQL, Redis and the S3 server; one node and
one worker are SIGKILLed mid-run, and nothing acknowledged is lost or done twice.

Set-up: two gunicorn nodes (`cma_portal.wsgi`, 2 processes × 4 threads each) and two Celery
workers (the `worker` command of the Procfile, solo pool), all pointed at the test database,
the same Redis db, a bucket of the local S3 server (MEDIA_STORAGE=s3) and an SMTP sink (aiosmtpd)
started here. The driver plays a load balancer: round robin, a refused connection goes to the
other node (it never reached the dead one), a connection broken mid-request is an error "in
flight on the killed node" and is not retried.

Load (bounded): APPLICANTS applicants log in on one node and do everything else on the other
(sessions in the database, the rate-limit cache in Redis): open their letter, upload its PDF
and submit it, open their receipt; a programme manager downloads receipts' PDFs and ZIP bundles
through both nodes meanwhile. When half the letters are acknowledged, node B and worker 2 are
killed (SIGKILL of their process groups); like a supervisor would, a replacement worker starts
once the broker's visibility timeout has passed, and picks up what worker 2 held.

Checked afterwards: every acknowledged submission exists once, in state li_submitted, its letter
readable from node A with the SHA-256 uploaded; every submission (acknowledged or in flight) has
one PDF, rendered once (one object in the bucket, under its first name); one "letter
submitted" email per submission; errors only on node B, no more than were in flight. The figures
are printed and recorded in docs/operations.md.
"""

import email
import hashlib
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email import policy

import pytest
import requests
from aiosmtpd.controller import Controller
from django.conf import settings
from prometheus_client.parser import text_string_to_metric_families

from applications.models import Document, Submission
from applications.pdf import submission_pdf_filename
from tests import fixtures_files as ff
from tests.applications.helpers_letters import draft_ready_to_submit, letter_data
from tests.applications.test_worker import test_database_url
from tests.applications.test_worker_killed import wait_for
from tests.factories import PASSWORD, UserFactory, programme_manager
from tests.s3_server import free_port

APPLICANTS = 14
DRIVERS = 6  # concurrent applicants
VISIBILITY_TIMEOUT = 10
STARTUP_TIMEOUT = 90
DRAIN_TIMEOUT = 90
PUBLIC_HOST = "localhost"
TOKEN = "two-node-scraper-token"

pytestmark = [
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


class Sink:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@dataclass
class Proc:
    name: str
    process: subprocess.Popen
    log_path: object
    url: str = ""
    alive: bool = True

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self):
        self.alive = False
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(15)


def spawn(name, command, env, tmp_path) -> Proc:
    log_path = tmp_path / f"{name}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Proc(name, process, log_path)


@dataclass
class Record:
    node: str
    started: float
    ended: float
    outcome: str  # an HTTP status, or "broken" (connection lost mid-request)


@dataclass
class Balancer:
    nodes: list
    records: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def request(self, session, method, path, *, node=0, retry_of_unknown=False, **kwargs):
        """Send to `nodes[node]` (or the next live one). Returns the response, or None when the
        connection broke mid-request (an error in flight, not retried)."""
        for attempt in range(len(self.nodes)):
            target = self.nodes[(node + attempt) % len(self.nodes)]
            if not target.alive:
                continue
            headers = kwargs.pop("headers", {})
            # A load balancer keeps the public host name: the same Host on every node (allauth
            # keys its failed-login counters by it).
            headers["Host"] = PUBLIC_HOST
            # One connection per request: a kept-alive connection that gunicorn closes just as it
            # is reused breaks a request without any node dying (balancers retry those).
            headers["Connection"] = "close"
            if method == "POST" and "csrftoken" in session.cookies:
                headers["X-CSRFToken"] = session.cookies["csrftoken"]
            # As the TLS proxy of a deployment does, the client's own address in X-Forwarded-For
            # (nodes run with TRUSTED_PROXY_COUNT=1): the per-IP login limits are per user.
            headers["X-Forwarded-For"] = getattr(session, "client_ip", "192.0.2.1")
            started = time.monotonic()
            try:
                response = session.request(
                    method, target.url + path, headers=headers, allow_redirects=False, timeout=60, **kwargs
                )
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                refused = "refused" in str(exc).lower() or "NewConnectionError" in repr(exc)
                if refused:  # never reached the node: the balancer tries the next one
                    target.alive = False
                    kwargs["headers"] = headers
                    continue
                self._record(target.name, started, "broken")
                return None
            outcome = str(response.status_code)
            if retry_of_unknown and response.status_code == 403:
                # The workflow refusing a second submission: the first one went through.
                outcome += " (already submitted)"
            self._record(target.name, started, outcome)
            return response
        raise AssertionError("no live node")

    def _record(self, node, started, outcome):
        with self.lock:
            self.records.append(Record(node, started, time.monotonic(), outcome))


def login(balancer, session, email_address, node) -> bool:
    balancer.request(session, "GET", "/compte/login/", node=node)
    response = balancer.request(
        session, "POST", "/compte/login/", node=node, data={"login": email_address, "password": PASSWORD}
    )
    return response is not None and response.status_code == 302 and "sessionid" in session.cookies


def test_two_web_nodes_and_two_workers_survive_losing_one_of_each(tmp_path, s3_media):
    # --- data: applicants with a letter draft ready to submit, a programme manager ----------
    applicants = []
    for index in range(APPLICANTS):
        application = draft_ready_to_submit()
        content = ff.pdf_bytes(1, text=f"Lettre d'intention numéro {index}")
        applicants.append(
            {"application": application, "form": letter_data(application, submit="1"), "pdf": content}
        )
    manager = programme_manager(mfa=False)
    limited = UserFactory()

    sink = Sink()
    smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
    smtp.start()
    env = {
        **os.environ,
        **s3_media.env(),
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "TESTING": "true",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "STAFF_REQUIRE_MFA": "false",
        "TRUSTED_PROXY_COUNT": "1",
        "LOG_FORMAT": "json",
        "DJANGO_SETTINGS_MODULE": "cma_portal.settings",
    }

    def web(name):
        port = free_port()
        command = [sys.executable, "-m", "gunicorn", "cma_portal.wsgi", "--bind", f"127.0.0.1:{port}"]
        command += ["--workers", "2", "--threads", "4", "--graceful-timeout", "5", "--access-logfile", "-"]
        # Metrics as in production: per-process files summed by /metrics, a scraper's token.
        node_env = {
            **env,
            "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / f"{name}-metrics"),
            "METRICS_TOKEN": TOKEN,
        }
        node = spawn(name, command, node_env, tmp_path)
        node.url = f"http://127.0.0.1:{port}"
        return node

    def worker(name):
        command = [sys.executable, "-m", "celery", "-A", "cma_portal", "worker", "--pool=solo", "-l", "info"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{name}@%h"]
        return spawn(name, command, env, tmp_path)

    processes = []
    try:
        node_a, node_b = web("node-a"), web("node-b")
        worker_1, worker_2 = worker("worker-1"), worker("worker-2")
        processes += [node_a, node_b, worker_1, worker_2]

        def details():
            return "\n".join(f"--- {p.name} ---\n{p.log()[-2500:]}" for p in processes)

        for node in (node_a, node_b):

            def up(node=node):
                try:
                    return requests.get(node.url + "/readyz", timeout=10).status_code == 200
                except requests.RequestException:
                    return False

            wait_for(up, STARTUP_TIMEOUT, f"{node.name} ready", details=details, interval=0.5)
        for name, proc in (("worker-1", worker_1), ("worker-2", worker_2)):
            wait_for(lambda proc=proc: " ready." in proc.log(), STARTUP_TIMEOUT, name, details=details)

        balancer = Balancer([node_a, node_b])

        # --- sessions and cache across nodes ---------------------------------------------------
        # Five failed logins on node A: allauth's per-address limit (5 per 5 min, in the cache)
        # then refuses even the right password on node B.
        probe = requests.Session()
        probe.client_ip = "198.51.100.250"
        for _ in range(5):
            balancer.request(probe, "GET", "/compte/login/", node=0)
            balancer.request(
                probe, "POST", "/compte/login/", node=0, data={"login": limited.email, "password": "x"}
            )
        assert not login(balancer, probe, limited.email, node=1), "the rate-limit cache is not shared"

        # --- the load ----------------------------------------------------------------------------
        acknowledged: dict[int, str] = {}  # application pk -> receipt path
        in_flight_submits: set[int] = set()
        retry_outcomes: dict[int, int] = {}
        outcomes: dict[int, str] = {}  # application pk -> what became of its applicant
        receipts: list[str] = []
        ack_lock = threading.Lock()
        done = threading.Event()
        queue = list(enumerate(applicants))

        def applicant_driver():
            while True:
                with ack_lock:
                    if not queue:
                        return
                    index, item = queue.pop(0)
                try:
                    outcomes[item["application"].pk] = drive_applicant(index, item)
                except Exception as exc:  # shown by the final check, with every other outcome
                    outcomes[item["application"].pk] = f"error: {exc!r}"

        def drive_applicant(index, item) -> str:
            application = item["application"]
            session = requests.Session()
            session.client_ip = f"203.0.113.{index + 1}"
            home, other = index % 2, (index + 1) % 2
            # A user whose page broke (node B killed) reloads it: the balancer sends the
            # retry to the surviving node.
            if not (
                login(balancer, session, application.owner.email, node=home)
                or login(balancer, session, application.owner.email, node=home)
            ):
                return "login refused twice"
            letter_path = f"/candidatures/{application.pk}/lettre/"
            page = balancer.request(session, "GET", letter_path, node=other) or balancer.request(
                session, "GET", letter_path, node=other
            )
            assert page.status_code == 200, page.status_code  # logged in on the other node

            def submit(item=item, session=session, letter_path=letter_path, other=other, retry=False):
                return balancer.request(
                    session,
                    "POST",
                    letter_path,
                    node=other,
                    retry_of_unknown=retry,
                    data=item["form"],
                    files={"letter": ("lettre.pdf", item["pdf"], "application/pdf")},
                )

            response = submit()
            if response is None:
                # In flight on the killed node: committed or not, nobody knows. The user
                # submits again; the workflow refuses a second submission if the first one
                # went through (checked below: one submission per application).
                with ack_lock:
                    in_flight_submits.add(application.pk)
                # The user reloads the letter (the balancer sends it to the surviving node):
                # still a draft, they submit again with the page's current version; gone
                # through, the page no longer offers the form.
                reloaded = balancer.request(session, "GET", letter_path, node=other)
                version = re.search(r'name="version" value="(\d+)"', reloaded.text if reloaded else "")
                if reloaded is None or reloaded.status_code != 200 or version is None:
                    return "in flight; the reloaded page offers no form"
                item = {**item, "form": {**item["form"], "version": version.group(1)}}
                response = submit(item=item, retry=True)
            if application.pk in in_flight_submits:
                retry_outcomes[application.pk] = response.status_code
            if response.status_code != 302 or "/depots/" not in response.headers.get("Location", ""):
                assert application.pk in in_flight_submits, (response.status_code, response.text[:2000])
                return f"in flight; the retry answered {response.status_code}"
            receipt = response.headers["Location"]
            with ack_lock:
                acknowledged[application.pk] = receipt
                receipts.append(receipt)
            balancer.request(session, "GET", receipt, node=home)
            return "acknowledged"

        def staff_driver():
            session = requests.Session()
            assert login(balancer, session, manager.email, node=0)
            turn = 0
            while not done.is_set():
                with ack_lock:
                    receipt = random.choice(receipts) if receipts else None
                if receipt is None:
                    time.sleep(0.2)
                    continue
                for suffix in ("pdf/", "zip/"):
                    turn += 1
                    balancer.request(session, "GET", receipt + suffix, node=turn % 2)
                time.sleep(0.1)

        started = time.monotonic()
        threads = [threading.Thread(target=applicant_driver) for _ in range(DRIVERS)]
        threads.append(threading.Thread(target=staff_driver))
        for thread in threads:
            thread.start()

        wait_for(lambda: len(acknowledged) >= APPLICANTS // 2, 120, "half the letters", details=details)
        killed_at = time.monotonic()
        node_b.kill()
        node_b_dead = time.monotonic()
        worker_2.kill()
        time.sleep(VISIBILITY_TIMEOUT + 1)
        worker_3 = worker("worker-3")  # the supervisor's replacement
        processes.append(worker_3)

        for thread in threads[:-1]:
            thread.join(180)
        done.set()
        threads[-1].join(60)
        load_seconds = time.monotonic() - started

        # --- drain: every submission's PDF and email -----------------------------------------------
        def drained():
            submissions = list(Submission.objects.filter(kind="letter"))
            ready = all(s.pdf_status == Submission.PdfStatus.READY for s in submissions)
            with sink.lock:
                mails = len(sink.messages)
            return ready and mails >= len(submissions) and submissions

        def drain_details():
            states = Counter(Submission.objects.filter(kind="letter").values_list("pdf_status", flat=True))
            with sink.lock:
                subjects = [str(m["Subject"]) for m in sink.messages]
            workers = "\n".join(
                f"--- {p.name} ---\n{p.log()[-3000:]}" for p in processes if "worker" in p.name
            )
            return f"PDF states {dict(states)}, {len(subjects)} emails: {subjects}\n{workers}"

        wait_for(drained, DRAIN_TIMEOUT, "PDFs rendered and emails sent", details=drain_details, interval=1)
        time.sleep(3)  # anything sent twice would arrive now

        # Every acknowledged letter readable from the surviving node, as uploaded.
        staff = requests.Session()
        assert login(balancer, staff, manager.email, node=0)
        by_pk = {item["application"].pk: item for item in applicants}
        unreadable = []
        for pk in acknowledged:
            document = Document.objects.get(application_id=pk, kind=Document.Kind.LETTER, is_current=True)
            response = balancer.request(
                staff, "GET", f"/instruction/candidatures/{pk}/documents/{document.pk}/"
            )
            if response is None or response.content != by_pk[pk]["pdf"]:
                unreadable.append(pk)

        # What the scraper sees on the surviving node (both gunicorn processes summed).
        assert requests.get(node_a.url + "/metrics", timeout=30).status_code == 404
        scraped = requests.get(
            node_a.url + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
        )
        assert scraped.status_code == 200
        samples = [s for family in text_string_to_metric_families(scraped.text) for s in family.samples]
    finally:
        for proc in processes:
            proc.kill()
        smtp.stop()

    # --- checks --------------------------------------------------------------------------------
    submissions = list(Submission.objects.filter(kind="letter").select_related("application"))
    per_application = Counter(s.application_id for s in submissions)
    duplicated_submissions = sum(n - 1 for n in per_application.values())
    lost = [pk for pk in acknowledged if per_application.get(pk, 0) == 0]
    assert not lost and duplicated_submissions == 0
    assert set(per_application) <= set(acknowledged) | in_flight_submits
    assert len(acknowledged) + len(in_flight_submits - set(acknowledged)) == APPLICANTS, outcomes
    # A submit in flight whose retry was refused had gone through: submitted once, as the user
    # sees on their dashboard.
    assert all(per_application[pk] == 1 for pk in in_flight_submits - set(acknowledged)), retry_outcomes

    # One PDF object per submission, under its first name: nothing rendered twice.
    pdf_keys = s3_media.keys("submissions/")
    assert len(pdf_keys) == len(submissions), pdf_keys
    for submission in submissions:
        assert submission.application.state == "li_submitted"
        assert submission.pdf.name == f"submissions/{submission_pdf_filename(submission)}"
        assert hashlib.sha256(s3_media.read(submission.pdf.name)).hexdigest() == submission.pdf_sha256

    # One "letter submitted" email per submission.
    with sink.lock:
        subjects = [str(m["Subject"]) for m in sink.messages]
    per_reference = Counter(
        s.application.reference
        for s in submissions
        for subject in subjects
        if s.application.reference in subject
    )
    duplicated_emails = sum(n - 1 for n in per_reference.values() if n > 1)
    assert all(per_reference[s.application.reference] == 1 for s in submissions), per_reference

    assert not unreadable

    # Errors: only requests in flight on node B when it was killed.
    errors = [
        r for r in balancer.records if r.outcome[0] not in "23" and "already submitted" not in r.outcome
    ]
    assert all(r.outcome == "broken" and r.node == "node-b" for r in errors), errors
    assert all(r.started <= node_b_dead and r.ended >= killed_at for r in errors), (killed_at, errors)
    assert len(errors) <= DRIVERS + 1

    # The scrape: requests per view from node A's processes, PDFs rendered by every worker.
    letter_posts = sum(
        s.value
        for s in samples
        if s.name == "django_http_requests_latency_seconds_by_view_method_count"
        and s.labels["view"] == "applications:letter_edit"
    )
    rendered = sum(
        s.value
        for s in samples
        if s.name == "cma_celery_tasks_total"
        and s.labels
        == {"task": "applications.tasks.rendering.render_submission_pdf_task", "state": "succeeded"}
    )
    assert letter_posts > 0 and rendered >= len(submissions)
    assert any(s.name == "cma_db_query_seconds_count" for s in samples)

    figures = {
        "requests": len(balancer.records),
        "errors": len(errors),
        "acknowledged submissions": len(acknowledged),
        "submits in flight on the killed node (then resubmitted)": len(in_flight_submits),
        "submissions": len(submissions),
        "lost": len(lost),
        "duplicated": duplicated_submissions + duplicated_emails,
        "PDFs": len(pdf_keys),
        "emails": len(subjects),
        "tasks received by the killed worker": worker_2.log().count("] received"),
        "tasks run by its replacement": worker_3.log().count("] succeeded"),
        "load seconds": round(load_seconds, 1),
        "requests/s": round(len(balancer.records) / load_seconds, 1),
    }
    print("two-node run:", figures)
