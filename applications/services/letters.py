"""Writing letters of intent: create, save a draft (optimistic concurrency), submit, withdraw."""

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.errors import TransitionError
from applications.models import Application, ConsortiumPartner, Organisation, Submission
from applications.services.questions import answers_save
from applications.services.transitions import application_apply_transition, next_reference
from applications.snapshots import freeze_submission
from applications.states import State
from cma_portal.audit import audit_record

LETTER_FIELDS = (
    "lead_organisation",
    "title",
    "acronym",
    "summary",
    "estimated_total_cost",
    "estimated_aid_requested",
    "planned_duration_months",
    "people_trained_per_year",
    "audience",
)


class ConflictError(Exception):
    """Someone else saved the application since this form was loaded."""

    message = _(
        "Un autre membre a enregistré cette candidature pendant que vous la modifiiez. Vos saisies "
        "sont conservées ci-dessous mais n'ont pas été enregistrées : comparez avec la version "
        "actuelle (ouvrez-la dans un autre onglet), puis enregistrez de nouveau."
    )


@transaction.atomic
def letter_create(*, user, wave, lead_organisation: Organisation | None = None) -> Application:
    """A new letter-of-intent draft owned by `user`. Side effects: AuditEvent "created"."""
    application = Application.objects.create(
        wave=wave, owner=user, lead_organisation=lead_organisation, state=State.LI_DRAFT
    )
    audit_record(actor=user, verb="created", obj=application, to_state=State.LI_DRAFT, data={"wave": wave.pk})
    return application


def _claim_version(application: Application, version: int, at: datetime) -> None:
    """Conditional UPDATE … WHERE version = v: exactly one of two concurrent saves wins."""
    claimed = Application.objects.filter(
        pk=application.pk, version=version, state__in=State.editable_by_applicant()
    ).update(version=F("version") + 1, updated_at=at)
    if not claimed:
        current = Application.objects.filter(pk=application.pk).values_list("state", flat=True).first()
        if current not in State.editable_by_applicant():
            raise TransitionError(
                _("Cette candidature n'est plus modifiable (elle a été déposée ou retirée).")
            )
        raise ConflictError()
    application.version = version + 1
    application.updated_at = at


@transaction.atomic
def letter_save(
    *,
    application: Application,
    user,
    version: int,
    fields: dict,
    actions=None,
    components=None,
    partners: list[dict] | None = None,
    answers: dict | None = None,
) -> Application:
    """Save the letter's fields if nobody saved since `version` was read; bump the version.

    `partners` is a list of {"name", "kind", "region", "role"}; None leaves partners unchanged.
    `answers` maps questions per action to their cleaned values (`services.questions`).
    Raises ConflictError (nothing written) on a stale version, TransitionError when the
    application is no longer editable. Side effects: AuditEvent "letter_saved" with the fields.
    """
    at = timezone.now()
    _claim_version(application, version, at)
    changed = []
    for name in LETTER_FIELDS:
        if name in fields and getattr(application, name) != fields[name]:
            setattr(application, name, fields[name])
            changed.append(name)
    application.save(update_fields=[*LETTER_FIELDS, "version", "updated_at"])
    if actions is not None:
        application.actions.set(actions)
    if components is not None:
        application.components.set(components)
    if partners is not None:
        letter_set_partners(application=application, partners=partners)
    if answers:
        changed += answers_save(application=application, user=user, values=answers)
    audit_record(
        actor=user,
        verb="letter_saved",
        obj=application,
        data={"changed": changed, "version": application.version},
    )
    return application


def letter_set_partners(*, application: Application, partners: list[dict]) -> None:
    """Make the intended consortium match `partners`, reusing existing partner rows by name."""
    existing = {
        p.organisation.name.strip().lower(): p for p in application.partners.select_related("organisation")
    }
    keep: set[int] = set()
    for order, row in enumerate(partners):
        key = row["name"].strip().lower()
        partner = existing.get(key)
        if partner is None:
            organisation = Organisation.objects.filter(
                name__iexact=row["name"].strip(), kind=row["kind"]
            ).first()
            if organisation is None:
                organisation = Organisation.objects.create(
                    name=row["name"].strip(), kind=row["kind"], region=row["region"]
                )
            if organisation.pk == application.lead_organisation_id:
                continue
            partner, _created = ConsortiumPartner.objects.get_or_create(
                application=application,
                organisation=organisation,
                defaults={"role": row["role"], "order": order},
            )
        partner.role = row["role"]
        partner.order = order
        partner.save(update_fields=["role", "order"])
        keep.add(partner.pk)
    application.partners.exclude(pk__in=keep).delete()


@transaction.atomic
def letter_submit(*, application: Application, user, at: datetime | None = None) -> Submission:
    """Submit the letter: transition `submit_letter` (guard: wave open at `at`, letter complete),
    reference assigned if missing, `letter_submitted_at` set, snapshot frozen in the same
    transaction. Side effects: those of the `submit_letter` row of `workflow.TRANSITIONS`."""
    at = at or timezone.now()
    frozen: list[Submission] = []

    def stamp_and_freeze(locked: Application) -> None:
        if not locked.reference:
            locked.reference = next_reference(at=at)
        locked.letter_submitted_at = at
        frozen.append(
            freeze_submission(locked, kind=Submission.Kind.LETTER, submitted_by=user, submitted_at=at)
        )

    application_apply_transition(
        application=application,
        name="submit_letter",
        actor=user,
        at=at,
        expected_state=State.LI_DRAFT,
        apply=stamp_and_freeze,
    )
    return frozen[0]


def application_withdraw(*, application: Application, user, note: str = "") -> Application:
    """Withdraw the application (owner only, from any open state). Side effects: those of the
    `withdraw` row of `workflow.TRANSITIONS`."""
    return application_apply_transition(application=application, name="withdraw", actor=user, note=note)
