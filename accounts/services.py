"""Writes of a user's own account: preferences, calendar token, deletion, export, and the
purge of abandoned drafts. Keyword-only, atomic, audited."""

import secrets
from datetime import datetime, timedelta

from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cma_portal.audit import audit_record
from cma_portal.models import AuditEvent, User, new_calendar_token


@transaction.atomic
def user_update_preferences(*, user: User, notify_announcements: bool, preferred_language: str) -> User:
    """Side effects: audit "preferences_changed"."""
    before = {
        "notify_announcements": user.notify_announcements,
        "preferred_language": user.preferred_language,
    }
    user.notify_announcements = notify_announcements
    user.preferred_language = preferred_language
    user.save(update_fields=["notify_announcements", "preferred_language"])
    after = {"notify_announcements": notify_announcements, "preferred_language": preferred_language}
    if before != after:
        audit_record(actor=user, verb="preferences_changed", obj=user, data={"from": before, "to": after})
    return user


@transaction.atomic
def user_regenerate_calendar_token(*, user: User) -> User:
    """The old feed URL stops working at once. Side effects: audit "calendar_token_regenerated"."""
    user.calendar_token = new_calendar_token()
    user.save(update_fields=["calendar_token"])
    audit_record(actor=user, verb="calendar_token_regenerated", obj=user)
    return user


def submitted_applications_owned(user: User):
    """Applications `user` owns that ever left the draft stage: they are kept (the state must
    keep what was submitted), so the account cannot be deleted."""
    from applications.models import Application
    from applications.states import State

    return (
        Application.objects.filter(owner=user)
        .filter(
            ~Q(state=State.LI_DRAFT) | Q(letter_submitted_at__isnull=False) | Q(submissions__isnull=False)
        )
        .distinct()
    )


class AccountDeletionRefused(Exception):
    pass


@transaction.atomic
def user_delete_account(*, user: User, at: datetime | None = None) -> None:
    """Delete `user`'s account: their draft applications are deleted, their memberships,
    co-editing rights, email addresses, authenticators and sessions removed; the user row is
    anonymised (not deleted) so that audit events and messages they wrote stay consistent
    without naming them. Refused when they own a submitted application.

    Side effects: audit "account_deleted" (no personal data in it)."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from applications.models import Application, Collaborator, Membership

    at = at or timezone.now()
    user = User.objects.select_for_update().get(pk=user.pk)
    if submitted_applications_owned(user).exists():
        raise AccountDeletionRefused
    drafts = list(Application.objects.filter(owner=user))
    for draft in drafts:
        _delete_application_files(draft)
        draft.delete()
    Membership.objects.filter(user=user).delete()
    Collaborator.objects.filter(Q(user=user) | Q(email__iexact=user.email)).delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    _delete_sessions(user)
    user.groups.clear()
    user.email = f"compte-supprime-{user.pk}-{secrets.token_hex(4)}@invalid"
    user.first_name = user.last_name = ""
    user.is_active = False
    user.notify_announcements = False
    user.calendar_token = new_calendar_token()
    user.set_unusable_password()
    user.save()
    audit_record(actor=None, verb="account_deleted", obj=user, data={"drafts_deleted": len(drafts)})


def _delete_sessions(user: User) -> None:
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()


def _delete_application_files(application) -> None:
    for document in application.documents.all():
        storage, name = document.file.storage, document.file.name
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name) if name else None)


def user_export_data(*, user: User) -> dict:
    """Everything the portal holds about `user`, as JSON-serialisable data."""
    from applications.models import Application, Membership, Message

    applications = (
        Application.objects.filter(
            Q(owner=user) | Q(collaborators__user=user, collaborators__accepted_at__isnull=False)
        )
        .select_related("wave", "lead_organisation")
        .prefetch_related("actions")
        .distinct()
        .order_by("pk")
    )
    events = AuditEvent.objects.filter(
        Q(actor=user) | Q(object_type=user._meta.label_lower, object_id=str(user.pk))
    ).order_by("created_at", "pk")
    return {
        "exported_at": timezone.now().isoformat(),
        "user": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "preferred_language": user.preferred_language,
            "notify_announcements": user.notify_announcements,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "roles": sorted(user.groups.values_list("name", flat=True)),
            "email_addresses": list(user.emailaddress_set.values("email", "verified", "primary")),
        },
        "memberships": [
            {
                "organisation": m.organisation.name,
                "kind": m.organisation.kind,
                "since": m.created_at.isoformat(),
            }
            for m in Membership.objects.filter(user=user).select_related("organisation")
        ],
        "applications": [
            {
                "reference": a.reference,
                "role": "owner" if a.owner_id == user.pk else "co-editor",
                "state": a.state,
                "wave": a.wave.name_fr,
                "lead_organisation": a.lead_organisation.name if a.lead_organisation else None,
                "actions": [x.number for x in a.actions.all()],
                "title": a.title,
                "acronym": a.acronym,
                "summary": a.summary,
                "estimated_total_cost": str(a.estimated_total_cost)
                if a.estimated_total_cost is not None
                else None,
                "estimated_aid_requested": (
                    str(a.estimated_aid_requested) if a.estimated_aid_requested is not None else None
                ),
                "created_at": a.created_at.isoformat(),
                "updated_at": a.updated_at.isoformat(),
                "letter_submitted_at": a.letter_submitted_at.isoformat() if a.letter_submitted_at else None,
                "dossier_submitted_at": a.dossier_submitted_at.isoformat()
                if a.dossier_submitted_at
                else None,
            }
            for a in applications
        ],
        "messages": [
            {"application": m.application.reference, "created_at": m.created_at.isoformat(), "body": m.body}
            for m in Message.objects.filter(author=user).select_related("application").order_by("created_at")
        ],
        "audit_events": [
            {
                "at": e.created_at.isoformat(),
                "verb": e.verb,
                "object": f"{e.object_type}#{e.object_id}",
                "by_you": e.actor_id == user.pk,
                "from_state": e.from_state,
                "to_state": e.to_state,
            }
            for e in events
        ],
    }


def drafts_to_purge(*, days: int, at: datetime | None = None):
    """Letters of intent still in draft, never submitted, untouched for more than `days`."""
    from applications.models import Application
    from applications.states import State

    at = at or timezone.now()
    return Application.objects.filter(
        state=State.LI_DRAFT,
        updated_at__lt=at - timedelta(days=days),
        letter_submitted_at__isnull=True,
        submissions__isnull=True,
    ).distinct()


@transaction.atomic
def drafts_purge(*, days: int, at: datetime | None = None, dry_run: bool = False) -> int:
    """Delete the drafts of `drafts_to_purge`. Side effects: one audit "draft_purged" per draft
    (owner and age kept, not its content). Returns the count."""
    from applications.models import Application

    ids = list(drafts_to_purge(days=days, at=at).values_list("pk", flat=True))
    if dry_run:
        return len(ids)
    drafts = list(Application.objects.filter(pk__in=ids).order_by("pk"))
    for draft in drafts:
        audit_record(
            actor=None,
            verb="draft_purged",
            obj=draft,
            data={
                "owner": draft.owner_id,
                "updated_at": draft.updated_at.isoformat(),
                "retention_days": days,
            },
        )
        _delete_application_files(draft)
        draft.delete()
    return len(drafts)
