"""Portal-wide middleware: Content-Security-Policy, two-factor authentication for staff, and the
idle timeout of staff sessions."""

import secrets
import time

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from cma_portal.roles import is_staff_member

STAFF_PREFIXES = ("/instruction/", "/evaluation/", "/pilotage/", "/admin/")


class ContentSecurityPolicyMiddleware:
    """A strict CSP: scripts only from our origin or with the request's nonce, no inline style."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = (
                "default-src 'self'; "
                f"script-src 'self' 'nonce-{request.csp_nonce}'; "
                "style-src 'self'; img-src 'self' data:; font-src 'self' data:; "
                "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
            )
        return response


def user_has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    cached = getattr(user, "_cma_has_mfa", None)
    if cached is None:
        cached = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        user._cma_has_mfa = cached
    return cached


def session_passed_second_factor(request) -> bool:
    """This session went through the second factor: allauth records each authentication method
    used in the session; setting up TOTP after logging in (which proves a code) counts too."""
    from allauth.mfa.models import Authenticator

    records = request.session.get(AUTHENTICATION_METHODS_SESSION_KEY) or []
    if any(record.get("method") == "mfa" for record in records):
        return True
    logged_in_at = min((record.get("at") or 0 for record in records), default=None)
    if logged_in_at is None:
        return False
    return Authenticator.objects.filter(
        user=request.user, type=Authenticator.Type.TOTP, created_at__gte=_instant(logged_in_at)
    ).exists()


def _instant(timestamp: float):
    from datetime import UTC, datetime

    return datetime.fromtimestamp(timestamp, tz=UTC)


class StaffTwoFactorMiddleware:
    """Staff capabilities need a session that passed the second factor.

    Every request of a staff member is marked (`request.user.second_factor_passed`), and
    `roles.may` refuses staff capabilities to an unmarked session wherever they are checked (the
    object accessors), whatever the URL. Staff pages send such a session to the TOTP set-up (no
    authenticator yet) or to the second-factor check (authenticator, session without it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if settings.STAFF_REQUIRE_MFA and user.is_authenticated and is_staff_member(user):
            passed = session_passed_second_factor(request)
            user.second_factor_passed = passed
            if not passed and request.path.startswith(STAFF_PREFIXES):
                target = "mfa_reauthenticate" if user_has_mfa(user) else "mfa_activate_totp"
                return redirect(f"{reverse(target)}?next={request.path}")
        return self.get_response(request)


class StaffSessionIdleMiddleware:
    """Staff sessions end after `STAFF_SESSION_IDLE_TIMEOUT` seconds without a request; applicants
    keep Django's session age (`SESSION_COOKIE_AGE`, 14 days).

    Each staff request records its time in the session and shortens the session's expiry to the
    idle timeout, so the session row (or cache entry) and the browser cookie lapse together; the
    recorded time also ends a session whose backend would keep it longer (signed cookies)."""

    SESSION_KEY = "cma_staff_last_activity"
    STAMP_EVERY = 60  # seconds

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        timeout = settings.STAFF_SESSION_IDLE_TIMEOUT
        if timeout and user is not None and user.is_authenticated and is_staff_member(user):
            now = int(time.time())
            last = request.session.get(self.SESSION_KEY)
            if isinstance(last, int) and now - last > timeout:
                logout(request)
                messages.info(
                    request,
                    _(
                        "Votre session a pris fin après %(minutes)d minutes d'inactivité. "
                        "Reconnectez-vous pour continuer."
                    )
                    % {"minutes": timeout // 60},
                )
                return redirect_to_login(request.get_full_path())
            # One session write a minute at most, not one per request: the timeout then holds to
            # within a minute, and a page view costs no session UPDATE.
            if not isinstance(last, int) or now - last >= self.STAMP_EVERY:
                request.session[self.SESSION_KEY] = now
                request.session.set_expiry(timeout)
        return self.get_response(request)


def restart_idle_period(sender, request, user, **kwargs):
    """A login starts a new activity period, even over a session that kept its data; the login
    writes the session anyway, so the first page after it needs no write of its own."""
    timeout = settings.STAFF_SESSION_IDLE_TIMEOUT
    if timeout and request is not None and hasattr(request, "session") and is_staff_member(user):
        request.session[StaffSessionIdleMiddleware.SESSION_KEY] = int(time.time())
        request.session.set_expiry(timeout)
