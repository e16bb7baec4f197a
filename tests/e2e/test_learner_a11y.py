"""axe-core (vendored from npm, injected by Playwright) finds no serious or critical violation on
the learner's pages, on a desktop and on a phone."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

sys.path.insert(0, str(Path(__file__).parents[1] / "web"))
from learner_data import make_course

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = os.environ.get("NETLEARN_SCREENSHOTS")  # a folder, to look at the pages


def serious_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def learner_page(browser, live_server, django_user_model, password):
    """A learner's browser session (CSP bypassed so that axe can be injected)."""
    user = django_user_model.objects.create_user(username="axe-learner", password=password)
    make_course()
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username", exact=True).fill(user.username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    yield page
    context.close()


def shoot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_home_lesson_and_progress_pages_pass_axe(learner_page: Page, viewport):
    page = learner_page
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    label = "desktop" if viewport[0] > 600 else "phone"

    page.goto("/")
    assert serious_violations(page) == []
    shoot(page, f"home-{label}")

    page.get_by_role("list", name="Lessons").first.get_by_role(
        "link", name="Routing between networks"
    ).click()
    box = page.get_by_role("textbox", name="Command", exact=True)
    for line in ("ip route add 192.165.2.0/24 via 192.165.1.1", "ping -c 1 192.165.2.10"):
        box.fill(line)
        box.press("Enter")
        expect(page.get_by_role("log", name="Terminal output")).to_contain_text(line)
    with page.expect_response(lambda r: r.url.endswith("/check/")):
        page.get_by_role("button", name="Check my work").click()
    expect(page.get_by_role("list", name="Check results")).to_be_visible()
    assert serious_violations(page) == []
    shoot(page, f"lesson-terminal-{label}")

    for slug in ("routing-table", "dns-records", "routing-quiz"):
        page.goto(f"/courses/networking/{slug}/")
        assert serious_violations(page) == [], slug
        shoot(page, f"lesson-{slug}-{label}")

    page.goto("/progress/")
    assert serious_violations(page) == []
    shoot(page, f"progress-{label}")
