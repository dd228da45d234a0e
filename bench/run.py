"""The load benchmark of issue 11, in one command (`make bench`):

    .venv/bin/python bench/run.py [--applications 10000] [--duration 4] [--rounds 1]
                                  [--export-rows 100000] [--skip-exports] [--skip-pdf]
                                  [--skip-reminders] [--reuse]

1. (Re)creates its own PostgreSQL database (BENCH_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/cma_bench), migrates it and runs
   `seed_demo --applications N` (timed).
2. Starts gunicorn (2 sync workers for the page table; the production gunicorn.conf.py,
   threaded, for the exports) with production settings (DEBUG=false, manifest static
   files, sessions in Redis BENCH_REDIS_URL), behind a pretend TLS proxy
   (X-Forwarded-Proto: https).
3. Opens one session per role; staff sessions have TOTP set up and are marked as having passed
   it, as allauth marks them.
4. Drives each page with wrk at 16 connections for a few seconds, then /healthz in the same
   round; prints page, rps, ratio to /healthz, p50, p95, queries and bytes (queries and bytes
   from one request with the test client on the same database and settings).
5. Grows the database to --export-rows applications and measures, for the letters CSV and the
   dossiers CSV and XLSX, the first-byte time and the peak RSS of the gunicorn worker serving it.
6. Runs bench/bench_pdf.py and bench/bench_reminders.py (the reminder sweep on
   BENCH_REMINDERS_DATABASE_URL, default the cma_perf database).

Keep runs short on a shared machine: the load of each page lasts --duration seconds.
Needs wrk (`apt-get install wrk`).
"""

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cma_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
REMINDERS_DATABASE_URL = os.environ.get(
    "BENCH_REMINDERS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cma_perf"
)
PORT = int(os.environ.get("BENCH_PORT", "8811"))
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95),
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""


def env() -> dict:
    return {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "DEBUG": "false",
        "TESTING": "false",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "LOG_LEVEL": "WARNING",
        "SEED_DEMO_ON_RUN": "false",
        "EMAIL_URL": "dummymail://",
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }


def run(args, **kwargs) -> str:
    result = subprocess.run(
        args, cwd=ROOT, env=kwargs.pop("env", env()), capture_output=True, text=True, **kwargs
    )
    if result.returncode:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit(f"failed: {' '.join(map(str, args))}")
    return result.stdout


def django_json(*args) -> dict:
    return json.loads(run([PY, "bench/setup_bench.py", *args]).strip().splitlines()[-1])


def ensure_database(url: str) -> None:
    """Create the database of `url` when it is missing (the reminder benchmark keeps its rows)."""
    import psycopg2

    name = url.rsplit("/", 1)[1]
    conn = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def prepare(applications: int, reuse: bool) -> None:
    import psycopg2

    name = DATABASE_URL.rsplit("/", 1)[1]
    server = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    conn = psycopg2.connect(server)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone()
        if exists and not reuse:
            cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if not exists or not reuse:
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    run([PY, "manage.py", "migrate", "--noinput", "-v0"])
    # The demo's own PDFs and emails are queued, not rendered inline: what is timed is the data.
    subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], capture_output=True, check=False)
    start = time.perf_counter()
    out = run(
        [PY, "manage.py", "seed_demo", "--applications", str(applications)],
        env={**env(), "CELERY_TASK_ALWAYS_EAGER": "false"},
    )
    print(f"seed_demo --applications {applications}: {time.perf_counter() - start:.1f} s")
    for line in out.splitlines():
        if "Banc" in line or "supplémentaires" in line:
            print("  " + line.strip())
    # Every time: a manifest from an older checkout lacks the newer static files.
    run([PY, "manage.py", "collectstatic", "--noinput", "-v0"])


class Gunicorn:
    """gunicorn with 2 worker processes. `sync=True` (the page table): one request at a time per
    worker, as the issue measured; otherwise the production configuration of gunicorn.conf.py
    (threaded workers, the 30 s timeout), which an export must survive."""

    def __init__(self, sync: bool = False):
        self.process = None
        self.sync = sync

    def __enter__(self):
        mode = ["--worker-class", "sync", "--threads", "1"] if self.sync else []
        self.process = subprocess.Popen(
            [
                str(Path(PY).parent / "gunicorn"),
                "cma_portal.wsgi",
                "--bind",
                f"127.0.0.1:{PORT}",
                "--workers",
                "2",
                *mode,
            ],
            cwd=ROOT,
            env=env(),
            stdout=subprocess.DEVNULL,
            stderr=open(Path(tempfile.gettempdir()) / "bench-gunicorn.log", "w"),  # noqa: SIM115
        )
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not start")

    def workers(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


def wrk(path: str, cookie: str | None, duration: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    headers = ["-H", "X-Forwarded-Proto: https"]
    if cookie:
        headers += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "30s", "-s", script.name, *headers]
        + [f"http://127.0.0.1:{PORT}{path}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    requests, micros, p50, p95, errors = (int(v) for v in line.split()[1:])
    return {"rps": requests / (micros / 1e6), "p50": p50 / 1000, "p95": p95 / 1000, "errors": errors}


def pages(ids: dict) -> list[tuple[str, str, str]]:
    wave, staff, own, assignment = (
        ids["wave"],
        ids["staff_application"],
        ids["applicant_application"],
        ids["assignment"],
    )
    return [
        ("staff letters list (25 rows)", "manager", "/instruction/"),
        (
            "letters list, 2 filters + search",
            "manager",
            f"/instruction/?wave={wave}&state=li_submitted&q=projet",
        ),
        ("letters list, page 40", "manager", "/instruction/?page=40"),
        ("selection list of dossiers", "manager", "/instruction/selection/"),
        ("ranking", "manager", f"/instruction/selection/classement/?wave={wave}"),
        ("reviewer queue", "reviewer", "/evaluation/"),
        ("applicant dashboard", "applicant", "/candidatures/"),
        ("programme dashboard", "admin", "/pilotage/"),
        ("application detail (staff)", "manager", f"/instruction/candidatures/{staff}/"),
        ("application detail (applicant)", "applicant", f"/candidatures/{own}/"),
        ("dossier page (selection)", "manager", f"/instruction/selection/dossiers/{staff}/"),
        ("dossier page (applicant)", "applicant", f"/candidatures/{own}/dossier/"),
        ("review form", "reviewer", f"/evaluation/affectations/{assignment}/grille/"),
    ]


def settle() -> None:
    """Wait until the workers have drained what wrk left queued (a slow page leaves up to
    16 requests behind), so that the next measurement starts on idle workers."""
    for _ in range(300):
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        conn.request("GET", "/healthz")
        conn.getresponse().read()
        if time.perf_counter() - start < 0.05:
            return
        time.sleep(0.2)


def load(ids: dict, args) -> list[dict]:
    cookie = {role: f"{ids['cookie_name']}={key}" for role, key in ids["sessions"].items()}
    plan = pages(ids)
    if args.pages:
        wanted = [w.strip() for w in args.pages.split(",") if w.strip()]
        plan = [p for p in plan if any(w in p[0] for w in wanted)]
    measured = django_json("queries", json.dumps([[role, url] for _label, role, url in plan]))
    rows = []
    for label, role, url in plan:
        rounds = []
        for _ in range(args.rounds):
            settle()
            page = wrk(url, cookie[role], args.duration, args.connections)
            settle()
            health = wrk("/healthz", None, args.duration, args.connections)
            rounds.append((page, health))
        page = {k: statistics.median(r[0][k] for r in rounds) for k in ("rps", "p50", "p95", "errors")}
        health_rps = statistics.median(r[1]["rps"] for r in rounds)
        rows.append(
            {
                "page": label,
                "rps": page["rps"],
                "ratio": page["rps"] / health_rps * 100 if health_rps else 0.0,
                "p50": page["p50"],
                "p95": page["p95"],
                "errors": page["errors"],
                "queries": measured[url]["queries"],
                "bytes": measured[url]["bytes"],
                "status": measured[url]["status"],
                "healthz": health_rps,
            }
        )
        print(f"  {label}: {page['rps']:.1f} rps, p95 {page['p95']:.0f} ms", flush=True)
    return rows


def print_table(rows):
    print()
    print("| page | rps | vs /healthz | p50 (ms) | p95 (ms) | queries | bytes | p95 ≤ 150 ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for r in rows:
        status = (
            "" if r["status"] == 200 and not r["errors"] else f" (HTTP {r['status']}, {r['errors']} errors)"
        )
        print(
            f"| {r['page']}{status} | {r['rps']:.1f} | {r['ratio']:.2f} % | {r['p50']:.0f} | {r['p95']:.0f} "
            f"| {r['queries']} | {r['bytes']:,} | {'met' if r['rps'] and r['p95'] <= 150 else 'not met'} |"
        )
    print(f"\n/healthz alone: {statistics.median(r['healthz'] for r in rows):.0f} rps (median of the rounds)")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def export(server: Gunicorn, cookie: str, path: str) -> dict:
    workers = server.workers()
    baseline = {pid: rss_kib(pid) for pid in workers}
    peak = dict(baseline)
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            for pid in workers:
                try:
                    peak[pid] = max(peak[pid], rss_kib(pid))
                except OSError:
                    pass
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=600)
    conn.request("GET", path, headers={"Cookie": cookie, "X-Forwarded-Proto": "https"})
    response = conn.getresponse()
    first = response.read(1)
    first_byte = time.perf_counter() - start
    size, lines = len(first), first.count(b"\n")
    while chunk := response.read(65536):
        size += len(chunk)
        lines += chunk.count(b"\n")
    total = time.perf_counter() - start
    stop.set()
    sampler.join()
    worker = max(workers, key=lambda pid: peak[pid] - baseline[pid])
    return {
        "path": path,
        "status": response.status,
        "first_byte": first_byte,
        "total": total,
        "bytes": size,
        "lines": lines,
        "peak_mib": peak[worker] / 1024,
        "before_mib": baseline[worker] / 1024,
    }


def exports(ids: dict, rows: int) -> None:
    grown = django_json("grow", str(rows))
    print(f"\nexport data: {grown['added']} applications added in {grown['seconds']} s (up to {rows})")
    cookie = f"{ids['cookie_name']}={ids['sessions']['manager']}"
    print("| export | HTTP | rows | size | first byte | total | worker RSS before → peak | ≤ 200 MB |")
    print("| --- | --- | ---: | ---: | ---: | ---: | --- | --- |")
    for label, path in (
        ("letters CSV", "/instruction/export.csv"),
        ("dossiers CSV", "/instruction/selection/export/dossiers.csv"),
        ("dossiers XLSX", "/instruction/selection/export/dossiers.xlsx"),
    ):
        with Gunicorn() as server:  # fresh workers: the peak is the export's own
            result = export(server, cookie, path)
        rows_out = f"{result['lines'] - 1:,}" if path.endswith(".csv") else "—"
        print(
            f"| {label} | {result['status']} | {rows_out} | {result['bytes'] / 1e6:.1f} MB "
            f"| {result['first_byte']:.2f} s | {result['total']:.1f} s "
            f"| {result['before_mib']:.0f} → {result['peak_mib']:.0f} MiB "
            f"| {'met' if result['peak_mib'] * 1.048576 <= 200 else 'not met'} |",
            flush=True,
        )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=4, help="seconds of load per page and per /healthz")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep the database of the previous run")
    parser.add_argument("--skip-exports", action="store_true")
    parser.add_argument("--skip-pdf", action="store_true")
    parser.add_argument("--skip-reminders", action="store_true")
    parser.add_argument(
        "--pages", default="", help="only the pages whose label contains one of these (comma-separated)"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install -y wrk")

    print(f"machine: {os.cpu_count()} CPU, load average {os.getloadavg()[0]:.1f} at start")
    prepare(args.applications, args.reuse)
    ids = django_json("sessions")
    with Gunicorn(sync=True):
        rows = load(ids, args)
    print_table(rows)
    if not args.skip_exports:
        exports(ids, args.export_rows)
    if not args.skip_pdf:
        print("\nPDF (bench/bench_pdf.py):")
        print(run([PY, "bench/bench_pdf.py", "--runs", "3"]).strip())
    if not args.skip_reminders:
        print("\nreminder sweep (bench/bench_reminders.py, 100,000 applications):")
        ensure_database(REMINDERS_DATABASE_URL)
        print(
            run(
                [PY, "bench/bench_reminders.py"], env={**os.environ, "DATABASE_URL": REMINDERS_DATABASE_URL}
            ).strip()
        )
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
