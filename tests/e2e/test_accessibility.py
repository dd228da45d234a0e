"""Accessibility in Chromium (issue 13, RGAA 4.1): axe-core on every page of the journey and every
public page, in French and in English, as each role, forms in their error state included; reflow
at 320 px; the error summary takes focus and its links move focus to their fields; the mobile
navigation works without JavaScript.

axe-core comes from npm (package.json, installed into node_modules/ by `make test`) and is
evaluated in the page through the DevTools protocol (no <script> tag: the CSP would refuse it,
and nothing is fetched from a CDN).
"""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from django.conf import settings  # noqa: E402
from playwright.sync_api import Error as PlaywrightError  # noqa: E402

from tests.conftest import REQUIRE_ALL  # noqa: E402
from tests.e2e import a11y_dataset  # noqa: E402
from tests.e2e.conftest import login_page_as, save_screenshot  # noqa: E402
from tests.e2e.stacked_tables import stacked_tables  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious", "moderate")
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}
}
LANGUAGES = ("fr", "en")
MOBILE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists():
        if REQUIRE_ALL:
            pytest.fail("axe-core missing: run `make axe` (npm)")
        pytest.skip("axe-core missing: run `make axe` (needs npm)")
    return AXE.read_text()


def new_context(browser, language, *, viewport=DESKTOP, javascript=True):
    context = browser.new_context(
        locale="fr-FR" if language == "fr" else "en-GB",
        viewport=viewport,
        timezone_id="Europe/Paris",
        java_script_enabled=javascript,
    )
    context.set_default_timeout(15_000)
    return context


def set_language(context, live_server, language):
    from urllib.parse import urlparse

    context.add_cookies(
        [
            {
                "name": settings.LANGUAGE_COOKIE_NAME,
                "value": language,
                "domain": urlparse(live_server.url).hostname,
                "path": "/",
            }
        ]
    )


def axe_violations(page, axe_source) -> list[str]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    result = page.evaluate("async (options) => await window.axe.run(document, options)", AXE_OPTIONS)
    found = []
    for violation in result["violations"]:
        if violation["impact"] in BLOCKING:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
            found.append(f"{violation['impact']} {violation['id']}: {violation['help']} → {targets}")
    return found


def overflow(page) -> int:
    """How many CSS pixels the document is wider than the viewport (0 when it reflows)."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )


def error_states(extra_objects):
    """(role, URL, CSS selector of the submit button) of forms submitted empty or invalid."""
    from django.urls import reverse

    objs = extra_objects
    return [
        (
            a11y_dataset.OWNER,
            reverse("applications:letter_edit", args=[objs["letter_draft"].pk]),
            "button[name=submit]",
        ),
        (
            a11y_dataset.OWNER,
            reverse("applications:letter_new"),
            "#content form[novalidate] button[type=submit]",
        ),
        (a11y_dataset.OWNER, reverse("applications:organisation_new"), "#content form button[type=submit]"),
        (
            a11y_dataset.OWNER,
            reverse("applications:messages", args=[objs["dossier_draft"].pk]),
            "#content form[enctype] button[type=submit]",
        ),
        (
            a11y_dataset.PM,
            reverse("instruction:detail", args=[objs["letter_submitted"].pk]),
            "form[action$='/no-go/'] button[type=submit]",
        ),
        (
            a11y_dataset.PM,
            reverse("selection:dossier", args=[objs["under_review"].pk]),
            "form[action$='/affecter/'] button[type=submit]",
        ),
        (
            a11y_dataset.REVIEWER,
            reverse("evaluation:assignment", args=[objs["to_declare"].pk]),
            "form[action*='declar'] button[type=submit]",
        ),
        (
            a11y_dataset.REVIEWER,
            reverse("evaluation:review", args=[objs["in_progress"].pk]),
            "#review-form button[name=submit]",
        ),
        (a11y_dataset.ADMIN, reverse("pilotage:wave_create"), "#content form button[type=submit]"),
        (a11y_dataset.ADMIN, reverse("pilotage:user_invite"), "#content form button[type=submit]"),
        (a11y_dataset.ADMIN, reverse("grids:create"), "#content form button[type=submit]"),
        (a11y_dataset.ANON, reverse("account_signup"), "#content form button[type=submit]"),
        (a11y_dataset.ANON, reverse("account_login"), "#content form button[type=submit]"),
    ]


def test_axe_reflow_and_error_focus_on_every_page(browser, live_server, axe_source, tmp_path):
    data, objs, extra = a11y_dataset.build()
    pages = a11y_dataset.html_pages(data, extra)
    assert len(pages) >= 40, pages
    problems: list[str] = []
    wide: list[str] = []
    checked = 0
    for language in LANGUAGES:
        # French at desktop width, English on a 320 px screen: both layouts are checked by axe,
        # and every page is measured at 320 px in both languages.
        viewport = DESKTOP if language == "fr" else MOBILE
        for role in a11y_dataset.ROLE_ORDER:
            urls = [url for r, url in pages if r == role]
            errors = [(url, button) for r, url, button in error_states(objs) if r == role]
            if not urls and not errors:
                continue
            context = new_context(browser, language, viewport=viewport)
            set_language(context, live_server, language)
            page = context.new_page()
            user = data["users"][role]
            if user is not None:
                login_page_as(page, live_server, user)
            for url in urls:
                page.set_viewport_size(viewport)
                page.goto(live_server.url + url)
                assert page.evaluate("() => document.documentElement.lang") == language, url
                for violation in axe_violations(page, axe_source):
                    problems.append(f"[{language} {role}] {url}: {violation}")
                if viewport != MOBILE:
                    page.set_viewport_size(MOBILE)
                if language == "en" and checked % 12 == 0:  # a sample for a human look
                    save_screenshot(page, tmp_path, f"a11y-320-en-{checked:03d}.png")
                extra_px = overflow(page)
                if extra_px > 0:
                    wide.append(f"[{language} {role}] {url}: {extra_px}px too wide at 320")
                # Wide tables are stacked rows at 320 px: none scrolls, every cell is labelled.
                wide += [f"[{language} {role}] {url}: {p}" for p in stacked_tables(page)["problems"]]
                checked += 1
            for url, button in errors:
                page.set_viewport_size(viewport)
                page.goto(live_server.url + url)
                submit = page.locator(button).first
                if submit.count() == 0:
                    problems.append(f"[{language} {role}] {url}: no submit button {button}")
                    continue
                try:
                    submit.click(timeout=5000)
                    page.wait_for_load_state()
                except PlaywrightError as error:
                    problems.append(
                        f"[{language} {role}] {url}: cannot submit ({error.message.splitlines()[0]})"
                    )
                    continue
                summary = page.locator("[data-error-summary]")
                if summary.count() != 1:
                    problems.append(f"[{language} {role}] {url}: no error summary after {button}")
                    continue
                try:
                    page.wait_for_function(
                        "() => document.activeElement && document.activeElement.matches('[data-error-summary]')",
                        timeout=3000,
                    )
                except PlaywrightError:
                    problems.append(f"[{language} {role}] {url}: the error summary did not take focus")
                for violation in axe_violations(page, axe_source):
                    problems.append(f"[{language} {role}] {url} (errors): {violation}")
                if language == "en" and role == a11y_dataset.OWNER and "lettre" in url:
                    save_screenshot(page, tmp_path, "a11y-letter-errors-320-en.png")
                checked += 1
            context.close()
    print(f"axe: {checked} page states checked, {len(problems)} blocking violations, {len(wide)} too wide")
    assert not problems and not wide, "\n".join(problems + wide)


def test_error_summary_takes_focus_and_links_focus_fields(browser, live_server, tmp_path):
    from django.urls import reverse

    from tests.factories import ApplicationFactory

    draft = ApplicationFactory(title="", acronym="", summary="", audience="")
    context = new_context(browser, "en", viewport=MOBILE)
    set_language(context, live_server, "en")
    page = context.new_page()
    login_page_as(page, live_server, draft.owner)
    page.goto(live_server.url + reverse("applications:letter_edit", args=[draft.pk]))
    page.locator("#content button[name=submit]").click()
    page.wait_for_function("() => document.activeElement.matches('[data-error-summary]')", timeout=5000)
    summary = page.locator("[data-error-summary]")
    assert "What is missing before submission" in summary.inner_text()
    links = summary.locator("a[data-error-link]")
    assert links.count() >= 5
    save_screenshot(page, tmp_path, "a11y-error-summary-320-en.png", full_page=False)
    for index in range(links.count()):
        link = links.nth(index)
        target = link.get_attribute("href")[1:]
        assert page.locator(f"[id='{target}']").count() == 1, target
        link.focus()
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.id") == target
        summary.focus()
    # every invalid field points to an error message that exists
    described = page.evaluate(
        """() => [...document.querySelectorAll('[aria-invalid=true]')].map(e =>
             (e.getAttribute('aria-describedby') || '').split(' ').filter(Boolean)
               .map(id => [e.id, id, !!document.getElementById(id)]))"""
    )
    assert described and all(ids for ids in described), described
    assert all(found for ids in described for _field, _id, found in ids), described
    context.close()


def test_mobile_navigation_without_javascript(browser, live_server, tmp_path):
    context = new_context(browser, "fr", viewport=MOBILE, javascript=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    nav = page.locator(".cma-nojs-nav")
    assert nav.is_visible()
    assert not page.locator(".fr-header__tools-links a[href='/compte/login/']").is_visible()
    save_screenshot(page, tmp_path, "a11y-nojs-menu-320.png", full_page=False)
    nav.get_by_role("link", name="Se connecter").click()
    assert page.url.endswith("/compte/login/")
    page.go_back()
    nav = page.locator(".cma-nojs-nav")
    nav.get_by_role("link", name="Créer un compte").click()
    assert page.url.endswith("/compte/signup/")
    page.locator(".cma-nojs-nav button[name=language]").click()
    assert page.evaluate("() => document.documentElement.lang") == "en"
    assert page.locator(".cma-nojs-nav").get_by_role("link", name="Sign in").is_visible()
    context.close()
    # With JavaScript, the DSFR burger takes over and the fallback stays hidden.
    context = new_context(browser, "fr", viewport=MOBILE)
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert page.locator(".cma-nojs-nav").count() == 0 or not page.locator(".cma-nojs-nav").is_visible()
    context.close()
