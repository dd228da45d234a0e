"""The states of an application (the workflow's vocabulary; `workflow.py` holds the transitions)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    LI_DRAFT = "li_draft", _("Lettre d'intention en brouillon")
    LI_SUBMITTED = "li_submitted", _("Lettre d'intention déposée")
    LI_REJECTED = "li_rejected", _("NO GO")
    DOSSIER_DRAFT = "dossier_draft", _("Dossier complet à déposer")
    DOSSIER_SUBMITTED = "dossier_submitted", _("Dossier complet déposé")
    DOSSIER_EXPIRED = "dossier_expired", _("Dossier non déposé dans le délai")
    UNDER_REVIEW = "under_review", _("En évaluation")
    SELECTED = "selected", _("Lauréat")
    WAITLISTED = "waitlisted", _("Liste complémentaire")
    NOT_SELECTED = "not_selected", _("Non retenu")
    WITHDRAWN = "withdrawn", _("Retirée")

    @classmethod
    def open_states(cls) -> tuple[str, ...]:
        return (
            cls.LI_DRAFT,
            cls.LI_SUBMITTED,
            cls.DOSSIER_DRAFT,
            cls.DOSSIER_SUBMITTED,
            cls.UNDER_REVIEW,
            cls.WAITLISTED,
        )

    @classmethod
    def editable_by_applicant(cls) -> tuple[str, ...]:
        return (cls.LI_DRAFT, cls.DOSSIER_DRAFT)
