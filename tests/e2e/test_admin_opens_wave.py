"""An administrator opens a wave through the pages; it appears on the public home page."""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from datetime import timedelta  # noqa: E402

import pytest  # noqa: E402
from django.utils import timezone  # noqa: E402

from actions.models import Action  # noqa: E402
from tests.e2e.conftest import login_page_as, save_screenshot  # noqa: E402
from tests.factories import administrator  # noqa: E402
from waves.deadlines import PARIS  # noqa: E402
from waves.models import Wave  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_admin_creates_and_opens_a_wave_that_appears_on_home(page, live_server, tmp_path):
    admin = administrator()
    login_page_as(page, live_server, admin)
    page.goto(f"{live_server.url}/pilotage/vagues/nouvelle/")
    opens = (timezone.now() + timedelta(days=3)).astimezone(PARIS)
    page.fill("#id_name_fr", "Vague d'automne E2E")
    page.fill("#id_name_en", "Autumn wave E2E")
    page.select_option("#id_mode", "scheduled")
    page.fill("#id_opens_at", opens.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_closes_at", (opens + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"))
    for number in (1, 3):
        pk = Action.objects.get(number=number).pk
        page.check(f"input[name=actions][value='{pk}']", force=True)
    page.fill("#id_budget_envelope", "4000000")
    page.click("button[type=submit]:has-text('Enregistrer la vague')")
    page.wait_for_url(f"{live_server.url}/pilotage/vagues/")
    assert "Vague d'automne E2E" in page.content()
    wave = Wave.objects.get(name_fr="Vague d'automne E2E")
    assert not wave.accepts_letters()
    assert sorted(wave.actions.values_list("number", flat=True)) == [1, 3]

    page.goto(f"{live_server.url}/")
    assert "Vague d'automne E2E" not in page.content()

    page.goto(f"{live_server.url}/pilotage/vagues/")
    page.click(f"button[name=open][value='{wave.pk}']")
    page.wait_for_url(f"{live_server.url}/pilotage/vagues/")
    assert "est ouverte" in page.content()
    wave.refresh_from_db()
    assert wave.accepts_letters()
    save_screenshot(page, tmp_path, "admin_wave_list.png")

    page.goto(f"{live_server.url}/")
    callout = page.locator("#open-wave")
    assert "Vague d'automne E2E" in callout.inner_text()
    save_screenshot(page, tmp_path, "admin_wave.png")
