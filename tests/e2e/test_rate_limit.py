"""A learner typing faster than the per-learner limit: told to slow down, the typed line kept."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

sys.path.insert(0, str(Path(__file__).parents[1] / "web"))
from learner_data import make_course

pytestmark = pytest.mark.django_db(transaction=True)


def test_past_the_command_limit_the_learner_is_told_and_keeps_the_line(
    signed_up_page: Page, settings
):
    settings.RATELIMIT_RATES = {"commands": "2/m"}
    page = signed_up_page
    make_course()
    page.goto("/")
    page.get_by_role("list", name="Lessons").get_by_role(
        "link", name="Routing between networks"
    ).click()
    box = page.get_by_role("textbox", name="Command", exact=True)
    log = page.get_by_role("log", name="Terminal output")
    for line in ("hostname", "ip route"):
        box.fill(line)
        box.press("Enter")
        expect(log).to_contain_text(f"root@A:~# {line}")
        expect(box).to_have_value("")

    box.fill("ip addr")
    with page.expect_response(lambda r: r.url.endswith("/command/")) as response:
        box.press("Enter")
    assert response.value.status == 429
    expect(page.get_by_role("alert")).to_contain_text("going a little fast")
    expect(box).to_have_value("ip addr")  # nothing lost: press Enter again in a moment
    expect(log).not_to_contain_text("root@A:~# ip addr")

    settings.RATELIMIT_RATES = {"commands": "10/m"}  # the minute is not over, but room is made
    box.press("Enter")
    expect(log).to_contain_text("root@A:~# ip addr")
    expect(page.get_by_role("alert")).to_have_count(0)
