"""allauth adapter: after signing up (and confirming the address) or logging in, a person who
opened a staff invitation link is brought back to that invitation.

The invitation page (`account_views.accept_invitation`) stores the token in the session when
an anonymous visitor opens a usable invitation. Django's `login()` cycles the session key but
keeps its data, so the token is still there once allauth logs the person in (after the
confirmation link when `ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION` is set, or after the password and
TOTP stages). Nothing is accepted here: the page still asks for an explicit POST.
"""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

PENDING_INVITATION_SESSION_KEY = "cma_pending_invitation"


def pending_invitation_url(request) -> str | None:
    """The page of the invitation remembered in the session, if it can still be accepted by the
    logged-in user (same address); None otherwise. A used or expired token is forgotten."""
    from cma_portal.models import Invitation

    token = request.session.get(PENDING_INVITATION_SESSION_KEY)
    user = getattr(request, "user", None)
    if not token or user is None or not user.is_authenticated:
        return None
    invitation = Invitation.objects.filter(token=token).first()
    if invitation is None or not invitation.is_usable():
        request.session.pop(PENDING_INVITATION_SESSION_KEY, None)
        return None
    if invitation.email.lower() != (user.email or "").lower():
        return None
    return reverse("profile:invitation", args=[token])


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        return pending_invitation_url(request) or super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        return pending_invitation_url(request) or super().get_signup_redirect_url(request)
