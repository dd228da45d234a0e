"""Portal-wide middleware: Content-Security-Policy, and two-factor authentication for staff."""

import secrets

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

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


class StaffTwoFactorMiddleware:
    """Programme managers, reviewers and administrators reach no staff page before they have
    set up TOTP: they are sent to the MFA set-up page instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.STAFF_REQUIRE_MFA
            and request.path.startswith(STAFF_PREFIXES)
            and request.user.is_authenticated
            and is_staff_member(request.user)
            and not user_has_mfa(request.user)
        ):
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
        return self.get_response(request)
