"""Benchmark: validating hostile uploads — time and peak memory of the bounded inspection.

    TESTING=true .venv/bin/python bench/bench_uploads.py [--runs 5]

For each file (a 1 MB shared-strings bomb .xlsx, a 1 MB PDF whose stream inflates to 1 GiB,
and real files for comparison) reports the median wall time of `cma_portal.uploads.check_upload`
in this process, the peak extra resident memory of the child that judged it (its peak RSS minus
its RSS at the fork), and the growth of this process's own peak RSS over the whole run. Then,
for reference, what `openpyxl.load_workbook` alone does to the xlsx bomb in a child process with
no limit but 60 seconds and 2 GiB (the behaviour before the inspection existed).
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cma_portal.settings")

import django  # noqa: E402

django.setup()

from django.core.exceptions import ValidationError  # noqa: E402

from cma_portal import uploads  # noqa: E402
from cma_portal.uploads import sandbox  # noqa: E402
from tests import fixtures_files as ff  # noqa: E402
from tests import hostile_files as hf  # noqa: E402

MIB = 1024 * 1024
EVERYTHING = {uploads.PDF, *uploads.SPREADSHEETS, *uploads.WORD_PROCESSING, *uploads.IMAGES}

UNBOUNDED_OPENPYXL = """
import io, resource, sys, time
from openpyxl import load_workbook
resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))
data = sys.stdin.buffer.read()
started = time.monotonic()
try:
    load_workbook(io.BytesIO(data), read_only=True).close()
    outcome = "opened"
except MemoryError:
    outcome = "MemoryError at the 2 GiB limit"
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{outcome} after {time.monotonic() - started:.1f} s, peak RSS {peak:.0f} MiB")
"""


def measure(name: str, content: bytes, runs: int) -> None:
    times, extras, verdict = [], [], ""
    for _ in range(runs):
        started = time.monotonic()
        try:
            checked = uploads.check_upload(ff.upload(content, name), accept=EVERYTHING)
            verdict = f"accepted ({checked.content_type})"
        except ValidationError as error:
            verdict = f"refused: {error.code}"
        times.append(time.monotonic() - started)
        extras.append(sandbox.last_stats.get("extra", 0) / MIB)
    print(
        f"{name:<28} {len(content) / MIB:6.2f} MiB  {verdict:<34} "
        f"median {statistics.median(times):6.3f} s  max {max(times):6.3f} s  "
        f"child extra RSS {max(extras):6.1f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-unbounded", action="store_true", help="skip the openpyxl reference run")
    args = parser.parse_args()

    files = {
        "shared-strings-bomb.xlsx": hf.shared_strings_bomb_xlsx(),
        "deflate-bomb.pdf": hf.deflate_bomb_pdf(),
        "ratio-bomb.xlsx": hf.ratio_bomb_xlsx(),
        "javascript-open-action.pdf": hf.javascript_open_action_pdf(),
        "real-15-pages.pdf": ff.blank_pdf_bytes(15),
        "real-2-pages-text.pdf": ff.pdf_bytes(2),
        "real.xlsx": ff.xlsx_bytes(),
    }
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"limits: {uploads.Limits.from_settings()}")
    for name, content in files.items():
        measure(name, content, args.runs)
    # Defence in depth: the archive caps lifted, only the child's memory and time bounds remain.
    lifted = uploads.Limits.from_settings().__class__(
        max_ratio=10**6, max_member_size=10**10, max_total_size=10**10
    )
    started = time.monotonic()
    try:
        sandbox.run_inspection(files["shared-strings-bomb.xlsx"], accept=frozenset(EVERYTHING), limits=lifted)
        verdict = "accepted"
    except uploads.Refused as refusal:
        verdict = f"refused: {refusal.code}"
    print(
        f"{'xlsx bomb, caps lifted':<28} {'':>10}  {verdict:<34} "
        f"{time.monotonic() - started:6.3f} s  child peak RSS when killed "
        f"{sandbox.last_stats.get('peak_rss_at_kill', 0) / MIB:6.1f} MiB "
        f"(openpyxl stopped by the {lifted.memory // MIB} MiB address-space limit or the {lifted.timeout:.0f} s clock)"
    )
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"web process peak RSS: {before:.0f} MiB before the checks, {after:.0f} MiB after")
    if not args.skip_unbounded:
        print("reference, openpyxl alone on the xlsx bomb (no inspection, 60 s / 2 GiB ceiling):")
        try:
            result = subprocess.run(
                [sys.executable, "-c", UNBOUNDED_OPENPYXL],
                input=files["shared-strings-bomb.xlsx"],
                capture_output=True,
                timeout=60,
            )
            print("  " + (result.stdout.decode().strip() or result.stderr.decode().strip()[-300:]))
        except subprocess.TimeoutExpired:
            print("  still parsing after 60 s (killed)")


if __name__ == "__main__":
    main()
