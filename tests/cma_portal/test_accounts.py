import re

import pytest
from django.core import mail
from django.test import Client

from cma_portal import roles
from cma_portal.models import User
from tests.factories import PASSWORD, StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_signup_requires_email_verification_before_login():
    client = Client()
    response = client.post(
        "/compte/signup/",
        {"email": "porteuse@univ-exemple.fr", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    user = User.objects.get(email="porteuse@univ-exemple.fr")
    assert not user.emailaddress_set.get().verified
    # Not logged in yet: the dashboard sends back to the login page.
    assert client.get("/candidatures/").status_code == 302
    # Logging in is refused until the address is verified.
    response = client.post("/compte/login/", {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) >= 1
    body = mail.outbox[-1].body
    link = re.search(r"http://[^\s]+/compte/confirm-email/[^\s]+/", body).group(0)
    path = link.split("testserver", 1)[-1] if "testserver" in link else "/" + link.split("/", 3)[3]
    response = client.post(path)
    assert response.status_code == 302
    assert user.emailaddress_set.get().verified
    response = client.post("/compte/login/", {"login": user.email, "password": PASSWORD})
    assert client.session.get("_auth_user_id") == str(user.pk)


def test_new_user_is_an_applicant_only():
    user = UserFactory()
    assert roles.user_roles(user) == frozenset({roles.APPLICANT})
    assert roles.may(user, "apply") and not roles.may(user, "screen_letters")


def test_role_helpers_answer_for_each_role():
    manager = StaffUserFactory(role=roles.PROGRAMME_MANAGER)
    reviewer = StaffUserFactory(role=roles.REVIEWER)
    admin = StaffUserFactory(role=roles.ADMINISTRATOR)
    assert roles.may(manager, "screen_letters") and not roles.may(manager, "review")
    assert roles.may(reviewer, "review") and not roles.may(reviewer, "screen_letters")
    assert roles.may(admin, "manage_waves") and roles.may(admin, "decide")


def test_email_is_case_insensitive_login():
    user = UserFactory(email="Mixte@Univ-Exemple.fr")
    client = Client()
    client.post("/compte/login/", {"login": "mixte@univ-exemple.fr", "password": PASSWORD})
    assert client.session.get("_auth_user_id") == str(user.pk)
