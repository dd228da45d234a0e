"""Acceptance of issue 2 in a real browser: the public home page, the language switch, the login
page; screenshots under the test's tmp_path and copied to /tmp/screenshots/."""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest  # noqa: E402

from tests.e2e.conftest import login_page_as, save_screenshot  # noqa: E402
from tests.factories import UserFactory  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


# The DSFR stylesheet is served (whitenoise with finders under live_server) and applied when a
# primary button is painted in "bleu France".
DSFR_LOADED = (
    "[...document.styleSheets].some(s => (s.href || '').endsWith('/dsfr.min.css')"
    " && s.cssRules.length > 1000)"
    " && getComputedStyle(document.body).fontFamily.includes('Marianne')"
)


def _assert_png(path):
    assert path.exists()
    assert path.stat().st_size > 1000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_home_shows_five_actions_and_switches_to_english(page, live_server, tmp_path):
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").count() == 1
    page.get_by_role("heading", name="Les cinq actions").wait_for()
    assert page.locator("#actions .fr-card").count() == 5
    assert page.evaluate(DSFR_LOADED)
    _assert_png(save_screenshot(page, tmp_path, "home_fr.png"))

    page.get_by_role("button", name="EN — English").click()
    page.get_by_role("heading", name="The five actions").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#actions .fr-card").count() == 5
    _assert_png(save_screenshot(page, tmp_path, "home_en.png"))

    page.get_by_role("button", name="FR — Français").click()
    page.get_by_role("heading", name="Les cinq actions").wait_for()


def test_login_page(page, live_server, tmp_path):
    page.goto(f"{live_server.url}/compte/login/")
    assert page.locator("h1").count() == 1
    page.locator("#id_login").fill("personne@example.org")
    page.locator("#id_password").fill("pas-le-bon-mot-de-passe")
    _assert_png(save_screenshot(page, tmp_path, "login.png"))
    page.locator("form.cma-account-form button[type=submit]").click()
    page.locator(".fr-input-group--error .fr-error-text, .fr-alert--error").first.wait_for()
    # What was typed is kept.
    assert page.locator("#id_login").input_value() == "personne@example.org"
    _assert_png(save_screenshot(page, tmp_path, "login_error.png"))


def test_login_page_as_logs_the_user_in(page, live_server):
    user = UserFactory(email="connectee@example.org")
    login_page_as(page, live_server, user)
    page.goto(f"{live_server.url}/")
    page.locator("a[title*='connectee@example.org']").first.wait_for()
    assert page.get_by_role("button", name="Se déconnecter").count() >= 1


def test_mobile_menu_opens(browser, live_server):
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/")
        menu = page.locator("#fr-menu-mobile")
        page.locator("#fr-btn-menu-mobile").click()
        page.wait_for_function(
            "document.getElementById('fr-menu-mobile').classList.contains('fr-modal--opened')"
        )
        assert menu.get_by_role("link", name="Calendrier").is_visible()
    finally:
        context.close()
