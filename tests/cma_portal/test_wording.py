"""What users read (issue 12, point 11): role names without a broken elision, one name for the
email address field, a review's own state, no "Prolonger" on closed waves, no applicant menu
for staff, a calendar sentence that is still true, every open wave on the home page. Each page
is read in French and, where it has English text of its own, in English."""

import re
from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cma_portal import roles
from cma_portal.mail import render_email
from cma_portal.models import Invitation
from tests.factories import (
    SubmittedDossierFactory,
    UserFactory,
    WaveFactory,
    administrator,
    covering_reviewer,
    programme_manager,
    reviewer,
)
from tests.reviews.helpers import assign, submitted_review
from waves.models import Call

PARIS = ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db


def browser(language: str, user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        client.force_login(user)
    return client


def text_of(response) -> str:
    """The page's visible text, spaces collapsed (no-break spaces included)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


# --- "en tant que Évaluateur·rice" ------------------------------------------------------------

ROLE_WORDING = {
    # role: (French label, English label)
    roles.REVIEWER: ("Évaluateur·rice", "Reviewer"),
    roles.PROGRAMME_MANAGER: ("Chargé·e de programme", "Programme manager"),
}


@pytest.mark.parametrize("role", [value for value, _label in Invitation.ROLE_CHOICES])
def test_invitation_names_every_role_without_a_broken_elision(role):
    """ "en tant que Évaluateur·rice" needs "qu'" before a vowel and "que" before a consonant:
    the sentence names the role as a quoted label instead, right for every role."""
    french, english = ROLE_WORDING[role]
    invitation = Invitation.objects.create(
        email="invitee@exemple.fr", role=role, expires_at=timezone.now() + timedelta(days=7)
    )
    invitee = UserFactory(email="invitee@exemple.fr")
    page = text_of(browser("fr", invitee).get(f"/compte/profil/invitation/{invitation.token}/"))
    assert f"Vous êtes invité·e avec le rôle « {french} » (invitee@exemple.fr)." in page
    assert "en tant que" not in page
    page = text_of(browser("en", invitee).get(f"/compte/profil/invitation/{invitation.token}/"))
    assert f"You are invited with the role “{english}” (invitee@exemple.fr)." in page

    context = {
        "role_label": french,
        "actions": "1, 3",
        "accept_path": "/compte/profil/invitation/x/",
        "expires_at": "01/01/2027 12:00",
    }
    subject, text, html = render_email("staff_invitation", context, "fr")
    assert subject == f"Invitation à rejoindre le Portail CMA avec le rôle « {french} »"
    assert f"avec le rôle « {french} »." in text and f"avec le rôle « {french} »." in unescape(html)
    assert "en tant que" not in subject + text + html
    subject, text, _html = render_email("staff_invitation", {**context, "role_label": english}, "en")
    assert subject == f"Invitation to join the CMA Portal with the role “{english}”"
    assert f"with the role “{english}”." in text


def test_roles_page_names_the_person_without_de_before_a_vowel():
    admin = administrator()
    person = UserFactory(email="alix.durand@univ-exemple.fr")
    url = reverse("pilotage:user_roles", args=[person.pk])
    page = text_of(browser("fr", admin).get(url))
    assert "Rôles — alix.durand@univ-exemple.fr" in page and "Rôles de alix" not in page
    assert "Roles — alix.durand@univ-exemple.fr" in text_of(browser("en", admin).get(url))


# --- one name for the email address field ------------------------------------------------------


@pytest.mark.parametrize("url_name", ["account_login", "account_signup", "account_reset_password"])
def test_email_field_label_and_hint_agree_and_no_placeholder(url_name):
    """The label said one thing ("E-mail", once "Courriel") and the placeholder another
    ("Adresse e-mail"): the field is now "Adresse électronique", as on the rest of the portal,
    with the expected format as a hint and no placeholder."""
    for language, label, hint, other in (
        (
            "fr",
            "Adresse électronique",
            "Format attendu : nom@domaine.fr",
            ("Courriel", "Adresse e-mail", "E-mail"),
        ),
        ("en", "Email address", "Expected format: name@domain.com", ("Courriel", "Adresse")),
    ):
        response = browser(language).get(reverse(url_name))
        html = response.content.decode()
        field = re.search(r'<input[^>]*type="email"[^>]*>', html)
        assert field, html
        assert "placeholder" not in field.group(0)
        field_id = re.search(r'id="([^"]+)"', field.group(0)).group(1)
        label_html = re.search(rf'<label[^>]*for="{field_id}"[^>]*>(.*?)</label>', html, re.S).group(1)
        label_text = " ".join(unescape(re.sub(r"<[^>]+>", " ", label_html)).split())
        assert label_text == f"{label} {hint}"
        for word in other:
            assert word not in label_text


# --- a submitted review shows its own state -----------------------------------------------------


def test_dossier_page_shows_where_each_review_stands():
    pm = programme_manager()
    dossier = SubmittedDossierFactory(state="under_review")
    done = assign(dossier, covering_reviewer(), pm)
    review = submitted_review(done, 4)
    draft = assign(dossier, covering_reviewer(), pm)
    submitted_review(draft, 3, submit=False)
    assign(dossier, covering_reviewer(), pm)  # interests not declared yet
    url = reverse("selection:dossier", args=[dossier.pk])

    page = text_of(browser("fr", pm).get(url))
    submitted_on = review.submitted_at.astimezone(PARIS).strftime("%d/%m/%Y")
    assert f"Évaluation transmise le {submitted_on}" in page
    assert "Évaluation en cours (brouillon)" in page
    assert "Déclaration d'intérêts attendue" in page
    assert "Sans conflit d'intérêts" not in page
    page = text_of(browser("en", pm).get(url))
    assert f"Review submitted on {submitted_on}" in page and "Review in progress (draft)" in page


# --- "Prolonger" on waves closed in 2022 --------------------------------------------------------


def test_closed_waves_offer_no_extension():
    admin = administrator()
    closed = WaveFactory(
        opens_at=datetime(2022, 2, 24, 12, tzinfo=PARIS), closes_at=datetime(2022, 7, 5, 12, tzinfo=PARIS)
    )
    open_wave = WaveFactory()
    upcoming = WaveFactory(
        opens_at=timezone.now() + timedelta(days=5), closes_at=timezone.now() + timedelta(days=40)
    )
    for language, button in (("fr", "Prolonger"), ("en", "Extend")):
        html = browser(language, admin).get(reverse("pilotage:waves")).content.decode()
        rows = {
            pk: row
            for row in re.findall(r"<tr\b[^>]*>.*?</tr>", html, re.S)
            for pk in [closed.pk, open_wave.pk, upcoming.pk]
            if reverse("pilotage:wave_edit", args=[pk]) in row
        }
        assert reverse("pilotage:wave_extend", args=[closed.pk]) not in rows[closed.pk]
        assert f">{button}<" not in rows[closed.pk]
        for wave in (open_wave, upcoming):
            assert reverse("pilotage:wave_extend", args=[wave.pk]) in rows[wave.pk]
            assert f">{button}<" in rows[wave.pk]


# --- reviewers see "Mes candidatures" -----------------------------------------------------------


@pytest.mark.parametrize(
    ("make_user", "shown"),
    [(UserFactory, True), (reviewer, False), (programme_manager, False), (administrator, False)],
    ids=["applicant", "reviewer", "programme_manager", "administrator"],
)
def test_applicant_menu_only_for_applicants(make_user, shown):
    user = make_user()
    for language, label in (("fr", "Mes candidatures"), ("en", "My applications")):
        html = browser(language, user).get("/calendrier/").content.decode()
        header = html.split("</header>", 1)[0]
        assert (f">{label}</a>" in header) is shown, (language, label)
        response = browser(language, user).get("/page-qui-n-existe-pas/")
        assert response.status_code == 404
        main = response.content.decode().split('<main id="content"', 1)[1]
        assert (f">{label}</a>" in main) is shown


def test_reviewer_error_page_leads_back_to_the_reviews():
    html = browser("fr", reviewer()).get("/page-qui-n-existe-pas/").content.decode()
    main = html.split('<main id="content"', 1)[1]
    assert f'href="{reverse("evaluation:queue")}">Évaluation</a>' in main


# --- "prévu jusqu'en 2025" ----------------------------------------------------------------------


def test_calendar_does_not_announce_a_planned_end_already_past():
    """The texts planned the call for 2021-2025; it still runs (rolling procedure, France 2030)."""
    fr = text_of(browser("fr").get("/calendrier/"))
    assert "Il est prévu jusqu'en 2025" not in fr
    assert (
        "Prévu à l'origine jusqu'en 2025, il se poursuit au fil de l'eau dans le cadre de France 2030, "
        "jusqu'à épuisement des ressources financières affectées." in fr
    )
    assert "personnes formées d'ici 2030" in fr
    en = text_of(browser("en").get("/calendrier/"))
    assert "Originally planned until 2025, it continues on a rolling basis as part of France 2030" in en
    assert "people trained by 2030" in en


def test_calendar_keeps_a_planned_end_still_ahead():
    call = Call.current()
    call.planned_end = datetime(timezone.now().year + 4, 12, 31, 23, 59, tzinfo=PARIS)
    call.save()
    fr = text_of(browser("fr").get("/calendrier/"))
    assert f"Il est prévu jusqu'en {call.planned_end.year}, ou jusqu'à épuisement" in fr
    assert "Prévu à l'origine" not in fr


# --- the home page shows 1 of 3 open waves ------------------------------------------------------


def test_home_lists_every_open_wave_with_its_deadline():
    soon = WaveFactory(
        name_fr="Vague courte", name_en="Short wave", closes_at=timezone.now() + timedelta(days=10)
    )
    later = WaveFactory(
        name_fr="Vague longue", name_en="Long wave", closes_at=timezone.now() + timedelta(days=40)
    )
    WaveFactory(
        name_fr="Vague close",
        opens_at=datetime(2022, 1, 1, tzinfo=PARIS),
        closes_at=datetime(2022, 2, 1, tzinfo=PARIS),
    )
    rolling = Call.current().waves.get(mode="rolling")

    fr = text_of(browser("fr").get("/"))
    assert "3 vagues ouvertes en ce moment" in fr
    for wave in (soon, later):
        closes = wave.closes_at.astimezone(PARIS)
        assert (
            f"{wave.name_fr} Dépôt des lettres d'intention jusqu'au {closes:%d/%m/%Y} à {closes:%H:%M}" in fr
        )
    assert rolling.name_fr in fr
    assert "Vague close" not in fr
    # Soonest closing first, the rolling procedure (no closing instant) last.
    assert fr.index("Vague courte") < fr.index("Vague longue") < fr.index(rolling.name_fr)

    html = browser("en").get("/").content.decode()
    # Each dated wave counts down, in the reader's language.
    assert html.count('data-countdown-left="%(days)s d %(hours)s h %(minutes)s min left"') == 2
    en = text_of(browser("en").get("/"))
    assert "3 waves open now" in en
    assert "Short wave" in en and "Long wave" in en and rolling.name_en in en


def test_error_summary_names_the_address_field_as_the_field_does():
    for language, expected in (("fr", "Adresse électronique"), ("en", "Email address")):
        response = browser(language).post(reverse("account_login"), {"login": "", "password": "x"})
        summary = re.search(
            r'<div[^>]*class="[^"]*fr-alert--error[^"]*".*?</div>', response.content.decode(), re.S
        )
        assert summary, response.content.decode()[:2000]
        text = " ".join(unescape(re.sub(r"<[^>]+>", " ", summary.group(0))).split())
        assert expected in text and "Courriel" not in text
