"""Organisations and their members; co-editors of an application (invitations)."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application, Collaborator, Membership, Organisation
from cma_portal.audit import audit_record
from cma_portal.emails import queue_email

ORGANISATION_FIELDS = ("name", "kind", "siret", "uai", "region", "address")


class CollaborationError(Exception):
    """A refused invitation, acceptance or removal: the message is French, for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@transaction.atomic
def organisation_create(*, user, data: dict) -> Organisation:
    """Create an organisation and make `user` a member. Side effects: AuditEvent "created"."""
    organisation = Organisation.objects.create(**{k: data.get(k, "") for k in ORGANISATION_FIELDS})
    Membership.objects.create(organisation=organisation, user=user)
    audit_record(actor=user, verb="created", obj=organisation, data={"name": organisation.name})
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, user, data: dict) -> Organisation:
    """Update an organisation's identity. Side effects: AuditEvent "updated" with the changes."""
    changes = {}
    for name in ORGANISATION_FIELDS:
        if name in data and getattr(organisation, name) != data[name]:
            changes[name] = [getattr(organisation, name), data[name]]
            setattr(organisation, name, data[name])
    organisation.save()
    audit_record(actor=user, verb="updated", obj=organisation, data={"changes": changes})
    return organisation


@transaction.atomic
def collaborator_invite(*, application: Application, email: str, invited_by) -> Collaborator:
    """Invite `email` to co-edit `application` (owner only). Side effects: AuditEvent
    "collaborator_invited"; on commit, the "invitation" email with the acceptance link."""
    from django.urls import reverse

    email = email.strip().lower()
    if application.owner_id != invited_by.pk:
        raise CollaborationError(
            _("Seul·e le ou la porteur·se de la candidature peut inviter des co-éditeurs.")
        )
    if email == application.owner.email.lower():
        raise CollaborationError(_("Cette adresse est celle du ou de la porteur·se de la candidature."))
    try:
        with transaction.atomic():
            collaborator = Collaborator.objects.create(
                application=application, email=email, invited_by=invited_by
            )
    except IntegrityError:
        collaborator = Collaborator.objects.select_for_update().get(application=application, email=email)
        if collaborator.accepted_at is not None:
            raise CollaborationError(_("Cette personne co-édite déjà cette candidature.")) from None
        # Inviting again a pending address sends a fresh link; the old one stops working.
        collaborator.token = secrets.token_urlsafe()
        collaborator.invited_at = timezone.now()
        collaborator.invited_by = invited_by
        collaborator.save(update_fields=["token", "invited_at", "invited_by"])
    audit_record(actor=invited_by, verb="collaborator_invited", obj=application, data={"email": email})
    queue_email(
        recipients=[email],
        template="invitation",
        context={
            "inviter": str(invited_by),
            "title": application.title or str(_("(sans titre)")),
            "reference": application.reference or "",
            "accept_url": settings.SITE_URL + reverse("applications:invitation", args=[collaborator.token]),
        },
    )
    return collaborator


def user_emails(user) -> set[str]:
    """The user's login address and every verified address (allauth)."""
    from allauth.account.models import EmailAddress

    emails = {user.email.lower()}
    emails |= {
        e.lower()
        for e in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    }
    return emails


@transaction.atomic
def collaborator_accept(*, token: str, user) -> Collaborator:
    """Accept an invitation addressed to one of `user`'s addresses. Side effects: AuditEvent
    "collaborator_accepted"."""
    collaborator = (
        Collaborator.objects.select_for_update().select_related("application").filter(token=token).first()
    )
    if collaborator is None:
        raise CollaborationError(_("Cette invitation n'existe pas ou a été retirée."))
    if collaborator.email.lower() not in user_emails(user):
        raise CollaborationError(
            _(
                "Cette invitation a été envoyée à une autre adresse électronique. Connectez-vous avec "
                "le compte de cette adresse pour l'accepter."
            )
        )
    if collaborator.accepted_at is not None:
        return collaborator
    expires_at = collaborator.invited_at + timedelta(days=settings.COLLABORATOR_INVITATION_DAYS)
    if timezone.now() >= expires_at:
        raise CollaborationError(
            _(
                "Cette invitation a expiré le %(date)s. Demandez au ou à la porteur·se de la candidature "
                "de vous inviter de nouveau."
            )
            % {"date": timezone.localtime(expires_at).strftime("%d/%m/%Y")}
        )
    if collaborator.application.owner_id == user.pk:
        raise CollaborationError(_("Vous êtes déjà le ou la porteur·se de cette candidature."))
    collaborator.user = user
    collaborator.accepted_at = timezone.now()
    collaborator.save(update_fields=["user", "accepted_at"])
    audit_record(
        actor=user,
        verb="collaborator_accepted",
        obj=collaborator.application,
        data={"email": collaborator.email},
    )
    return collaborator


@transaction.atomic
def collaborator_remove(*, collaborator: Collaborator, user) -> None:
    """Remove a co-editor or cancel an invitation (owner only). Side effects: AuditEvent
    "collaborator_removed"."""
    application = collaborator.application
    if application.owner_id != user.pk:
        raise CollaborationError(
            _("Seul·e le ou la porteur·se de la candidature peut retirer un co-éditeur.")
        )
    email = collaborator.email
    collaborator.delete()
    audit_record(actor=user, verb="collaborator_removed", obj=application, data={"email": email})
