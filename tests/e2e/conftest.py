"""Playwright in Debian's Chromium, against pytest-django's live server.

Browser downloads are blocked here, so Playwright drives the system ``/usr/bin/chromium``
(package ``chromium``); where it is missing the browser tests skip and say why.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(
            f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) with ``page.base_url`` set to the live server."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def signed_up_page(page, db):
    """A learner who just signed up in the browser, landed on the home page."""
    page.goto("/accounts/signup/")
    page.get_by_label("Username", exact=True).fill("e2e-learner")
    page.get_by_label("Password", exact=True).fill("s3cret-passphrase!")
    page.get_by_label("Password confirmation", exact=True).fill("s3cret-passphrase!")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/")
    return page
