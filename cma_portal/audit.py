"""Writing the audit trail. Every service that changes state calls `audit_record`."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cma_portal.models import AuditEvent


def audit_record(
    *,
    actor,
    verb: str,
    obj: models.Model,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
    )


def audit_events_for(obj: models.Model):
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related(
        "actor"
    )


# Every audit verb, as people read it (French source, English in the catalogue). A verb written
# without a label here fails tests/cma_portal/test_audit_labels.py.
VERB_LABELS = {
    "account_deleted": _("Compte supprimé"),
    "assigned": _("Dossier confié à un·e évaluateur·rice"),
    "assignment_withdrawn": _("Évaluation retirée à l'évaluateur·rice"),
    "calendar_token_regenerated": _("Lien du calendrier renouvelé"),
    "consensus_saved": _("Consensus enregistré par le rapporteur"),
    "consensus_sent_back": _("Consensus renvoyé au rapporteur"),
    "consensus_submitted": _("Consensus transmis pour validation"),
    "consensus_validated": _("Consensus validé"),
    "collaborator_accepted": _("Invitation à co-éditer acceptée"),
    "collaborator_invited": _("Co-éditeur·rice invité·e"),
    "collaborator_removed": _("Co-éditeur·rice retiré·e"),
    "created": _("Création"),
    "deadline_extended": _("Date limite prolongée"),
    "decision": _("Décision du comité enregistrée"),
    "document_uploaded": _("Document déposé"),
    "document_infected": _("Document écarté par l'antivirus"),
    "dossier_saved": _("Dossier complet enregistré"),
    "email_template_reset": _("Courriel remis au texte par défaut"),
    "email_template_updated": _("Courriel modifié"),
    "draft_purged": _("Brouillon supprimé après la durée de conservation"),
    "evaluation_summary_created": _("Synthèse de l'évaluation préparée"),
    "evaluation_summary_released": _("Synthèse de l'évaluation transmise au porteur"),
    "evaluation_summary_saved": _("Synthèse de l'évaluation modifiée"),
    "grid_created": _("Grille d'évaluation créée"),
    "grid_updated": _("Grille d'évaluation modifiée"),
    "interests_declared": _("Déclaration d'intérêts"),
    "invitation_accepted": _("Invitation acceptée"),
    "invitation_created": _("Invitation envoyée"),
    "laureates_published": _("Lauréats publiés"),
    "letter_saved": _("Lettre d'intention enregistrée"),
    "message_posted": _("Message envoyé"),
    "question_activated": _("Question par action de nouveau posée"),
    "question_created": _("Question par action ajoutée"),
    "question_deactivated": _("Question par action retirée des formulaires"),
    "question_updated": _("Question par action modifiée"),
    "preferences_changed": _("Préférences modifiées"),
    "rapporteur_named": _("Rapporteur désigné"),
    "reminder_sent": _("Rappel envoyé"),
    "resubmission_created": _("Lettre redéposée après un NO GO"),
    "resubmitted": _("Redéposée dans une nouvelle lettre"),
    "review_saved": _("Évaluation enregistrée"),
    "review_submitted": _("Évaluation transmise"),
    "reviewer_actions": _("Actions de l'évaluateur·rice modifiées"),
    "role_granted": _("Rôle attribué"),
    "roles_changed": _("Rôles modifiés"),
    "site_page_updated": _("Page du site modifiée"),
    "staff_note_added": _("Note interne ajoutée"),
    "transition": _("Changement d'état"),
    "updated": _("Modification"),
    "user_deactivated": _("Compte désactivé"),
    "user_reactivated": _("Compte réactivé"),
    "wave_announced": _("Ouverture de la vague annoncée"),
    "wave_closed_early": _("Vague close avant la date prévue"),
    "wave_created": _("Vague créée"),
    "wave_extended": _("Vague prolongée"),
    "wave_opened": _("Vague ouverte"),
    "wave_updated": _("Vague modifiée"),
    "wave_changed": _("Candidature déplacée vers une autre vague"),
}


def verb_label(verb: str) -> str:
    """The human label of an audit verb; an unknown verb is shown as a generic event, never as
    its code."""
    return str(VERB_LABELS.get(verb, _("Événement")))
