"""Reads of the steering pages, each in a fixed number of queries."""

from django.db.models import Prefetch

from cma_portal import roles
from cma_portal.models import Invitation, SitePage, User
from waves.models import Wave


def users_with_roles(*, query: str = ""):
    from django.contrib.auth.models import Group

    qs = User.objects.prefetch_related(
        Prefetch("groups", queryset=Group.objects.filter(name__in=roles.STAFF_ROLES), to_attr="staff_groups")
    ).order_by("email")
    if query:
        qs = qs.filter(email__icontains=query.strip())
    return qs


def pending_invitations():
    return (
        Invitation.objects.filter(accepted_at__isnull=True)
        .prefetch_related("actions")
        .select_related("invited_by")
    )


def waves_for_admin(*, at=None):
    """Waves, newest first, each with `granted` (aid granted to its laureates) and `state_now`
    computed from it, without a query per wave."""
    from django.db.models import DecimalField, Q, Sum, Value
    from django.db.models.functions import Coalesce
    from django.utils import timezone

    at = at or timezone.now()
    waves = list(
        Wave.objects.with_call()
        .annotate(
            granted=Coalesce(
                Sum("applications__aid_granted", filter=Q(applications__state="selected")),
                Value(0),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            )
        )
        .order_by("-opens_at", "-id")
    )
    for wave in waves:
        wave.state_now = wave_state(wave, at)
    return waves


def wave_state(wave, at) -> str:
    """ "upcoming", "open" or "closed", the same answer as `Wave.accepts_letters` but using the
    annotated `granted` total."""
    if at < wave.opens_at:
        return "upcoming"
    closes = wave.effective_closes_at()
    if not wave.call.is_open(at) or (closes is not None and at >= closes):
        return "closed"
    if (
        wave.mode == Wave.Mode.ROLLING
        and wave.budget_envelope is not None
        and wave.granted >= wave.budget_envelope
    ):
        return "closed"
    return "open"


def site_pages():
    return SitePage.objects.all()


def email_template_rows() -> list[dict]:
    """Every editable email with its edits per language (one query, whatever their number)."""
    from cma_portal.email_registry import EDITABLE_EMAILS
    from cma_portal.models import EmailTemplateOverride

    edits: dict[str, dict] = {}
    for row in EmailTemplateOverride.objects.select_related("updated_by"):
        edits.setdefault(row.name, {})[row.language] = row
    return [
        {"entry": entry, "fr": edits.get(name, {}).get("fr"), "en": edits.get(name, {}).get("en")}
        for name, entry in sorted(EDITABLE_EMAILS.items(), key=lambda item: str(item[1].label))
    ]


def email_template_overrides(name: str) -> dict:
    """The edits of email `name`, by language."""
    from cma_portal.models import EmailTemplateOverride

    return {
        row.language: row
        for row in EmailTemplateOverride.objects.filter(name=name).select_related("updated_by")
    }
