"""An application's history as people read it: each audit event gets a label and a sentence
("Lettre d'intention déposée par Jeanne Martin", "Date limite prolongée au 3 mars 2027 : …"),
in the reader's language, never a raw code."""

from datetime import datetime

from django.utils.translation import gettext as _

from applications.models import Document
from applications.states import State
from cma_portal.audit import verb_label
from cma_portal.formats import date_text, datetime_text

# What each transition did, said in the past.
TRANSITION_DONE = {
    "submit_letter": lambda: _("Lettre d'intention déposée"),
    "request_correction": lambda: _("Correction de la lettre d'intention demandée"),
    "go": lambda: _("GO : lettre d'intention retenue"),
    "no_go": lambda: _("NO GO : lettre d'intention non retenue"),
    "submit_dossier": lambda: _("Dossier complet déposé"),
    "expire": lambda: _("Dossier complet non déposé dans le délai"),
    "start_review": lambda: _("Évaluation du dossier commencée"),
    "select": lambda: _("Projet lauréat"),
    "waitlist": lambda: _("Projet placé sur liste complémentaire"),
    "reject": lambda: _("Projet non retenu"),
    "withdraw": lambda: _("Candidature retirée"),
}

SECTION_LABELS = {
    "presentation": lambda: _("présentation du projet"),
    "annex": lambda: _("annexe financière"),
    "partners": lambda: _("partenaires"),
    "budget": lambda: _("budget"),
    "training": lambda: _("publics formés"),
    "milestones": lambda: _("jalons"),
    "documents": lambda: _("autres documents"),
}


def state_label(code: str) -> str:
    return str(State(code).label) if code in State.values else ""


def _when(iso: str | None, *, with_time=False) -> str:
    if not iso:
        return ""
    try:
        value = datetime.fromisoformat(iso)
    except ValueError:
        return ""
    return datetime_text(value) if with_time else date_text(value)


def _label(event) -> str:
    data = event.data or {}
    if event.verb == "transition":
        done = TRANSITION_DONE.get(data.get("transition", ""))
        if done:
            return done()
        target = state_label(event.to_state)
        return _("État : %(state)s") % {"state": target} if target else verb_label(event.verb)
    if event.verb == "created" and event.to_state == State.LI_DRAFT:
        return _("Lettre d'intention créée")
    if event.verb == "message_posted":
        return _("Message de l'équipe du programme") if data.get("from_staff") else _("Message du porteur")
    if event.verb == "decision":
        target = state_label(event.to_state)
        return _("Décision du comité : %(state)s") % {"state": target} if target else verb_label(event.verb)
    return verb_label(event.verb)


def _details(event) -> str:
    data = event.data or {}
    verb = event.verb
    if verb == "deadline_extended":
        return _("Nouvelle date limite : %(date)s") % {
            "date": _when(data.get("new_deadline"), with_time=True)
        }
    if verb == "document_uploaded":
        kind = data.get("kind", "")
        kind_label = str(Document.Kind(kind).label) if kind in Document.Kind.values else ""
        name = data.get("original_name", "")
        if kind_label and name:
            return _("%(kind)s : %(name)s") % {"kind": kind_label, "name": name}
        return kind_label or name
    if verb == "dossier_saved":
        section = SECTION_LABELS.get(data.get("section", ""))
        return _("Partie : %(section)s") % {"section": section()} if section else ""
    if verb in ("collaborator_invited", "collaborator_accepted", "collaborator_removed"):
        return data.get("email", "")
    if verb == "reminder_sent":
        deadline = _when(data.get("deadline"), with_time=True)
        return _("Échéance du %(date)s") % {"date": deadline} if deadline else ""
    if verb == "wave_changed":
        return _("De « %(old)s » vers « %(new)s »") % {"old": data.get("from", ""), "new": data.get("to", "")}
    if verb == "transition" and data.get("transition") == "go" and data.get("dossier_deadline"):
        return _("Dossier complet à déposer au plus tard le %(date)s") % {
            "date": _when(data.get("dossier_deadline"), with_time=True)
        }
    return ""


def _actor(event) -> str:
    actor = event.actor
    if actor is None:
        return ""
    return actor.get_full_name() or actor.email


def describe(event):
    """Set `label`, `details`, `actor_name` and `sentence` on `event` and return it."""
    event.label = _label(event)
    event.details = _details(event)
    event.actor_name = _actor(event)
    event.from_label = state_label(event.from_state)
    event.to_label = state_label(event.to_state)
    sentence = (
        _("%(what)s par %(who)s") % {"what": event.label, "who": event.actor_name}
        if event.actor_name
        else event.label
    )
    event.sentence = f"{sentence} — {event.details}" if event.details else sentence
    return event


def described(events) -> list:
    return [describe(event) for event in events]
