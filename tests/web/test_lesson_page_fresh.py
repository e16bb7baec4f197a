"""The lesson page is never stale and never another learner's: it is rendered for each request,
and only its pieces that are the same for everyone (rendered Markdown, a form exercise's
starting diagram) are kept, in ``{% cache %}`` fragments keyed by the content they show."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from learner_data import TERMINAL, lesson

from instructors.services import archive_lesson
from lessons import markdown
from lessons.models import Lesson
from lessons.services import progress
from lessons.services.content import save_exercise
from lessons.services.terminal import run_command

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("instructor_edits_new_courses")]

HX = {"HTTP_HX_REQUEST": "true"}
FIX = "ip route add 192.165.2.0/24 via 192.165.1.1"


def page(item, **query) -> str:
    url = reverse("lesson", args=[item.course.slug, item.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def action(item, name: str) -> str:
    return reverse(f"lesson_{name}", args=[item.course.slug, item.slug])


def html_of(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def ran(line: str) -> str:
    return f'data-command="{line}"'


def warm(client: Client, item) -> str:
    """Two visits: the first sets the CSRF cookie, the second stores the page."""
    html_of(client, page(item))
    return html_of(client, page(item))


def test_a_second_visit_renders_no_markdown_again(learner_client, terminal, monkeypatch):
    warm(learner_client, terminal)
    rendered = []
    original = markdown.md.markdown
    monkeypatch.setattr(
        markdown.md, "markdown", lambda *a, **k: rendered.append(1) or original(*a, **k)
    )
    assert "Terminal output" in html_of(learner_client, page(terminal))
    assert rendered == [], "the lesson text and the prompt come from their fragments"
    item = Lesson.objects.get(pk=terminal.pk)
    item.body = "A text **never** shown before."
    item.save()
    assert "<strong>never</strong>" in html_of(learner_client, page(terminal))
    assert rendered == [1], "a new text is a new key: rendered once"


def test_a_form_exercise_draws_its_starting_network_once(learner_client, course, monkeypatch):
    from lessons.kinds import rows

    routes = lesson(course, "routing-table")
    assert "<svg" in warm(learner_client, routes)
    drawn = []
    monkeypatch.setattr(rows, "_starting_diagram", lambda spec: drawn.append(spec) or None)
    assert "<svg" in html_of(learner_client, page(routes))
    assert drawn == []


def test_the_page_shows_a_command_typed_after_it_was_cached(learner_client, terminal):
    assert ran("ip neigh") not in warm(learner_client, terminal)
    learner_client.post(action(terminal, "command"), {"host": "A", "line": "ip neigh"}, **HX)
    assert ran("ip neigh") in html_of(learner_client, page(terminal))
    learner_client.post(action(terminal, "command"), {"host": "A", "line": "clear"}, **HX)
    assert ran("ip neigh") not in html_of(learner_client, page(terminal))


def test_the_page_shows_a_check_a_hint_and_a_reset(learner_client, learner, terminal):
    run_command(learner=learner, exercise=terminal.exercise, host="A", line="ip n")
    assert 'aria-label="Check results"' not in warm(learner_client, terminal)
    learner_client.post(action(terminal, "check"), **HX)
    html = html_of(learner_client, page(terminal))
    assert 'aria-label="Check results"' in html and "Which host does not know" not in html
    learner_client.post(action(terminal, "hint"), **HX)
    assert "Which host does not know" in html_of(learner_client, page(terminal))
    learner_client.post(action(terminal, "reset"), **HX)
    html = html_of(learner_client, page(terminal))
    assert ran("ip n") not in html and "Which host does not know" not in html


def test_the_page_shows_a_path_a_pass_and_the_progress_bar(learner_client, learner, terminal):
    warm(learner_client, terminal)
    run_command(learner=learner, exercise=terminal.exercise, host="A", line=FIX)
    learner_client.post(
        action(terminal, "command"), {"host": "A", "line": "ping -c 1 192.165.2.10"}
    )
    assert ran("ping -c 1 192.165.2.10") in html_of(learner_client, page(terminal))
    learner_client.post(action(terminal, "check"))
    assert "Lesson complete." in html_of(learner_client, page(terminal))
    # the progress bar of another lesson of the course moved too
    assert 'value="25"' in html_of(learner_client, page(lesson(terminal.course, "routing-quiz")))


def test_an_instructor_reset_reaches_the_learners_page(
    learner_client, learner, instructor_client, terminal
):
    run_command(learner=learner, exercise=terminal.exercise, host="A", line="ip neigh")
    assert ran("ip neigh") in warm(learner_client, terminal)
    url = reverse("instructors:learner_reset", args=[learner.pk, terminal.pk])
    assert instructor_client.post(url).status_code == 302
    assert ran("ip neigh") not in html_of(learner_client, page(terminal))


def test_edited_lessons_and_exercises_reach_every_page(learner_client, learner, terminal):
    warm(learner_client, terminal)
    item = Lesson.objects.get(pk=terminal.pk)
    item.body = "A brand new explanation."
    item.save()
    assert "A brand new explanation." in html_of(learner_client, page(terminal))
    save_exercise(lesson=item, spec={**TERMINAL, "prompt": "Reach **C** now."})
    assert "<strong>C</strong> now." in html_of(learner_client, page(terminal))
    course = item.course
    course.title = "Renamed course"
    course.save()
    assert "Renamed course" in html_of(learner_client, page(terminal))
    run_command(learner=learner, exercise=item.exercise, host="A", line=FIX)
    learner_client.post(action(terminal, "check"))
    assert "Next lesson: A routing table by hand" in html_of(learner_client, page(terminal))
    archive_lesson(lesson=item)
    assert learner_client.get(page(terminal)).status_code == 404


def test_learners_never_see_each_others_page(
    learner_client, learner, other_learner_client, other_learner, terminal
):
    run_command(learner=learner, exercise=terminal.exercise, host="A", line="ip neigh")
    assert "ada" in warm(learner_client, terminal)
    html = warm(other_learner_client, terminal)
    assert ran("ip neigh") not in html and "grace" in html and "<strong>ada</strong>" not in html
    # even with the first learner's cookies for CSRF
    other_learner_client.cookies["csrftoken"] = learner_client.cookies["csrftoken"].value
    html = html_of(other_learner_client, page(terminal))
    assert ran("ip neigh") not in html and "<strong>ada</strong>" not in html


def test_a_logged_out_visitor_never_gets_a_cached_page(learner_client, terminal):
    warm(learner_client, terminal)
    learner_client.post(reverse("logout"))
    response = learner_client.get(page(terminal))
    assert response.status_code == 302


def test_the_host_tab_and_instructor_links_are_part_of_the_key(
    learner_client, learner, terminal, django_user_model
):
    warm(learner_client, terminal)
    assert 'name="host" value="R"' not in html_of(learner_client, page(terminal))
    html = html_of(learner_client, page(terminal, host="R"))
    assert 'name="host" value="R"' in html
    assert 'name="host" value="R"' not in html_of(learner_client, page(terminal))
    assert "Gradebook" not in html
    from django.contrib.auth.models import Group

    learner.groups.add(Group.objects.get_or_create(name="instructors")[0])
    assert "Gradebook" in html_of(learner_client, page(terminal))


def test_pending_messages_are_shown_not_cached(instructor_client, learner, terminal):
    progress.touch(learner=learner, lesson=terminal, now=timezone.now())  # one its authors see
    warm(instructor_client, terminal)
    url = reverse("instructors:learner_reset", args=[learner.pk, terminal.pk])
    instructor_client.post(url)  # "ada's exercise ... was reset.", shown on the next page
    assert "was reset." in html_of(instructor_client, page(terminal))
    assert "was reset." not in html_of(instructor_client, page(terminal))


def test_a_shared_cache_that_fails_costs_the_page_nothing(learner_client, terminal, monkeypatch):
    """Redis down: the lesson page is still served (its fragments are kept in memory)."""
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    learner_client.get(page(terminal))  # the CSRF cookie, as a first visit sets it
    for name in ("get", "get_many", "add", "set"):
        monkeypatch.setattr(cache, name, down)
    response = learner_client.get(page(terminal))
    assert response.status_code == 200
    assert "Terminal output" in response.content.decode()
