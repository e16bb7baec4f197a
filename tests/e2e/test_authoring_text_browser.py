"""The lesson editor in a real browser: the author's comments survive saving, Validate's answer
is in view where the author looks, errors put the cursor on their line, Preview runs the unsaved
exercise, and axe finds no serious problem on the page."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

sys.path.insert(0, str(Path(__file__).parents[1] / "web"))
from exercise_specs import make_course

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("instructor_edits_new_courses"),
]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
NOTE = "# Teacher note: last year half the class forgot the way back"
FLOW = "  - {check: reachable, from: A, to: 192.165.2.10}   # the only goal"


def log_in(page: Page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


@pytest.fixture
def editor(browser, live_server, instructor, password) -> Page:
    """The instructor on a new lesson's editor at 1366x768 (CSP bypassed for axe only)."""
    make_course()
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 768}, bypass_csp=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, instructor.username, password)
    page.goto("/author/")
    page.get_by_role("link", name="New lesson").first.click()
    page.get_by_role("textbox", name="Title").fill("Routing both ways")
    page.get_by_role("textbox", name="Content").fill("Replies need a **way back**.")
    yield page
    context.close()


def _starter_with_notes(page: Page) -> str:
    """The terminal starter, with a teacher's comment on top and the goal as a flow line."""
    page.get_by_role("combobox", name="Starter template").select_option("terminal")
    page.get_by_role("button", name="Use template").click()
    box = page.get_by_role("textbox", name="Exercise")
    text = box.input_value()
    assert text.startswith("# A terminal exercise")
    text = re.sub(r"goals:\n  - \{[^\n]*\}", "goals:\n" + FLOW, text)
    return f"{NOTE}\n{text}"


def test_comments_and_flow_lines_survive_saving(editor: Page):
    page = editor
    text = _starter_with_notes(page)
    box = page.get_by_role("textbox", name="Exercise")
    box.fill(text)
    page.get_by_role("checkbox", name="Published").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Lesson saved.")).to_be_visible()
    page.reload()
    assert page.get_by_role("textbox", name="Exercise").input_value() == text


def test_validate_answers_in_view_and_errors_put_the_cursor_on_their_line(editor: Page):
    page = editor
    text = _starter_with_notes(page).replace("to: 192.165.2.10}", "to: 192.165.2.300}")
    page.get_by_role("textbox", name="Exercise").fill(text)
    page.get_by_role("button", name="Validate").click()
    report = page.locator("#validation")
    expect(report).to_contain_text("not valid yet")
    # At 1366x768, after clicking Validate (at the bottom of the form), the answer is in view.
    expect(report.get_by_role("heading", name="Validation")).to_be_in_viewport()
    expect(report.get_by_role("list", name="Exercise problems")).to_be_in_viewport()
    expect(page.locator("#results-status")).to_have_text(re.compile(r"Validation: \d+ problem"))
    # Following a problem's link (with the keyboard) puts the cursor on its line.
    link = report.get_by_role("link", name=re.compile(r"^Line \d+, column \d+"))
    wanted = int(re.search(r"Line (\d+)", link.first.inner_text())[1])
    link.first.focus()
    page.keyboard.press("Enter")
    box = page.get_by_role("textbox", name="Exercise")
    expect(box).to_be_focused()
    line = box.evaluate("el => el.value.slice(0, el.selectionStart).split('\\n').length")
    assert line == wanted
    assert "192.165.2.300" in text.splitlines()[line - 1]


def test_preview_runs_the_unsaved_exercise(editor: Page):
    page = editor
    page.get_by_role("combobox", name="Starter template").select_option("terminal")
    page.get_by_role("button", name="Use template").click()
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    expect(preview.locator("strong")).to_have_text("way back")
    expect(preview.get_by_role("heading", name="Preview")).to_be_in_viewport()
    for host, line in (
        ("A", "ip route add 192.165.2.0/24 via 192.165.1.1"),
        ("C", "ip route add default via 192.165.2.1"),
        ("A", "ping -c 1 192.165.2.10"),
    ):
        preview.get_by_role("tab", name=host, exact=True).click()
        command = preview.get_by_role("textbox", name="Command", exact=True)
        command.fill(line)
        command.press("Enter")
        expect(preview.get_by_role("log", name="Terminal output")).to_contain_text(line)
    expect(preview.get_by_role("log", name="Terminal output")).to_contain_text("1 received")
    preview.get_by_role("button", name="Check my work").click()
    results = preview.get_by_role("list", name="Check results").get_by_role("listitem")
    expect(results.first).to_have_text(re.compile(r"^\s*Passed"))


def test_the_authoring_page_passes_axe(editor: Page):
    page = editor
    page.get_by_role("combobox", name="Starter template").select_option("routes")
    page.get_by_role("button", name="Use template").click()
    page.get_by_role("button", name="Validate").click()
    expect(page.locator("#validation")).to_contain_text("Valid:")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview")).to_contain_text("Check my work")
    assert serious_violations(page) == []
    # The format documentation beside the Exercise box, and the preview's own page, too.
    with page.expect_popup() as popup:
        page.get_by_role("link", name="Exercise format").click()
    help_page = popup.value
    expect(help_page.get_by_role("heading", name="Lesson files, exercises and")).to_be_visible()
    assert serious_violations(help_page) == []
    page.goto("/author/lessons/preview/show/")
    expect(page.get_by_role("button", name="Check my work")).to_be_visible()
    assert serious_violations(page) == []


def serious_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
