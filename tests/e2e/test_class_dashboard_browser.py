"""An instructor opens a class of thirty from the "Classes" link of the top navigation: the
dashboard passes axe (no serious or critical violation) on a laptop and on a phone, the progress
table scrolls inside a keyboard-focusable region whose header row and first column stay in view,
a heat map number leads to the failed checks behind it, and "Copy" copies the join link."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

sys.path.insert(0, str(Path(__file__).parents[1] / "web"))
from class_data import attempt, progress, user
from exercise_specs import make_course, make_lesson
from test_learner_a11y import serious_violations, shoot

from instructors import services as instructor_services
from lessons.models import ProgressStatus

pytestmark = pytest.mark.django_db(transaction=True)

LESSONS = 10
LEARNERS = 30
CAUSES = ("no-return-route", "ttl-exceeded", "forwarding-off")


@pytest.fixture
def classroom(db, django_user_model, password):
    teacher = django_user_model.objects.create_user(username="teacher", password=password)
    teacher.groups.add(Group.objects.get_or_create(name="instructors")[0])
    course = make_course()
    lessons = [
        make_lesson("terminal", slug=f"lesson-{n}", course=course, title=f"Lesson {n}")
        for n in range(1, LESSONS + 1)
    ]
    classroom = instructor_services.create_classroom(
        instructor=teacher, course=course, name="Monday group"
    )
    statuses = [ProgressStatus.COMPLETED, ProgressStatus.IN_PROGRESS]
    for n in range(LEARNERS):
        member = user(django_user_model, f"learner{n:02d}")
        instructor_services.join_classroom(learner=member, classroom=classroom)
        for i, lesson in enumerate(lessons[: n % LESSONS]):
            status = statuses[(n + i) % 2]
            checks = 1 + (n + i) % 6
            best = 100 if status == ProgressStatus.COMPLETED else 50
            progress(member, lesson, status, best=best, checks=checks)
            if status != ProgressStatus.COMPLETED:
                attempt(member, lesson, "no-route", CAUSES[(n + i) % len(CAUSES)])
    return classroom


@pytest.fixture
def teacher_page(browser, live_server, classroom, password):
    """The class's instructor, logged in (CSP bypassed so that axe can be injected)."""
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username", exact=True).fill("teacher")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    yield page
    context.close()


def _open_class(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Classes").click()
    page.get_by_role("link", name="Monday group").click()
    expect(page.get_by_role("heading", name="Monday group", level=1)).to_be_visible()


def _shown_at(page: Page, x: float, y: float) -> str:
    """What the browser shows at a point of the viewport: "header" (a cell of the table's
    header row), "learner" (a row header) or "cell"."""
    return page.evaluate(
        """([x, y]) => { const hit = document.elementFromPoint(x, y);
                         const cell = hit && hit.closest("th, td");
                         if (!cell) return "nothing";
                         if (cell.closest("thead")) return "header";
                         return cell.tagName === "TH" ? "learner" : "cell"; }""",
        [x, y],
    )


@pytest.mark.parametrize("viewport", [(1366, 768), (390, 844)], ids=["laptop", "phone"])
def test_the_class_dashboard_passes_axe_and_keeps_its_headers_in_view(teacher_page, viewport):
    page = teacher_page
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    _open_class(page)
    table = page.get_by_role("table", name="Class progress")
    expect(table).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(LEARNERS + 1)
    expect(page.get_by_role("table", name="Misconceptions")).to_be_attached()
    # Wide tables scroll in their regions: the page itself is never wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport[0]
    assert serious_violations(page) == []
    shoot(page, f"class-dashboard-{viewport[0]}")

    region = page.get_by_role("region", name="Class progress, scrollable")
    region.scroll_into_view_if_needed()
    # Keyboard: the region takes focus and the arrow keys scroll it both ways.
    region.focus()
    assert page.evaluate("document.activeElement.getAttribute('role')") == "region"
    for _ in range(15):
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowRight")
    scrolled = region.evaluate("el => [el.scrollTop, el.scrollLeft]")
    assert scrolled[0] > 0 and scrolled[1] > 0, scrolled
    # Scrolled both ways, the region still shows the header row along its top and the
    # learners' names down its left, over the cells scrolled under them.
    box = region.bounding_box()
    x_mid, y_mid = box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.6
    assert _shown_at(page, x_mid, box["y"] + 8) == "header"
    assert _shown_at(page, box["x"] + 8, y_mid) == "learner"
    assert _shown_at(page, box["x"] + 8, box["y"] + 8) == "header"  # the corner
    assert _shown_at(page, x_mid, y_mid) == "cell"
    assert page.locator(".dash-scroll thead th").nth(3).is_visible()
    shoot(page, f"class-dashboard-scrolled-{viewport[0]}")


def test_a_heat_map_number_leads_to_the_failed_checks(teacher_page):
    page = teacher_page
    page.set_viewport_size({"width": 1366, "height": 768})
    _open_class(page)
    heat = page.get_by_role("table", name="Misconceptions")
    cause = "A host has no route to the destination"
    heat.get_by_role("link", name=re.compile(rf"^\d+ learners?: {cause}")).first.click()
    expect(page.get_by_role("heading", name=cause)).to_be_visible()
    expect(page.get_by_role("table", name="Failed checks")).to_contain_text("learner")
    assert serious_violations(page) == []


def test_copy_puts_the_join_link_on_the_clipboard(teacher_page, classroom):
    page = teacher_page
    _open_class(page)
    page.get_by_role("button", name="Copy join link").click()
    expect(page.get_by_role("status").filter(has_text="Copied.")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.endswith(f"/join/{classroom.code}/")
