"""Benchmark: rendering a 15-page dossier PDF, and the share of WeasyPrint in it.

    TESTING=true .venv/bin/python bench/bench_pdf.py [--runs 7] [--pages 15]

No database: the snapshot is built in memory with the schema of `applications/snapshots.py`,
sized so that the dossier has `--pages` pages. Reports the median of `--runs` full renders
(`pdf.render_snapshot_pdf`: context, templates, WeasyPrint) and of WeasyPrint alone rendering
the same HTML and CSS (`pdf.html_to_pdf`), and their ratio.
"""

import argparse
import io
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cma_portal.settings")

import django  # noqa: E402

django.setup()

from pypdf import PdfReader  # noqa: E402

from applications.pdf import html_to_pdf, render_html, render_snapshot_pdf  # noqa: E402
from applications.snapshots import fingerprint  # noqa: E402

CATEGORIES = [
    ("staff", "Personnel"),
    ("equipment", "Équipement"),
    ("operating", "Fonctionnement"),
    ("subcontracting", "Prestations et sous-traitance"),
    ("other", "Autres dépenses"),
]


def snapshot(scale: float) -> dict:
    """A dossier snapshot; `scale` grows partners, budget years, targets and milestones."""
    org = {
        "id": 1,
        "name": "Université de Bordeaux",
        "kind": "university",
        "kind_label": "Université",
        "siret": "13001833900010",
        "uai": "0333298F",
        "region": "NAQ",
        "address": "35 place Pey Berland, 33000 Bordeaux",
    }
    lines = []
    for year in range(1, 6):
        for code, label in CATEGORIES:
            lines.append(
                {
                    "year": year,
                    "category": code,
                    "category_label": label,
                    "eligible_cost": f"{100000 + 1000 * year:.2f}",
                    "aid_requested": f"{60000 + 600 * year:.2f}",
                    "co_financing": f"{40000 + 400 * year:.2f}",
                    "co_financing_source": "Région Nouvelle-Aquitaine, fonds propres",
                }
            )
    return {
        "schema": 1,
        "kind": "dossier",
        "reference": "CMA-SN-2026-0042",
        "submitted_at": "2026-05-12T14:03:00+02:00",
        "submitted_by": {"id": 1, "email": "porteuse@u-bordeaux.fr", "name": "Claire Martin"},
        "wave": {"id": 6, "name": "Procédure au fil de l'eau"},
        "call": {"name": "AMI Compétences et métiers d'avenir — santé numérique", "max_aid_rate": "70.00"},
        "actions": [{"number": 3, "title": "Informaticiens ayant une culture santé"}],
        "components": [{"code": "3a", "title": "Formations à double culture"}],
        "lead_organisation": org,
        "application": {
            "title": "Former les ingénieurs du numérique en santé",
            "acronym": "FINS",
            "summary": "Un projet de formation. " * int(60 * scale),
            "estimated_total_cost": "2500000.00",
            "estimated_aid_requested": "1500000.00",
            "planned_duration_months": 60,
            "people_trained_per_year": 400,
            "audience": "Étudiants de master en informatique, professionnels de santé. " * int(10 * scale),
            "dossier_deadline": "2026-06-30T23:59:59+02:00",
        },
        "partners": [
            {
                "organisation": {**org, "id": 10 + n, "name": f"Centre hospitalier partenaire {n}"},
                "role": "hospital",
                "role_label": "Établissement de santé ou structure de soins",
                "contribution": "Accueil des stagiaires, co-construction des modules et encadrement. " * 3,
                "commitment_document_id": None,
            }
            for n in range(int(8 * scale))
        ],
        "budget": {
            "lines": lines,
            "totals": {
                "eligible_cost": "2575000.00",
                "aid_requested": "1545000.00",
                "co_financing": "1030000.00",
                "aid_rate": "60.00",
            },
        },
        "training_targets": [
            {
                "audience": "initial_it",
                "audience_label": "Étudiants en informatique ou ingénierie",
                "year": 2026 + n % 5,
                "people_trained": 80 + n,
                "hours": 30,
            }
            for n in range(int(20 * scale))
        ],
        "milestones": [
            {"title": f"Jalon {n}", "due_month": 3 * n, "deliverable": "Module validé par le comité. " * 4}
            for n in range(1, int(12 * scale))
        ],
        "documents": [
            {
                "id": n,
                "kind": "other",
                "kind_label": "Autre document",
                "label": f"Pièce {n}",
                "original_name": f"piece-{n}.pdf",
                "size": 250_000 + n,
                "page_count": n % 15 + 1,
                "sha256": f"{n:064x}",
                "content_type": "application/pdf",
            }
            for n in range(int(10 * scale))
        ],
    }


def pages_of(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def measure(funcs: dict, runs: int) -> dict:
    """Median wall-clock and CPU time of each function, runs interleaved so that a change of
    load on the machine (others' processes) hits every function alike."""
    wall = {name: [] for name in funcs}
    cpu = {name: [] for name in funcs}
    for _ in range(runs):
        for name, func in funcs.items():
            start_wall, start_cpu = time.perf_counter(), time.process_time()
            func()
            wall[name].append(time.perf_counter() - start_wall)
            cpu[name].append(time.process_time() - start_cpu)
    return {name: (statistics.median(wall[name]), statistics.median(cpu[name])) for name in funcs}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--pages", type=int, default=15)
    args = parser.parse_args()

    generated_at = datetime(2026, 5, 12, 12, 5, tzinfo=UTC)
    scale, snap = 1, snapshot(1)
    while True:
        snap = snapshot(scale)
        data = render_snapshot_pdf(snap, fingerprint=fingerprint(snap), generated_at=generated_at)
        if pages_of(data) >= args.pages:
            break
        scale += 0.1
    pages = pages_of(data)
    html, css = render_html(snap, fingerprint=fingerprint(snap), generated_at=generated_at)

    html_to_pdf(html, css)  # warm-up: fonts, Pango
    results = measure(
        {
            "full": lambda: render_snapshot_pdf(
                snap, fingerprint=fingerprint(snap), generated_at=generated_at
            ),
            "weasyprint": lambda: html_to_pdf(html, css),
            "templates": lambda: render_html(snap, fingerprint=fingerprint(snap), generated_at=generated_at),
        },
        args.runs,
    )
    (full, full_cpu), (weasy, weasy_cpu), (tpl, tpl_cpu) = (
        results["full"],
        results["weasyprint"],
        results["templates"],
    )
    print(
        f"dossier: {pages} pages, {len(data) / 1024:.0f} KiB (scale {scale:.1f}), medians of {args.runs} runs"
    )
    print(f"full render (context + templates + WeasyPrint): {full:.3f} s wall, {full_cpu:.3f} s CPU")
    print(f"WeasyPrint alone on the same HTML and CSS:      {weasy:.3f} s wall, {weasy_cpu:.3f} s CPU")
    print(f"context + templates alone:                      {tpl:.3f} s wall, {tpl_cpu:.3f} s CPU")
    print(f"ratio full / WeasyPrint alone: {full / weasy:.3f} wall, {full_cpu / weasy_cpu:.3f} CPU")


if __name__ == "__main__":
    main()
