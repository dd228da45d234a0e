"""The full dossier (after GO): saving its sections, the completeness checklist, submission.

Every section save goes through `dossier_section_save`, which locks the application row and
bumps its `version` in the same transaction as the writes: two people saving the same section
from the same page version never overwrite each other silently, the second gets
`DossierConflict`; saves of different sections both succeed. Submission goes through `application_transition("submit_dossier")`, whose
guard `dossier_submittable` is registered here.
"""

import math
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cma_portal import roles
from cma_portal.audit import audit_record
from cma_portal.emails import queue_email
from cma_portal.models import AuditEvent

from . import services
from .models import Application, Document, Submission
from .selectors import application_editors
from .services_documents import document_store
from .snapshots import budget_totals, current_documents, freeze_submission
from .workflow import State

# The warning threshold between the letter's estimate and the dossier's budget.
BUDGET_DRIFT_WARNING_PERCENT = Decimal("20")


class DossierError(Exception):
    """A refused dossier change; `message` is French, for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class DossierConflict(DossierError):
    """Someone saved the dossier since this form was displayed."""


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


def dossier_editable(application: Application, at: datetime | None = None) -> bool:
    return dossier_refusal(application, at) is None


@transaction.atomic
def dossier_section_save(
    *,
    application: Application,
    actor,
    version: int,
    section: str,
    write: Callable[[], dict | None],
    at: datetime | None = None,
) -> Application:
    """Save one section of the dossier.

    Locks the application row; when `version` (the one the page was displayed with) moved, the
    save is refused with `DossierConflict` only if the same section was saved since — co-editors
    saving different sections both succeed. Then bumps the version and runs `write` (the ORM
    writes of the section) in the same transaction. `DossierError` when the
    dossier is not editable (state, deadline). `write` may return a dict recorded in the audit.

    Side effects: an AuditEvent (verb "dossier_saved", data {"section": ...}).
    """
    at = at or timezone.now()
    refusal = dossier_refusal(application, at)
    if refusal:
        raise DossierError(refusal)
    locked = Application.objects.select_for_update().get(pk=application.pk)
    refusal = dossier_refusal(locked, at)
    if refusal:
        raise DossierError(refusal)
    if locked.version != version and section_saved_since(application, section=section, version=version):
        raise DossierConflict(
            _(
                "Cette partie du dossier a été modifiée par une autre personne depuis l'affichage de "
                "cette page. Rien n'a été enregistré : vos saisies sont conservées ci-dessous ; "
                "vérifiez-les puis enregistrez à nouveau."
            )
        )
    # Another section saved meanwhile is no conflict: the version only orders the saves.
    Application.objects.filter(pk=application.pk).update(version=F("version") + 1, updated_at=at)
    details = write() or {}
    application.version = locked.version + 1
    application.updated_at = at
    audit_record(
        actor=actor,
        verb="dossier_saved",
        obj=application,
        data={"section": section, "version": application.version, **details},
    )
    return application


def section_saved_since(application: Application, *, section: str, version: int) -> bool:
    """Whether `section` was saved after the page showing `version` was displayed: each save
    records the version it produced, so the versions are per section without a column each."""
    saved = AuditEvent.objects.filter(
        object_type=application._meta.label_lower,
        object_id=str(application.pk),
        verb="dossier_saved",
        data__section=section,
    ).values_list("data", flat=True)
    return any(int((data or {}).get("version") or 0) > version for data in saved)


def document_replace(
    *,
    application: Application,
    kind: str,
    uploaded_file,
    user,
    page_count: int | None = None,
    partner=None,
    label: str = "",
    content_type: str = "",
) -> Document:
    """Store `uploaded_file` (validated by the form) as a document of the dossier. For the
    single-document kinds (presentation, annex, a partner's commitment) the previous current one
    is retired by `document_store` and kept for the submissions that point at it."""
    document = document_store(
        application=application,
        kind=kind,
        uploaded_file=uploaded_file,
        user=user,
        label=label,
        partner=partner,
        page_count=page_count,
    )
    if content_type and content_type != document.content_type:
        # `document_store` only recognises PDFs and workbooks; the form sniffed the others.
        Document.objects.filter(pk=document.pk).update(content_type=content_type)
        document.content_type = content_type
    return document


def document_retire(*, application: Application, document: Document) -> None:
    """Take a further document out of the dossier (kept on disk for past submissions)."""
    Document.objects.filter(pk=document.pk, application=application).update(is_current=False)


# Completeness -------------------------------------------------------------------------------


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


def dossier_missing_items(
    application: Application,
    *,
    documents: list[Document] | None = None,
    partners=None,
    totals: dict | None = None,
    has_training: bool | None = None,
    has_milestones: bool | None = None,
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
    return missing


# Submission ---------------------------------------------------------------------------------


@services.guard("dossier_submittable")
def _dossier_submittable(application: Application, at: datetime) -> None:
    if application.dossier_deadline is None:
        raise services.TransitionError(_("Aucune date limite de dépôt n'est fixée pour ce dossier."))
    # The deadline instant itself is still on time (end of day, 23:59:59.999999).
    if at > application.dossier_deadline:
        raise services.TransitionError(
            _("Le délai de dépôt du dossier complet est dépassé depuis le %(deadline)s.")
            % {"deadline": format_paris(application.dossier_deadline)}
        )
    missing = dossier_missing_items(application)
    if missing:
        raise services.TransitionError(
            _("Le dossier est incomplet : %(items)s") % {"items": " ".join(missing)}
        )


@transaction.atomic
def dossier_submit(*, application: Application, actor, at: datetime | None = None) -> Submission:
    """Submit the full dossier: checks the state, the actor, the deadline and completeness
    (guard `dossier_submittable`), records `dossier_submitted_at`, and freezes a `Submission`
    (kind "dossier") in the same transaction.

    Side effects: the transition's AuditEvent; on commit, the `dossier_submitted` email to the
    applicant side and to programme managers. A second call (double click) finds the state
    moved and raises `TransitionError` without creating a second Submission.
    """
    at = at or timezone.now()

    def apply(locked: Application) -> None:
        locked.dossier_submitted_at = at
        if not locked.reference:
            locked.reference = services.next_reference(at=at)

    locked = services.application_transition(
        application=application,
        name="submit_dossier",
        actor=actor,
        at=at,
        expected_state=State.DOSSIER_DRAFT,
        apply=apply,
    )
    return freeze_submission(locked, kind=Submission.Kind.DOSSIER, submitted_by=actor, submitted_at=at)


@services.on_transition("submit_dossier")
def _email_dossier_submitted(application: Application, actor, note: str, data: dict) -> None:
    User = get_user_model()
    editors = application_editors(application)
    managers = User.objects.filter(groups__name=roles.PROGRAMME_MANAGER, is_active=True).distinct()
    context = {
        "reference": application.reference or "",
        "title": application.title,
        "acronym": application.acronym,
        "submitted_date": _local(application.dossier_submitted_at).strftime("%d/%m/%Y"),
        "submitted_time": _local(application.dossier_submitted_at).strftime("%H:%M"),
        "url": reverse("applications:dossier", args=[application.pk]),
    }
    queue_email(recipients=[*editors, *managers], template="dossier_submitted", context=context)
