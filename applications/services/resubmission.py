"""Resubmission after a NO GO: a new letter-of-intent draft prefilled from the rejected one.

The call's practice: a NO GO may come with recommendations (`decision_note`) and a later
resubmission. The new draft copies the letter's fields, actions, components and intended
partners (never the documents: the applicant uploads a revised letter), points back to the old
application (`resubmission_of`; the old one lists it in `resubmissions`), and is audited on both.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from applications.errors import TransitionError
from applications.models import Application, ConsortiumPartner
from applications.services.letters import LETTER_FIELDS
from applications.states import State
from cma_portal.audit import audit_record


def may_resubmit(user, application: Application) -> bool:
    """Only the owner, only from a NO GO."""
    return application.owner_id == getattr(user, "pk", None) and application.state == State.LI_REJECTED


@transaction.atomic
def letter_resubmit(*, user, source: Application, wave) -> Application:
    """A new draft in `wave` prefilled from the NO GO application `source`.

    Raises TransitionError when `source` is not a NO GO of `user` or `wave` accepts no letter.
    Side effects: AuditEvent "resubmission_created" on the new draft and "resubmitted" on `source`.
    """
    source = Application.objects.select_for_update().get(pk=source.pk)
    if not may_resubmit(user, source):
        raise TransitionError(_("Seule une candidature ayant reçu un NO GO peut être redéposée."))
    if not wave.accepts_letters():
        raise TransitionError(_("Cette vague n'accepte plus de lettre d'intention."))
    draft = Application.objects.create(
        wave=wave,
        owner=user,
        state=State.LI_DRAFT,
        resubmission_of=source,
        **{name: getattr(source, name) for name in LETTER_FIELDS},
    )
    wave_actions = set(wave.actions.values_list("pk", flat=True))
    actions = [a for a in source.actions.all() if a.pk in wave_actions]
    draft.actions.set(actions)
    draft.components.set([c for c in source.components.all() if c.action_id in {a.pk for a in actions}])
    ConsortiumPartner.objects.bulk_create(
        ConsortiumPartner(
            application=draft,
            organisation_id=p.organisation_id,
            role=p.role,
            contribution=p.contribution,
            order=p.order,
        )
        for p in source.partners.all()
    )
    audit_record(
        actor=user,
        verb="resubmission_created",
        obj=draft,
        to_state=State.LI_DRAFT,
        data={"wave": wave.pk, "resubmission_of": source.pk},
    )
    audit_record(actor=user, verb="resubmitted", obj=source, data={"resubmission": draft.pk})
    return draft
