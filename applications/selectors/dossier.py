"""Reads of the full dossier: its years, its editability, what it still lacks."""

import math
from datetime import datetime
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from applications.models import Application, BudgetLine, Document
from applications.selectors.questions import question_problems
from applications.snapshots import budget_totals, current_documents
from applications.states import State

# The warning threshold between the letter's estimate and the dossier's budget.
BUDGET_DRIFT_WARNING_PERCENT = Decimal("20")


def _local(at: datetime) -> datetime:
    return timezone.localtime(at or timezone.now(), timezone.get_default_timezone())


def format_paris(at: datetime) -> str:
    """ "28/02/2027 à 23:59 (heure de Paris)" """
    local = _local(at)
    return _("%(date)s à %(time)s (heure de Paris)") % {
        "date": local.strftime("%d/%m/%Y"),
        "time": local.strftime("%H:%M"),
    }


def project_years(application: Application) -> int:
    """Number of project years: 1..ceil(duration / 12)."""
    months = application.planned_duration_months or application.wave.call.max_duration_months
    return max(1, math.ceil(months / 12))


def project_months(application: Application) -> int:
    return application.planned_duration_months or application.wave.call.max_duration_months


def dossier_refusal(application: Application, at: datetime | None = None) -> str | None:
    """Why the dossier may not be edited now (French), or None."""
    at = at or timezone.now()
    if application.state != State.DOSSIER_DRAFT:
        return _("Le dossier ne peut plus être modifié : la candidature est à l'état « %(state)s ».") % {
            "state": application.get_state_display()
        }
    if application.dossier_deadline is not None and at > application.dossier_deadline:
        return _("Le délai de dépôt du dossier complet est dépassé depuis le %(deadline)s.") % {
            "deadline": format_paris(application.dossier_deadline)
        }
    return None


def dossier_documents(application: Application) -> list[Document]:
    return list(current_documents(application).select_related("partner__organisation"))


def budget_drift(application: Application, totals: dict | None = None) -> dict | None:
    """The change of the budget's eligible cost against the letter's estimate, when over the
    warning threshold: {"estimate", "eligible", "percent"}; None otherwise."""
    totals = totals or budget_totals(application)
    estimate = application.estimated_total_cost
    eligible = Decimal(totals["eligible_cost"])
    if not estimate or not eligible:
        return None
    percent = (eligible - estimate) / estimate * 100
    if abs(percent) <= BUDGET_DRIFT_WARNING_PERCENT:
        return None
    return {"estimate": estimate, "eligible": eligible, "percent": percent.quantize(Decimal("0.1"))}


def budget_table(lines: list[BudgetLine], years: int) -> dict:
    """Totals per project year and per category, computed from the loaded lines."""
    zero = Decimal("0")

    def row(label, selected):
        eligible = sum((line.eligible_cost for line in selected), zero)
        aid = sum((line.aid_requested for line in selected), zero)
        co_financing = sum((line.co_financing for line in selected), zero)
        rate = (aid / eligible * 100).quantize(Decimal("0.01")) if eligible else None
        return {"label": label, "eligible": eligible, "aid": aid, "co_financing": co_financing, "rate": rate}

    by_year = [
        row(_("Année %(n)s") % {"n": n}, [line for line in lines if line.year == n])
        for n in range(1, years + 1)
    ]
    by_category = [
        row(label, [line for line in lines if line.category == value])
        for value, label in BudgetLine.Category.choices
    ]
    return {"by_year": by_year, "by_category": by_category}


def dossier_missing_items(
    application: Application,
    *,
    documents: list[Document] | None = None,
    partners=None,
    totals: dict | None = None,
    has_training: bool | None = None,
    has_milestones: bool | None = None,
    questions=None,
    answers=None,
) -> list[str]:
    """What the dossier still lacks before it may be submitted, in French. Callers that already
    loaded parts of the dossier pass them to save queries."""
    documents = dossier_documents(application) if documents is None else documents
    partners = list(application.partners.select_related("organisation")) if partners is None else partners
    totals = totals or budget_totals(application)
    if has_training is None:
        has_training = application.training_targets.exists()
    if has_milestones is None:
        has_milestones = application.milestones.exists()
    kinds = {d.kind for d in documents}
    committed = {d.partner_id for d in documents if d.kind == Document.Kind.COMMITMENT}

    missing = []
    if Document.Kind.PRESENTATION not in kinds:
        missing.append(_("La présentation du projet (PDF) n'est pas déposée."))
    if Document.Kind.FINANCIAL_ANNEX not in kinds:
        missing.append(_("L'annexe financière (tableur) n'est pas déposée."))
    if Decimal(totals["eligible_cost"]) <= 0:
        missing.append(_("Le budget ne comporte aucune ligne."))
    if not has_training:
        missing.append(_("Aucun objectif de formation n'est renseigné."))
    if not has_milestones:
        missing.append(_("Aucun jalon n'est renseigné."))
    for partner in partners:
        if partner.pk not in committed:
            missing.append(
                _("La lettre d'engagement signée de « %(organisation)s » n'est pas déposée.")
                % {"organisation": partner.organisation.name}
            )
    max_rate = application.wave.call.max_aid_rate
    if Decimal(totals["aid_rate"]) > max_rate:
        missing.append(
            _("L'aide demandée représente %(rate)s %% des coûts éligibles, au-delà du maximum de %(max)s %%.")
            % {
                "rate": formats.number_format(Decimal(totals["aid_rate"]), 2, use_l10n=True),
                "max": f"{max_rate.normalize():f}".replace(".", ","),
            }
        )
    missing += [
        str(message)
        for _field, message in question_problems(application, "dossier", questions=questions, answers=answers)
    ]
    return missing
