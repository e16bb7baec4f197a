"""An instructor writes a lesson in a real browser: preview, validate a wrong then a right
solution, publish; a learner then finds it in the course."""

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

WRONG = """\
kind: terminal
prompt: Make A reach C through the router R.
scenario:
  segments: [net1, net2]
  hosts:
    A:
      interfaces: {eth0: {segment: net1, address: 192.165.1.10/24}}
    R:
      forwarding: true
      interfaces:
        eth0: {segment: net1, address: 192.165.1.1/24}
        eth1: {segment: net2, address: 192.165.2.1/24}
    C:
      interfaces: {eth0: {segment: net2, address: 192.165.2.10/24}}
goals:
  - {check: reachable, from: A, to: 192.165.2.10}
solution:
  commands:
    A: ["ip route add 192.165.2.0/24 via 192.165.1.1"]
"""
RIGHT = WRONG + '    C: ["ip route add default via 192.165.2.1"]\n'


def log_in(page: Page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


def test_instructor_writes_validates_and_publishes_a_lesson(
    page: Page, browser, live_server, instructor, learner, password
):
    make_course()
    log_in(page, instructor.username, password)
    page.get_by_role("link", name="Author").click()
    page.get_by_role("link", name="New lesson").click()

    page.get_by_role("textbox", name="Title").fill("Routing both ways")
    page.get_by_role("combobox", name="Course").select_option(label="Networking")
    page.get_by_role("textbox", name="Content").fill("Replies need a **way back**.")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview strong")).to_have_text("way back")
    # What was typed is autosaved as a draft while the instructor works.
    expect(page.get_by_role("status").filter(has_text="Draft autosaved")).to_be_visible()

    exercise = page.get_by_role("textbox", name="Exercise")
    exercise.fill(WRONG)
    page.get_by_role("button", name="Validate").click()
    report = page.locator("#validation")
    expect(report).to_contain_text("the solution does not pass this goal")
    expect(report.get_by_role("row", name="A can reach 192.165.2.10")).to_contain_text("Fails")
    # The problem points at its line of the YAML; following it selects that line.
    report.get_by_role("link", name="Line 16").click()
    expect(exercise).to_be_focused()

    exercise.fill(RIGHT)
    page.get_by_role("button", name="Validate").click()
    expect(report).to_contain_text("Valid:")
    expect(report.get_by_role("cell", name="Passes", exact=False)).to_have_count(1)

    page.get_by_role("checkbox", name="Published").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Lesson saved.")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Published")).to_be_checked()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Author").click()
    expect(page.get_by_text("None: everything you wrote is saved.")).to_be_visible()

    # A learner sees it in the course and opens it.
    context = browser.new_context(base_url=live_server.url)
    other = context.new_page()
    log_in(other, learner.username, password)
    lessons = other.get_by_role("list", name="Lessons")
    lessons.get_by_role("link", name="Routing both ways").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Routing both ways")
    # ... works it in the terminal and passes ...
    for host, line in (
        ("A", "ip route add 192.165.2.0/24 via 192.165.1.1"),
        ("C", "ip route add default via 192.165.2.1"),
    ):
        other.get_by_role("tab", name=host, exact=True).click()
        box = other.get_by_role("textbox", name="Command", exact=True)
        box.fill(line)
        box.press("Enter")
        expect(other.get_by_role("log", name="Terminal output")).to_contain_text(line)
    other.get_by_role("button", name="Check my work").click()
    results = other.get_by_role("list", name="Check results").get_by_role("listitem")
    expect(results.first).to_have_text(re.compile(r"^\s*Passed"))
    context.close()

    # ... and the instructor's gradebook and its CSV show it.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Gradebook").click()
    table = page.get_by_role("table", name="Gradebook")
    row = table.get_by_role("row").filter(has_text=learner.username)
    expect(row).to_contain_text("Completed")
    expect(row).to_contain_text("100%")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    text = Path(download.value.path()).read_text()
    assert f"{learner.username},1,completed,100,1," in text


def test_leaving_the_editor_with_unsaved_changes_warns(page: Page, instructor, password):
    make_course()
    log_in(page, instructor.username, password)
    page.goto("/author/lessons/new/")
    page.get_by_role("textbox", name="Title").press_sequentially("Half a lesson")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name="Courses").first.click()
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]


def test_lessons_reorder_with_the_keyboard(page: Page, instructor, password):
    from exercise_specs import make_lesson

    course = make_course()
    make_lesson("quiz", course=course, slug="first", title="First")
    make_lesson("quiz", course=course, slug="second", title="Second")
    log_in(page, instructor.username, password)
    page.goto(f"/author/courses/{course.pk}/")
    lessons = page.get_by_role("list", name="Lessons")
    titles = lessons.get_by_role("link", name=re.compile(r"^(First|Second)$"))
    expect(titles).to_have_text(["First", "Second"])
    page.get_by_role("button", name="Move down: First").focus()
    page.keyboard.press("Enter")
    expect(titles).to_have_text(["Second", "First"])
    # Focus stays on the moved lesson's buttons, so pressing again keeps moving it.
    expect(page.get_by_role("button", name="Move up: First")).to_be_focused()
    page.keyboard.press("Enter")
    expect(titles).to_have_text(["First", "Second"])


def test_instructor_pages_pass_axe(browser, live_server, instructor, learner, password):
    from exercise_specs import make_lesson
    from test_learner_a11y import serious_violations

    from lessons.services.grading import attempt_grade

    lesson = make_lesson("terminal", title="Routing")
    attempt_grade(learner=learner, exercise=lesson.exercise)
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    log_in(page, instructor.username, password)
    for url in (
        "/author/",
        f"/author/courses/{lesson.course_id}/",
        f"/author/lessons/{lesson.pk}/edit/",
        f"/author/lessons/{lesson.pk}/analytics/",
        "/author/classes/",
        "/author/import/",
        "/gradebook/",
        f"/gradebook/learners/{learner.pk}/",
    ):
        page.goto(url)
        assert serious_violations(page) == [], url
    context.close()
