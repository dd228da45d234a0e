"""Shared Playwright fixtures for the end-to-end tests.

Usage in a test module (marker `e2e`, needs `live_server` and a transactional database):

    import os

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    import pytest

    from tests.e2e.conftest import login_page_as

    pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
    # rows created by data migrations (actions, call, waves...) are put back before each
    # transactional test (see _reference_data): a transactional test flushes them when it ends.

    def test_something(page, live_server, applicant):
        login_page_as(page, live_server, applicant)
        page.goto(f"{live_server.url}/candidatures/")

The browser is launched once for the whole e2e run (Chromium from /usr/bin/chromium, no download); each
test gets a fresh browser context and page, so cookies never leak between tests.
"""

import os
from urllib.parse import urlparse

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS

SCREENSHOT_DIR = "/tmp/screenshots"
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def pytest_collection_finish(session):
    """E2E modules set DJANGO_ALLOW_ASYNC_UNSAFE at import (collection time); it must not leak
    into the other tests nor into their subprocesses (`check --deploy` refuses it). It is set
    again only while the e2e tests run (`_async_unsafe` below)."""
    os.environ.pop(ASYNC_UNSAFE, None)


@pytest.fixture(scope="package", autouse=True)
def _async_unsafe():
    """Playwright's sync API keeps an asyncio loop running in the test thread from start to stop;
    Django's ORM refuses to run in such a thread unless told it is safe (it is: the loop only
    drives the browser). Set for the e2e package only; the browser is stopped before it is
    unset."""
    os.environ[ASYNC_UNSAFE] = "true"
    yield
    os.environ.pop(ASYNC_UNSAFE, None)


@pytest.fixture(scope="package")
def playwright_instance(_async_unsafe):
    """One Playwright for all the e2e tests (package scope = the whole tests/e2e run: stopped
    when it ends so that no event loop stays running for the tests that follow)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="package")
def browser(playwright_instance):
    """One headless Chromium for all the e2e tests."""
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def context(browser):
    """A fresh browser context (own cookies and storage) per test, French by default."""
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1280, "height": 900}, timezone_id="Europe/Paris"
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    """A page in the test's own context."""
    page = context.new_page()
    yield page
    page.close()


def login_page_as(page, live_server, user):
    """Log `user` in inside `page`'s browser context, without going through the login form.

    A Django test client creates a real session (`force_login`) in the test database, which the
    live server shares; its session cookie is then copied into the browser context.
    Returns the page, for chaining.
    """
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    host = urlparse(live_server.url).hostname
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": cookie.value,
                "domain": host,
                "path": "/",
                "httpOnly": True,
                "secure": False,
                "sameSite": "Lax",
            }
        ]
    )
    return page


def save_screenshot(page, tmp_path, name, *, full_page=True):
    """Screenshot `page` to `tmp_path/name` and copy it to /tmp/screenshots/name; returns the
    path under tmp_path."""
    import shutil
    from pathlib import Path

    path = Path(tmp_path) / name
    page.screenshot(path=str(path), full_page=full_page)
    Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, Path(SCREENSHOT_DIR) / name)
    return path
