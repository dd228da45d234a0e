"""Development convenience: the demo staff accounts' TOTP code, printed by `demo_totp`."""

from io import StringIO

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import CommandError, call_command

from pilotage.management.commands.seed_demo import DEMO_TOTP_SECRET
from tests.factories import programme_manager

pytestmark = pytest.mark.django_db


def test_demo_totp_prints_a_code_allauth_accepts(settings):
    settings.DEBUG = True
    authenticator = TOTP.activate(programme_manager(mfa=False), DEMO_TOTP_SECRET).instance
    out = StringIO()
    call_command("demo_totp", stdout=out)
    code = out.getvalue().split()[0]
    assert len(code) == 6 and code.isdigit()
    assert TOTP(authenticator).validate_code(code)


def test_demo_totp_refuses_outside_development(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Réservé au développement"):
        call_command("demo_totp", stdout=StringIO())
