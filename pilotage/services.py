"""Writes of the steering pages: staff invitations, roles, deactivation, editable pages, edited
emails.
Every function is keyword-only, atomic and audited."""

from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cma_portal import roles
from cma_portal.audit import audit_record
from cma_portal.email_overrides import check_text, default_texts
from cma_portal.email_registry import EDITABLE_EMAILS
from cma_portal.emails import queue_email
from cma_portal.models import EmailTemplateOverride, Invitation, SitePage, User
from waves.deadlines import PARIS

INVITATION_VALIDITY = timedelta(days=14)
INVITABLE_ROLES = (roles.REVIEWER, roles.PROGRAMME_MANAGER)


class PilotageError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@transaction.atomic
def invitation_create(*, actor, email: str, role: str, actions, at: datetime | None = None) -> Invitation:
    """Invite `email` to the staff with `role`. Side effects: audit "invitation_created"; the
    invitation email on commit."""
    at = at or timezone.now()
    if role not in INVITABLE_ROLES:
        raise PilotageError(_("Rôle inconnu."))
    invitation = Invitation.objects.create(
        email=email.strip().lower(), role=role, invited_by=actor, expires_at=at + INVITATION_VALIDITY
    )
    invitation.actions.set(actions)
    numbers = sorted(a.number for a in actions)
    audit_record(
        actor=actor,
        verb="invitation_created",
        obj=invitation,
        data={"email": invitation.email, "role": role, "actions": numbers},
    )
    queue_email(
        recipients=[invitation.email],
        template="staff_invitation",
        context={
            "role_label": str(invitation.get_role_display()),
            "actions": ", ".join(str(n) for n in numbers),
            "accept_path": reverse("profile:invitation", args=[invitation.token]),
            "expires_at": invitation.expires_at.astimezone(PARIS).strftime("%d/%m/%Y %H:%M"),
        },
    )
    return invitation


def _set_reviewer_actions(*, user, actions, actor) -> bool:
    """Hand the covered actions to the reviews app when it offers the hook; False otherwise
    (the actions then stay recorded on the invitation)."""
    try:
        from reviews.services.grids import reviewer_set_actions
    except ImportError:
        return False
    reviewer_set_actions(user=user, actions=actions, actor=actor)
    return True


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User, at: datetime | None = None) -> Invitation:
    """`user` accepts: receives the role (reviewers: their covered actions). Exactly once: the
    invitation row is claimed with a conditional UPDATE. Side effects: audit "invitation_accepted"
    and "role_granted"."""
    at = at or timezone.now()
    if invitation.email.lower() != user.email.lower():
        raise PilotageError(
            _("Cette invitation a été envoyée à une autre adresse : connectez-vous avec l'adresse invitée.")
        )
    claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, expires_at__gt=at).update(
        accepted_at=at, accepted_by=user
    )
    if not claimed:
        raise PilotageError(_("Cette invitation a déjà été utilisée ou a expiré."))
    invitation.refresh_from_db()
    roles.grant_role(user, invitation.role)
    actions = list(invitation.actions.all())
    delegated = False
    if invitation.role == roles.REVIEWER:
        delegated = _set_reviewer_actions(user=user, actions=actions, actor=invitation.invited_by)
    audit_record(actor=user, verb="invitation_accepted", obj=invitation, data={"role": invitation.role})
    audit_record(
        actor=user,
        verb="role_granted",
        obj=user,
        data={
            "role": invitation.role,
            "actions": sorted(a.number for a in actions),
            "actions_in_reviews": delegated,
            "invitation": invitation.pk,
        },
    )
    return invitation


@transaction.atomic
def user_set_roles(*, user: User, staff_roles: set[str], actor) -> User:
    """Make `user`'s staff roles exactly `staff_roles`. An administrator cannot remove their own
    administrator role (nobody would be left to give it back). Side effects: audit
    "roles_changed"."""
    staff_roles = set(staff_roles) & set(roles.STAFF_ROLES)
    current = set(user.groups.filter(name__in=roles.STAFF_ROLES).values_list("name", flat=True))
    if user.pk == actor.pk and roles.ADMINISTRATOR in current and roles.ADMINISTRATOR not in staff_roles:
        raise PilotageError(_("Vous ne pouvez pas retirer votre propre rôle d'administrateur·rice."))
    for role in staff_roles - current:
        roles.grant_role(user, role)
    for role in current - staff_roles:
        roles.revoke_role(user, role)
    if staff_roles != current:
        audit_record(
            actor=actor,
            verb="roles_changed",
            obj=user,
            data={"from": sorted(current), "to": sorted(staff_roles)},
        )
    return user


@transaction.atomic
def user_set_active(*, user: User, active: bool, actor) -> User:
    """Deactivate (or reactivate) an account. Submissions and applications stay untouched.
    Side effects: audit "user_deactivated" / "user_reactivated"."""
    if user.pk == actor.pk and not active:
        raise PilotageError(_("Vous ne pouvez pas désactiver votre propre compte."))
    if user.is_active == active:
        return user
    User.objects.filter(pk=user.pk).update(is_active=active)
    user.is_active = active
    audit_record(actor=actor, verb="user_reactivated" if active else "user_deactivated", obj=user)
    return user


@transaction.atomic
def site_page_update(
    *,
    page: SitePage,
    actor,
    title_fr: str,
    title_en: str,
    body_fr: str,
    body_en: str,
    at: datetime | None = None,
) -> SitePage:
    """Edit an editable page. Side effects: audit "site_page_updated" with the previous text."""
    previous = {
        "title_fr": page.title_fr,
        "title_en": page.title_en,
        "body_fr": page.body_fr,
        "body_en": page.body_en,
    }
    page.title_fr, page.title_en, page.body_fr, page.body_en = title_fr, title_en, body_fr, body_en
    page.updated_at = at or timezone.now()
    page.updated_by = actor
    page.save()
    audit_record(actor=actor, verb="site_page_updated", obj=page, data={"previous": previous})
    return page


def _normalised(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


@transaction.atomic
def email_template_save(
    *,
    name: str,
    language: str,
    subject: str,
    body: str,
    actor,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> EmailTemplateOverride | None:
    """Save the edited subject and body of email `name` in `language` (issue 15). A text equal
    to the default is no edit: a stored edit is then removed (as by a reset).

    Refuses (PilotageError) an unknown email or language, and a text with a placeholder the
    email does not receive or any template tag, and — `expected_version` given: the version the
    editor started from, 0 for the default — an edit saved by someone else in between.
    Side effects: audit "email_template_updated" with the previous text (or
    "email_template_reset")."""
    entry = EDITABLE_EMAILS.get(name)
    if entry is None or language not in EmailTemplateOverride.Language.values:
        raise PilotageError(_("Courriel inconnu."))
    subject, body = " ".join(subject.split()), _normalised(body) + "\n"
    errors = check_text(subject, entry.allowed()) + check_text(body, entry.allowed())
    if errors:
        raise PilotageError(" ".join(str(e) for e in errors))
    with translation.override(language):
        default_subject, default_body = default_texts(name)
    stored = (
        EmailTemplateOverride.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .filter(name=name, language=language)
        .first()
    )
    if expected_version is not None and (stored.version if stored else 0) != expected_version:
        raise PilotageError(
            _(
                "Ce courriel a été modifié entre-temps (%(who)s, le %(date)s) : votre texte n'est pas "
                "enregistré. Copiez-le, rechargez la page et reportez vos modifications."
            )
            % {
                "who": stored.updated_by.email if stored and stored.updated_by else "—",
                "date": timezone.localtime(stored.updated_at).strftime("%d/%m/%Y %H:%M") if stored else "—",
            }
            if stored
            else _("Ce courriel a été remis au texte par défaut entre-temps : rechargez la page.")
        )
    if subject == default_subject and _normalised(body) == _normalised(default_body):
        if stored is not None:
            email_template_reset(name=name, language=language, actor=actor)
        return None
    if stored is not None and (stored.subject, stored.body) == (subject, body):
        return stored
    previous = {"subject": stored.subject, "body": stored.body} if stored else None
    if stored is None:
        stored = EmailTemplateOverride(name=name, language=language, version=0)
    stored.subject, stored.body = subject, body
    stored.version += 1
    stored.updated_at = at or timezone.now()
    stored.updated_by = actor
    stored.save()
    audit_record(
        actor=actor,
        verb="email_template_updated",
        obj=stored,
        data={"name": name, "language": language, "version": stored.version, "previous": previous},
    )
    return stored


@transaction.atomic
def email_template_reset(*, name: str, language: str, actor) -> bool:
    """Go back to the default files for email `name` in `language`; False if it was not edited.
    Side effects: audit "email_template_reset" with the removed text."""
    stored = EmailTemplateOverride.objects.select_for_update().filter(name=name, language=language).first()
    if stored is None:
        return False
    audit_record(
        actor=actor,
        verb="email_template_reset",
        obj=stored,
        data={
            "name": name,
            "language": language,
            "removed": {"subject": stored.subject, "body": stored.body},
        },
    )
    stored.delete()
    return True
