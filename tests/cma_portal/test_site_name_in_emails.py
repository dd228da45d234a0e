"""allauth's emails name the site from configuration, not the request's host (issue 12, 10)."""

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_signup_confirmation_email_names_the_configured_site(client, settings):
    settings.SITE_NAME = "Portail CMA — Santé numérique"
    settings.SITE_URL = "https://cma.example.gouv.fr"
    client.post(
        reverse("account_signup"),
        {
            "email": "nouvelle@univ.example",
            "password1": "Un-mot-de-passe-solide-42",
            "password2": "Un-mot-de-passe-solide-42",
        },
    )
    assert mail.outbox, "no confirmation email"
    body = mail.outbox[-1].body
    assert "Portail CMA — Santé numérique" in body and "cma.example.gouv.fr" in body
    assert "c'est testserver" not in body and "Merci d'utiliser testserver" not in body
