"""A new learner works a lesson of each kind in a real browser, through DESIGN.md's names."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

sys.path.insert(0, str(Path(__file__).parents[1] / "web"))
from learner_data import make_course

pytestmark = pytest.mark.django_db(transaction=True)

FIX = "ip route add 192.165.2.0/24 via 192.165.1.1"


def run(page: Page, line: str) -> None:
    box = page.get_by_role("textbox", name="Command", exact=True)
    box.fill(line)
    box.press("Enter")
    expect(page.get_by_role("log", name="Terminal output")).to_contain_text(line)
    expect(box).to_have_value("")


def check(page: Page) -> list[str]:
    """The results of "Check my work", read once htmx swapped them in: the results already on
    the page are marked first, since the response can arrive before the swap (under load the
    previous check's results were read as this one's)."""
    page.evaluate(
        "() => document.getElementById('check-results')?.setAttribute('data-e2e-stale', '')"
    )
    with page.expect_response(lambda r: r.url.endswith("/check/")):
        page.get_by_role("button", name="Check my work").click()
    page.wait_for_load_state()
    fresh = page.locator("#check-results:not([data-e2e-stale])")
    results = fresh.get_by_role("list", name="Check results").get_by_role("listitem")
    expect(results.first).to_be_visible()
    return [text.strip() for text in results.all_inner_texts()]


def progress(page: Page) -> str | None:
    return page.get_by_role("progressbar", name="Course progress").first.get_attribute(
        "aria-valuenow"
    )


def test_a_new_learner_works_every_kind_of_lesson(signed_up_page: Page):
    page = signed_up_page
    make_course()
    page.goto("/")
    lessons = page.get_by_role("list", name="Lessons")
    expect(lessons.get_by_role("link")).to_have_count(4)
    assert progress(page) == "0"
    lessons.get_by_role("link", name="Routing between networks").click()

    # -- terminal ------------------------------------------------------------------------------
    expect(page.get_by_role("tab", name="A", exact=True)).to_have_attribute("aria-selected", "true")
    run(page, "ping -c 1 192.165.2.10")
    log = page.get_by_role("log", name="Terminal output")
    expect(log).to_contain_text("root@A:~# ping -c 1 192.165.2.10")
    expect(log).to_contain_text("Network is unreachable")
    expect(page.locator("#diagram .drop")).to_have_count(1)  # the diagram was redrawn

    results = check(page)
    assert results[0].startswith("Failed")
    page.get_by_role("button", name="Show a hint").click()
    expect(page.get_by_text("Which host does not know the way")).to_be_visible()
    expect(page.locator("#hints li").last).to_be_focused()  # the keyboard follows the hint

    run(page, FIX)
    run(page, "ping -c 1 192.165.2.10")
    expect(log).to_contain_text("1 received")
    expect(page.locator("#diagram")).to_contain_text("Request A → R → C: delivered to C")
    expect(page.locator("#diagram .drop")).to_have_count(0)

    # history: Up brings back the last command
    box = page.get_by_role("textbox", name="Command", exact=True)
    box.press("ArrowUp")
    expect(box).to_have_value("ping -c 1 192.165.2.10")
    box.press("ArrowUp")
    expect(box).to_have_value(FIX)
    box.press("ArrowDown")
    box.press("ArrowDown")
    expect(box).to_have_value("")

    # keyboard: arrows move between host tabs, the prompt follows
    page.get_by_role("tab", name="A", exact=True).focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="C", exact=True)).to_be_focused()
    expect(page.get_by_role("tab", name="C", exact=True)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(box).to_be_focused()
    run(page, "ip route")
    expect(log).to_contain_text("root@C:~# ip route")

    results = check(page)
    assert results and all(r.startswith("Passed") for r in results), results
    expect(page.get_by_text("Lesson complete.")).to_be_visible()
    assert progress(page) == "25"

    # coming back finds the terminal as it was
    page.reload()
    expect(log).to_contain_text(f"root@A:~# {FIX}")
    expect(log).to_contain_text("root@C:~# ip route")
    expect(page.locator("#diagram")).to_contain_text("192.165.2.10/24")

    page.get_by_role("link", name=re.compile("^Next lesson")).click()

    # -- routes form ----------------------------------------------------------------------------
    expect(page.get_by_role("heading", level=1, name="A routing table by hand")).to_be_visible()
    page.get_by_role("button", name="Add route").click()
    expect(page.get_by_role("textbox", name="Destination")).to_have_count(2)
    expect(page.get_by_role("textbox", name="Destination").nth(1)).to_be_focused()
    page.get_by_role("textbox", name="Destination").first.fill("192.165.2.0/24")
    page.get_by_role("textbox", name="Gateway").first.fill("10.0.0.1")
    page.get_by_role("button", name="Check my work").click()  # a bad row is not graded
    expect(page.get_by_text("Error: Nexthop has invalid gateway.")).to_be_visible()
    page.get_by_role("textbox", name="Gateway").first.fill("192.165.1.1")
    page.get_by_role("textbox", name="Device").first.fill("eth0")
    results = check(page)
    assert results and all(r.startswith("Passed") for r in results), results
    assert progress(page) == "50"
    page.get_by_role("link", name=re.compile("^Next lesson")).click()

    # -- DNS form -------------------------------------------------------------------------------
    expect(page.get_by_role("heading", level=1, name="Names for addresses")).to_be_visible()
    page.get_by_role("textbox", name="Name", exact=True).fill("www")
    page.get_by_role("combobox", name="Type").select_option("A")
    page.get_by_role("textbox", name="Value").fill("192.165.2.10")
    page.get_by_role("textbox", name="TTL").fill("300")
    results = check(page)
    assert results and all(r.startswith("Passed") for r in results), results
    assert progress(page) == "75"
    page.get_by_role("link", name=re.compile("^Next lesson")).click()

    # -- quiz -----------------------------------------------------------------------------------
    expect(page.get_by_role("heading", level=1, name="Routing quiz")).to_be_visible()
    page.get_by_role("radio", name="The longest prefix").check()
    page.get_by_role("radio", name="ip_forward = 1").check()
    results = check(page)
    assert results and all(r.startswith("Passed") for r in results), results
    assert progress(page) == "100"

    page.goto("/")
    assert progress(page) == "100"
    page.get_by_role("link", name="My progress").click()
    expect(page.get_by_role("heading", name="My progress")).to_be_visible()
    expect(page.get_by_role("cell", name="Completed")).to_have_count(4)


def test_a_second_learner_never_sees_the_first_ones_work(browser, live_server, signed_up_page):
    first = signed_up_page
    course = make_course()
    first.goto(f"/courses/{course.slug}/routing-between-networks/")
    run(first, "ip addr add 10.42.0.1/24 dev eth0")

    context = browser.new_context(base_url=live_server.url)
    second = context.new_page()
    second.goto("/accounts/signup/")
    second.get_by_label("Username", exact=True).fill("second-learner")
    second.get_by_label("Password", exact=True).fill("another-passphrase!")
    second.get_by_label("Password confirmation", exact=True).fill("another-passphrase!")
    second.get_by_role("button", name="Sign up").click()
    second.wait_for_url("**/")
    second.goto(f"/courses/{course.slug}/routing-between-networks/")
    log = second.get_by_role("log", name="Terminal output")
    expect(log).not_to_contain_text("10.42.0.1")
    expect(second.locator("#diagram")).not_to_contain_text("10.42.0.1")
    context.close()

    # `clear` empties the screen for good; the network stays as it was
    box = first.get_by_role("textbox", name="Command", exact=True)
    box.fill("clear")
    box.press("Enter")
    expect(first.get_by_role("log", name="Terminal output")).to_have_text("")
    first.reload()
    expect(first.get_by_role("log", name="Terminal output")).to_have_text("")
    expect(first.locator("#diagram")).to_contain_text("10.42.0.1/24")
    box.press("ArrowUp")  # the history is read from the log, which is empty now
    expect(box).to_have_value("")

    # the first learner starts over: "Reset exercise" asks first (hx-confirm)
    first.once("dialog", lambda dialog: dialog.accept())
    first.get_by_role("button", name="Reset exercise").click()
    first.wait_for_load_state()
    expect(first.get_by_role("log", name="Terminal output")).not_to_contain_text("10.42.0.1")
    expect(first.locator("#diagram")).not_to_contain_text("10.42.0.1")
