"""Guards of the application workflow: each takes (application, at) and raises
`TransitionError` with a French message when the transition may not happen now.

They read, never write; `workflow.TRANSITIONS` names them on its rows."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.errors import TransitionError
from applications.models import Application, Document
from applications.selectors.dossier import dossier_missing_items, format_paris
from applications.selectors.questions import question_problems


def deadline_passed(application: Application, at: datetime) -> None:
    if application.dossier_deadline is None or at <= application.dossier_deadline:
        raise TransitionError(_("Le délai de dépôt du dossier complet n'est pas encore passé."))


def _percent(value) -> str:
    """70 → "70", 62.5 → "62,5" (French decimal comma, no trailing zeros)."""
    return f"{value.normalize():f}".replace(".", ",")


def letter_problems(application: Application) -> list[tuple[str, str]]:
    """What stops the letter from being submitted, as (form field, French message) pairs.

    Reads the database (actions, components, documents): call it on a saved application.
    """
    call = application.wave.call
    problems: list[tuple[str, str]] = []
    actions = list(application.actions.all())
    components = list(application.components.all())
    if not actions:
        problems.append(("actions", _("Choisissez au moins une action.")))
    wave_action_ids = set(application.wave.actions.values_list("pk", flat=True))
    for action in actions:
        if action.pk not in wave_action_ids:
            problems.append(
                ("actions", _("L'action %(n)s n'est pas ouverte dans cette vague.") % {"n": action.number})
            )
        action_components = list(action.components.all())
        if action_components and not any(c.action_id == action.pk for c in components):
            problems.append(
                (
                    "components",
                    _("Choisissez au moins un volet de l'action %(n)s.") % {"n": action.number},
                )
            )
    action_ids = {a.pk for a in actions}
    for component in components:
        if component.action_id not in action_ids:
            problems.append(
                (
                    "components",
                    _("Le volet %(code)s n'appartient à aucune des actions choisies.")
                    % {"code": component.code},
                )
            )
    lead = application.lead_organisation
    if lead is None:
        problems.append(("lead_organisation", _("Indiquez l'établissement porteur.")))
    elif not lead.is_higher_education:
        problems.append(
            (
                "lead_organisation",
                _(
                    "L'établissement porteur doit être un établissement d'enseignement supérieur "
                    "(université, école d'ingénieurs ou autre établissement d'enseignement supérieur) ; "
                    "« %(name)s » est de nature « %(kind)s »."
                )
                % {"name": lead.name, "kind": lead.get_kind_display()},
            )
        )
    for field, message in (
        ("title", _("Indiquez le titre du projet.")),
        ("acronym", _("Indiquez l'acronyme du projet.")),
        ("summary", _("Rédigez le résumé du projet.")),
        ("audience", _("Décrivez les publics visés.")),
    ):
        if not (getattr(application, field) or "").strip():
            problems.append((field, message))
    total = application.estimated_total_cost
    aid = application.estimated_aid_requested
    if total is None or total <= 0:
        problems.append(("estimated_total_cost", _("Indiquez le coût total estimé du projet.")))
    if aid is None:
        problems.append(("estimated_aid_requested", _("Indiquez l'aide demandée.")))
    if total and total > 0 and aid is not None and aid * 100 > total * call.max_aid_rate:
        problems.append(
            (
                "estimated_aid_requested",
                _(
                    "L'aide demandée représente %(rate)s %% du coût total ; le maximum est de %(max)s %% "
                    "des coûts éligibles."
                )
                % {
                    "rate": f"{aid * 100 / total:.2f}".replace(".", ","),
                    "max": _percent(call.max_aid_rate),
                },
            )
        )
    duration = application.planned_duration_months
    if not duration:
        problems.append(("planned_duration_months", _("Indiquez la durée prévue du projet.")))
    elif duration > call.max_duration_months:
        problems.append(
            (
                "planned_duration_months",
                _("La durée prévue (%(d)s mois) dépasse la durée maximale de %(max)s mois.")
                % {"d": duration, "max": call.max_duration_months},
            )
        )
    if not application.people_trained_per_year:
        problems.append(
            ("people_trained_per_year", _("Indiquez le nombre estimé de personnes formées par an."))
        )
    letter = application.documents.filter(kind=Document.Kind.LETTER, is_current=True).first()
    if letter is None:
        problems.append(("letter", _("Déposez la lettre d'intention au format PDF.")))
    elif letter.page_count and letter.page_count > call.letter_page_limit:
        problems.append(
            (
                "letter",
                _("La lettre compte %(count)s pages ; la limite est de %(max)s pages.")
                % {"count": letter.page_count, "max": call.letter_page_limit},
            )
        )
    problems += question_problems(application, "letter")
    return problems


def letter_submittable(application: Application, at: datetime) -> None:
    if not application.wave.accepts_letters(at):
        raise TransitionError(
            _(
                "La vague « %(wave)s » n'accepte plus de lettre d'intention (heure du serveur : "
                "%(at)s). Votre brouillon est conservé."
            )
            % {"wave": application.wave.name, "at": timezone.localtime(at).strftime("%d/%m/%Y %H:%M:%S")}
        )
    problems = letter_problems(application)
    if problems:
        raise TransitionError(
            _("La lettre d'intention est incomplète : %(items)s")
            % {"items": " ; ".join(str(message) for _field, message in problems)}
        )


def dossier_submittable(application: Application, at: datetime) -> None:
    if application.dossier_deadline is None:
        raise TransitionError(_("Aucune date limite de dépôt n'est fixée pour ce dossier."))
    # The deadline instant itself is still on time (end of day, 23:59:59.999999).
    if at > application.dossier_deadline:
        raise TransitionError(
            _("Le délai de dépôt du dossier complet est dépassé depuis le %(deadline)s.")
            % {"deadline": format_paris(application.dossier_deadline)}
        )
    missing = dossier_missing_items(application)
    if missing:
        raise TransitionError(_("Le dossier est incomplet : %(items)s") % {"items": " ".join(missing)})
