import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/actions/1/",
    "/actions/3/",
    "/actions/5/",
    "/calendrier/",
    "/laureats/",
    "/accessibilite/",
    "/mentions-legales/",
]

FRENCH = {
    "/": ["Les cinq actions", "Comment candidater", "Juristes ayant une culture en santé numérique"],
    "/actions/3/": ["Spécialistes du numérique ayant une culture en santé", "3a", "200 à 400"],
    "/calendrier/": ["Calendrier de l'appel", "Vague 1", "24/02/2022", "au fil de l'eau"],
    "/accessibilite/": ["Déclaration d'accessibilité", "partiellement conforme"],
    "/laureats/": ["Lauréats"],
}
ENGLISH = {
    "/": ["The five actions", "How to apply", "Lawyers with a digital-health culture"],
    "/actions/3/": ["IT specialists with a health culture", "200 to 400"],
    "/calendrier/": ["Call calendar", "Wave 1", "24/02/2022"],
    "/accessibilite/": ["Accessibility statement"],
    "/laureats/": ["Laureates"],
}


@pytest.mark.parametrize("path", PAGES)
def test_public_page_renders_in_french_for_anonymous(path):
    response = Client().get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html
    for text in FRENCH.get(path, []):
        assert text in html


@pytest.mark.parametrize("path", PAGES)
def test_public_page_renders_in_english_after_switch(path):
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": path})
    assert response.status_code == 302
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    for text in ENGLISH.get(path, []):
        assert text in html


def test_home_shows_the_open_wave_with_its_closing_date():
    from tests.factories import WaveFactory

    wave = WaveFactory(name_fr="Vague de démonstration")
    html = Client().get("/").content.decode()
    assert "Vague de démonstration" in html
    assert wave.closes_at.astimezone().strftime("%d/%m/%Y") in html
    assert "Il reste 59 jours" in html or "Il reste 60 jours" in html


def test_unknown_action_is_404():
    assert Client().get("/actions/9/").status_code == 404


def test_pages_send_a_content_security_policy():
    response = Client().get("/")
    assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"]
