"""allauth adapter: after signing up (and confirming the address) or logging in, a person who
opened a staff invitation link is brought back to that invitation.

The invitation page (`account_views.accept_invitation`) stores the token in the session when
an anonymous visitor opens a usable invitation. Django's `login()` cycles the session key but
keeps its data, so the token is still there once allauth logs the person in (after the
confirmation link when `ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION` is set, or after the password and
TOTP stages). Nothing is accepted here: the page still asks for an explicit POST.
"""

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

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


def configured_site() -> SimpleNamespace:
    """The site as allauth's emails name it ("Bonjour de …"): from settings, not the request's
    host (which says "127.0.0.1:8000" in development)."""
    domain = urlsplit(settings.SITE_URL).netloc or settings.SITE_URL
    return SimpleNamespace(name=str(settings.SITE_NAME), domain=domain)


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        super().send_mail(template_prefix, email, {**context, "current_site": configured_site()})

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # Shown when the brute-force limit refuses a password login: the way in that an
        # attacker cannot block is a code sent by email (ACCOUNT_LOGIN_BY_CODE_ENABLED).
        "too_many_login_attempts": _(
            "Trop de tentatives de connexion ont échoué pour cette adresse. Par sécurité, la "
            "connexion par mot de passe est suspendue quelques minutes : recevez plutôt un code "
            "de connexion par courriel (bouton « Envoyez-moi un code de connexion » ci-dessous)."
        ),
    }

    def pre_authenticate(self, request, **credentials):
        """allauth's brute-force limit, with each refusal recorded for administrators."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            from .lockouts import lockout_record

            lockout_record(
                email=credentials.get("email") or credentials.get("username") or "",
                ip_address=self._client_ip_or_none(request),
            )
            raise

    def _client_ip_or_none(self, request):
        try:
            return self.get_client_ip(request)
        except PermissionDenied:
            return None

    def get_login_redirect_url(self, request):
        return pending_invitation_url(request) or super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        return pending_invitation_url(request) or super().get_signup_redirect_url(request)
