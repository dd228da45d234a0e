"""The full dossier (after GO): saving its sections, the completeness checklist, submission.

Every section save goes through `dossier_section_save`, which locks the application row and
bumps its `version` in the same transaction as the writes: two people saving the same section
from the same page version never overwrite each other silently, the second gets
`DossierConflict`; saves of different sections both succeed. Submission goes through `application_apply_transition("submit_dossier")`, whose
guard `dossier_submittable` is registered here.
"""

from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, Document, Submission
from applications.selectors.dossier import dossier_refusal
from applications.services.documents import document_store
from applications.services.transitions import application_apply_transition, next_reference
from applications.snapshots import freeze_submission
from applications.states import State
from cma_portal.audit import audit_record
from cma_portal.models import AuditEvent


class DossierError(Exception):
    """A refused dossier change; `message` is French, for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class DossierConflict(DossierError):
    """Someone saved the dossier since this form was displayed."""


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


# Submission ---------------------------------------------------------------------------------


@transaction.atomic
def dossier_submit(*, application: Application, actor, at: datetime | None = None) -> Submission:
    """Submit the full dossier: checks the state, the actor, the deadline and completeness
    (guard of the `submit_dossier` row), records `dossier_submitted_at`, and freezes a
    `Submission` (kind "dossier") in the same transaction. Side effects: those of the row. A
    second call (double click) finds the state moved and raises `TransitionError` without
    creating a second Submission.
    """
    at = at or timezone.now()
    frozen: list[Submission] = []

    def stamp_and_freeze(locked: Application) -> None:
        locked.dossier_submitted_at = at
        if not locked.reference:
            locked.reference = next_reference(at=at)
        frozen.append(
            freeze_submission(locked, kind=Submission.Kind.DOSSIER, submitted_by=actor, submitted_at=at)
        )

    application_apply_transition(
        application=application,
        name="submit_dossier",
        actor=actor,
        at=at,
        expected_state=State.DOSSIER_DRAFT,
        apply=stamp_and_freeze,
    )
    return frozen[0]
