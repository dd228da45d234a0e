"""The account pages (django-allauth with MFA) in DSFR markup: French by default, English after
the language switch, errors in DSFR style linked to their fields, what was typed kept, one h1,
labelled inputs, and no inline script or style anywhere (Content-Security-Policy)."""

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.test import Client

from tests.factories import PASSWORD, StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE_NAMES = ("— Portail CMA — Santé numérique", "— CMA Portal — Digital Health")


class _Page(HTMLParser):
    """The few facts about a page the tests check: title, h1s, inputs, labels, inline code."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.h1 = 0
        self.inputs = []
        self.label_for = set()
        self.ids = {}
        self.inline_styles = []
        self.inline_scripts = []
        self._in_title = False
        self._in_script = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids[attrs["id"]] = (tag, attrs)
        if "style" in attrs:
            self.inline_styles.append((tag, attrs))
        if tag == "title":
            self._in_title = True
        elif tag == "h1":
            self.h1 += 1
        elif tag == "label" and attrs.get("for"):
            self.label_for.add(attrs["for"])
        elif tag in ("input", "textarea", "select"):
            if attrs.get("type") not in ("hidden", "submit", "button"):
                self.inputs.append(attrs)
        elif tag == "script" and "src" not in attrs:
            self._in_script = attrs

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "script" and self._in_script is not None:
            # JSON data blocks are not executed and are allowed by the CSP.
            if self._in_script.get("type") != "application/json":
                self.inline_scripts.append(self._in_script)
            self._in_script = None

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    @property
    def clean_title(self):
        return " ".join(self.title.split())


def _check_page(response, *texts):
    """200, one h1, every visible input labelled, no inline code, `texts` in the HTML."""
    assert response.status_code == 200
    html = response.content.decode()
    page = _Page(html)
    assert page.h1 == 1, page.h1
    assert page.clean_title.endswith(SITE_NAMES), page.clean_title
    assert not page.clean_title.startswith("—"), "page title missing"
    for attrs in page.inputs:
        assert attrs.get("id") in page.label_for, f"input without label: {attrs}"
    assert 'style="' not in html and not page.inline_styles
    assert not page.inline_scripts
    text_html = unescape(html)
    for text in texts:
        assert text in text_html, text
    return page, html


def _english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


def _login(client, user):
    response = client.post("/compte/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


@pytest.mark.parametrize(
    ("path", "french", "english"),
    [
        ("/compte/login/", ["Connexion", "Mot de passe oublié ?"], ["Sign In", "Forgot your password?"]),
        ("/compte/signup/", ["Inscription", "Création de compte"], ["Signup", "Sign Up"]),
        (
            "/compte/password/reset/",
            ["Réinitialisation du mot de passe"],
            ["Password Reset"],
        ),
        ("/compte/password/reset/done/", ["Réinitialisation du mot de passe"], ["Password Reset"]),
        ("/compte/confirm-email/", ["Vérifiez votre adresse e-mail"], ["Verify Your Email Address"]),
    ],
)
def test_entrance_pages_in_french_then_english(path, french, english):
    client = Client()
    page, html = _check_page(client.get(path), *french)
    assert '<html lang="fr"' in html
    assert 'class="fr-input' in html or path.endswith(("/done/", "/confirm-email/"))
    page, html = _check_page(_english(client).get(path), *english)
    assert '<html lang="en"' in html


def test_login_form_is_dsfr_with_labels():
    page, html = _check_page(Client().get("/compte/login/"))
    assert page.ids["id_login"][1]["class"] == "fr-input"
    assert 'class="fr-input-group"' in html
    assert '<label class="fr-label" for="id_login">' in html
    assert 'class="fr-btn" type="submit"' in " ".join(html.split())
    # The reset link is the password's hint, announced with it.
    assert page.ids["id_password"][1]["aria-describedby"] == "id_password-desc-hint"
    assert 'href="/compte/password/reset/"' in html


def test_wrong_password_shows_a_dsfr_error_and_keeps_the_email():
    user = UserFactory()
    client = Client()
    response = client.post("/compte/login/", {"login": user.email, "password": "pas-le-bon"})
    page, html = _check_page(response, "fr-alert--error", 'role="alert"')
    assert "L’adresse e-mail ou le mot de passe sont incorrects." in html
    assert page.ids["id_login"][1]["value"] == user.email
    assert "_auth_user_id" not in client.session


def test_wrong_password_error_in_english():
    user = UserFactory()
    client = _english(Client())
    response = client.post("/compte/login/", {"login": user.email, "password": "pas-le-bon"})
    _check_page(
        response, "fr-alert--error", "The email address and/or password you specified are not correct."
    )


def test_signup_with_mismatching_passwords_keeps_the_email_and_marks_the_field():
    response = Client().post(
        "/compte/signup/",
        {
            "email": "nouvelle@univ-exemple.fr",
            "password1": "un-mot-de-passe-long-1",
            "password2": "autre-chose-2",
        },
    )
    page, html = _check_page(response, "Vous devez saisir deux fois le même mot de passe.")
    assert page.ids["id_email"][1]["value"] == "nouvelle@univ-exemple.fr"
    password2 = page.ids["id_password2"][1]
    assert password2["aria-invalid"] == "true"
    assert password2["aria-describedby"].split()[0] == "id_password2-desc-error"
    assert page.ids["id_password2-group"][1]["class"] == "fr-input-group fr-input-group--error"
    error = re.search(r'<div id="id_password2-desc-error">\s*<p class="fr-error-text">([^<]+)</p>', html)
    assert error and "deux fois" in error.group(1)
    # Passwords are never sent back.
    assert "un-mot-de-passe-long-1" not in html


def test_signup_with_a_weak_password_lists_the_rule_in_french():
    response = Client().post(
        "/compte/signup/", {"email": "faible@univ-exemple.fr", "password1": "court", "password2": "court"}
    )
    page, html = _check_page(response, "fr-input-group--error", "fr-error-text")
    assert "12 caractères" in html
    assert page.ids["id_email"][1]["value"] == "faible@univ-exemple.fr"


def test_signup_with_an_existing_email_does_not_reveal_it():
    """allauth prevents account enumeration: same answer as a new address (an e-mail is sent)."""
    user = UserFactory()
    client = Client()
    response = client.post(
        "/compte/signup/", {"email": user.email, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/compte/confirm-email/"
    _check_page(client.get(response["Location"]), "Vérifiez votre adresse e-mail")


def test_signup_with_an_invalid_email_marks_the_field():
    response = Client().post(
        "/compte/signup/", {"email": "pas-une-adresse", "password1": PASSWORD, "password2": PASSWORD}
    )
    page, html = _check_page(response, "fr-input-group--error", "Saisissez une adresse de courriel valide.")
    assert page.ids["id_email"][1]["aria-describedby"] == "id_email-desc-error"
    assert page.ids["id_email"][1]["value"] == "pas-une-adresse"


def test_password_reset_request_then_done():
    user = UserFactory()
    client = Client()
    response = client.post("/compte/password/reset/", {"email": user.email})
    assert response.status_code == 302
    _check_page(client.get(response["Location"]), "Réinitialisation du mot de passe")


def test_password_reset_from_key_page():
    from django.core import mail

    user = UserFactory()
    client = Client()
    client.post("/compte/password/reset/", {"email": user.email})
    link = re.search(r"https?://[^/\s]+(/compte/password/reset/key/[^\s]+)", mail.outbox[-1].body).group(1)
    response = client.get(link, follow=True)
    page, html = _check_page(response, "Modifier le mot de passe")
    assert page.ids["id_password1"][1]["class"] == "fr-input"
    response = client.post(response.redirect_chain[-1][0], {"password1": "x", "password2": "y"})
    _check_page(response, "fr-input-group--error", "fr-error-text")


def test_logged_in_account_pages(client):
    user = UserFactory()
    _login(client, user)
    _check_page(client.get("/compte/email/"), "Adresses e-mail", "fr-sidemenu", "fr-radio-group")
    page, html = _check_page(client.get("/compte/password/change/"), "Modifier le mot de passe")
    assert page.ids["id_oldpassword"][1]["class"] == "fr-input"
    _check_page(client.get("/compte/logout/"), "Se déconnecter")
    _check_page(client.get("/compte/2fa/"), "Authentification à deux facteurs", "cma-panel")
    _check_page(_english(client).get("/compte/2fa/"), "Two-Factor Authentication")


def test_activate_totp_shows_the_qr_code_then_recovery_codes(client):
    user = UserFactory()
    _login(client, user)
    # Activating needs a fresh password confirmation.
    response = client.get("/compte/2fa/totp/activate/")
    assert response["Location"].startswith("/compte/reauthenticate/")
    page, html = _check_page(client.get(response["Location"]), "Confirmer l'accès")
    assert page.ids["id_password"][1]["class"] == "fr-input"
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302
    page, html = _check_page(
        client.get("/compte/2fa/totp/activate/"), "Activer l'application d'authentification"
    )
    qr = re.search(r'<img src="(data:image/svg\+xml[^"]+)"', html)
    assert qr, "QR code missing"
    secret = page.ids["authenticator_secret"][1]["value"]
    assert page.ids["authenticator_secret"][1]["class"] == "fr-input"
    # A wrong code: a DSFR error on the code field.
    response = client.post("/compte/2fa/totp/activate/", {"code": "000000"})
    page, html = _check_page(response, "fr-input-group--error", "fr-error-text")
    assert page.ids["id_code"][1]["aria-describedby"].startswith("id_code-desc-error")
    # The right code activates TOTP and leads to the recovery codes.
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    response = client.post("/compte/2fa/totp/activate/", {"code": code})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    response = client.get("/compte/2fa/recovery-codes/")
    page, html = _check_page(response, "Codes de récupération")
    assert page.ids["recovery_codes"][0] == "textarea"


def test_mfa_authenticate_page_and_wrong_code(client):
    staff = StaffUserFactory(mfa=False)
    TOTP.activate(staff, generate_totp_secret())
    response = _login(client, staff)
    assert response["Location"] == "/compte/2fa/authenticate/"
    page, html = _check_page(client.get("/compte/2fa/authenticate/"), "Authentification à deux facteurs")
    assert page.ids["id_code"][1]["class"] == "fr-input"
    response = client.post("/compte/2fa/authenticate/", {"code": "123456"})
    _check_page(response, "fr-input-group--error", "fr-error-text")
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "path", ["/", "/actions/1/", "/calendrier/", "/compte/login/", "/compte/signup/", "/accessibilite/"]
)
def test_no_inline_style_or_script(path):
    """The CSP forbids inline styles and scripts without our nonce: none in our templates."""
    for client in (Client(), _english(Client())):
        response = client.get(path)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'style="' not in html
        page = _Page(html)
        assert not page.inline_styles
        assert not page.inline_scripts, page.inline_scripts
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []


def test_header_and_footer():
    html = Client().get("/").content.decode()
    for text in ("fr-skiplinks", 'href="#content"', 'href="#footer"', 'id="fr-navigation"', 'id="footer"'):
        assert text in html
    assert 'action="/i18n/setlang/"' in html and 'name="language" value="en"' in html
    assert 'href="/compte/login/"' in html and 'href="/compte/signup/"' in html
    for url in ("/accessibilite/", "/mentions-legales/", "/calendrier/"):
        assert f'class="fr-footer__bottom-link" href="{url}"' in html


def test_header_for_a_signed_in_user(client):
    user = UserFactory()
    client.force_login(user)
    html = client.get("/").content.decode()
    assert 'action="/compte/logout/"' in html
    assert 'href="/compte/email/"' in html
    assert 'href="/compte/login/"' not in html
