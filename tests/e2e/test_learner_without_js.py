"""With JavaScript off, the same lessons still work: plain links and form posts."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).parents[1] / "web"))
from learner_data import make_course

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def no_js_page(browser, live_server, django_user_model, password):
    user = django_user_model.objects.create_user(username="plain-learner", password=password)
    make_course()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username", exact=True).fill(user.username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    yield page
    context.close()


def test_a_terminal_lesson_works_without_javascript(no_js_page):
    page = no_js_page
    page.get_by_role("link", name="Continue").click()
    page.get_by_role("tab", name="R", exact=True).click()  # a plain link: ?host=R
    box = page.get_by_role("textbox", name="Command", exact=True)
    box.fill("ip route")
    page.get_by_role("button", name="Run").click()
    log = page.get_by_role("log", name="Terminal output")
    expect(log).to_contain_text("root@R:~# ip route")
    expect(log).to_contain_text("192.165.2.0/24 dev eth1 proto kernel scope link src 192.165.2.1")

    page.get_by_role("tab", name="A", exact=True).click()
    page.get_by_role("textbox", name="Command", exact=True).fill(
        "ip route add 192.165.2.0/24 via 192.165.1.1"
    )
    page.get_by_role("button", name="Run").click()
    page.get_by_role("button", name="Check my work").click()
    items = page.get_by_role("list", name="Check results").get_by_role("listitem")
    expect(items.first).to_have_text(re.compile("^Passed"))
    expect(page.get_by_role("progressbar", name="Course progress")).to_have_attribute(
        "aria-valuenow", "25"
    )

    # Reset asks on a page of its own
    page.get_by_role("button", name="Reset exercise").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("over?")
    page.get_by_role("button", name="Reset exercise").click()
    expect(page.get_by_role("log", name="Terminal output")).not_to_contain_text("ip route add")


def test_add_route_and_check_work_without_javascript(no_js_page):
    page = no_js_page
    page.goto("/courses/networking/routing-table/")
    page.get_by_role("button", name="Add route").click()
    expect(page.get_by_role("textbox", name="Destination")).to_have_count(2)
    page.get_by_role("textbox", name="Destination").nth(1).fill("192.165.2.0/24")
    page.get_by_role("textbox", name="Gateway").nth(1).fill("192.165.1.1")
    page.get_by_role("button", name="Check my work").click()
    items = page.get_by_role("list", name="Check results").get_by_role("listitem")
    expect(items.first).to_contain_text("Passed")
