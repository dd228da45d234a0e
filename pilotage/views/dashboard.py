"""The programme dashboard and its CSV tables."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from cma_portal.csv_export import csv_response
from pilotage.charts import bar_chart
from pilotage.dashboard import dashboard_cached
from pilotage.views.access import capability_required


def _euros(value):
    # The value itself: the page formats it for the reader, the CSV writes a plain number.
    return value


# The page lists the nearest deadlines; the CSV export of the table holds them all.
DEADLINES_SHOWN = 20


def _tables(board, *, deadlines_shown: int | None = None):
    """Every table of the dashboard as (header, rows) of plain values: the page and the CSV
    exports read the same figures (the page only the `deadlines_shown` nearest deadlines)."""
    return {
        "entonnoir": (
            [_("Vague"), _("Action"), _("Lettres déposées"), _("GO"), _("Dossiers déposés"), _("Lauréats")],
            [
                [
                    r["wave"].name if r["wave"] else "",
                    r["action"].number if r["action"] else _("sans action"),
                    r["letters"],
                    r["go"],
                    r["dossiers"],
                    r["laureates"],
                ]
                for r in board.funnel
            ],
        ),
        "aides": (
            [_("Vague"), _("Aide demandée (€)"), _("Aide accordée (€)"), _("Enveloppe (€)"), _("Reste (€)")],
            [
                [
                    r["wave"].name,
                    _euros(r["requested"]),
                    _euros(r["granted"]),
                    _euros(r["envelope"]),
                    _euros(r["remaining"]),
                ]
                for r in board.aid
            ]
            + [
                [
                    _("Appel (total)"),
                    _euros(board.aid_totals["requested"]),
                    _euros(board.aid_totals["granted"]),
                    _euros(board.aid_totals["envelope"]),
                    _euros(board.aid_totals["remaining"]),
                ]
            ],
        ),
        "formation": (
            [_("Année"), _("Public"), _("Personnes à former")],
            [[r["year"], r["audience"], r["people"]] for r in board.training],
        ),
        "echeances": (
            [_("Date (heure de Paris)"), _("Échéance"), _("Objet")],
            [
                [
                    timezone.localtime(d["at"]).strftime("%d/%m/%Y %H:%M"),
                    _("Dossier complet") if d["kind"] == "dossier" else _("Clôture de vague"),
                    d["label"],
                ]
                for d in board.deadlines[:deadlines_shown]
            ],
        ),
    }


@capability_required("view_dashboard")
def dashboard(request):
    board = dashboard_cached()
    tables = _tables(board, deadlines_shown=DEADLINES_SHOWN)
    call = board.call
    target = call.national_target_people_trained if call else None
    totals = board.funnel_totals
    charts = {
        "funnel": bar_chart(
            [
                (_("Lettres déposées"), totals["letters"]),
                (_("GO"), totals["go"]),
                (_("Dossiers déposés"), totals["dossiers"]),
                (_("Lauréats"), totals["laureates"]),
            ],
            title=_("Entonnoir des candidatures, toutes vagues"),
        ),
        "aid": bar_chart(
            [
                (_("Aide demandée"), board.aid_totals["requested"]),
                (_("Aide accordée"), board.aid_totals["granted"]),
            ]
            + (
                [(_("Enveloppe de l'appel"), board.aid_totals["envelope"])]
                if board.aid_totals["envelope"]
                else []
            ),
            title=_("Aide demandée et accordée face à l'enveloppe (€)"),
            unit=" €",
        ),
        "training": bar_chart(
            [(str(year), people) for year, people in board.training_by_year]
            + [(_("Total"), board.training_total)],
            title=_("Personnes à former par les lauréats, par année, face à l'objectif national"),
            target=target,
            target_label=_("objectif"),
        ),
    }
    return render(
        request,
        "pilotage/dashboard.html",
        {
            "title": _("Pilotage du programme"),
            "board": board,
            "tables": tables,
            "charts": charts,
            "target": target,
            "target_share": round(100 * board.training_total / target, 1) if target else None,
            "deadlines_more": max(0, len(board.deadlines) - DEADLINES_SHOWN),
        },
    )


@capability_required("view_dashboard")
def dashboard_csv(request, table):
    tables = _tables(dashboard_cached())
    if table not in tables:
        raise Http404
    header, rows = tables[table]
    return csv_response([header, *rows], f"pilotage-{table}.csv")
