"""Preview: the whole lesson as a learner sees it, its unsaved exercise runnable (a terminal's
commands, Check on the goals), nothing saved."""

from __future__ import annotations

import pytest
from django.urls import reverse
from exercise_specs import make_course, spec

from instructors import preview, starters
from lessons import lessonfile
from lessons.models import Attempt, Exercise, Lesson, Workspace

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("instructor_edits_new_courses")]

PREVIEW = reverse("instructors:lesson_preview")
COMMAND = reverse("instructors:preview_command")
CHECK = reverse("instructors:preview_check")
SHOW = reverse("instructors:preview_show")
HTMX = {"HTTP_HX_REQUEST": "true"}


def _preview(client, exercise: str, **extra):
    data = {"title": "Routing", "body": "# Routes\n\nRead me.", "exercise": exercise}
    return client.post(PREVIEW, data, **HTMX, **extra)


def test_preview_shows_the_lesson_and_its_terminal(instructor_client):
    html = _preview(instructor_client, starters.starter("terminal").text).content.decode()
    assert "<h2>Routes</h2>" in html and "Read me." in html
    assert 'aria-label="Terminal output"' in html and ">Check my work</button>" in html
    assert f'hx-post="{COMMAND}"' in html and f'hx-post="{CHECK}"' in html
    assert "Make A reach C through the router R." in html


def test_preview_runs_commands_and_checks_the_unsaved_exercise(instructor_client):
    _preview(instructor_client, starters.starter("terminal").text)
    before = instructor_client.post(CHECK, **HTMX).content.decode()
    assert "Failed: " in before and "Show a hint" not in before
    assert "Which host does not know the way back?" in before  # every hint after a failure
    for host, line in (
        ("A", "ip route add 192.165.2.0/24 via 192.165.1.1"),
        ("C", "ip route add default via 192.165.2.1"),
    ):
        response = instructor_client.post(COMMAND, {"host": host, "line": line}, **HTMX)
        assert response.status_code == 200 and line in response.content.decode()
    ping = instructor_client.post(COMMAND, {"host": "A", "line": "ping -c 1 192.165.2.10"}, **HTMX)
    assert "1 received" in ping.content.decode() and 'id="diagram"' in ping.content.decode()
    after = instructor_client.post(CHECK, **HTMX).content.decode()
    assert "Passed: " in after and "Failed: " not in after
    # Nothing was saved: no lesson, no exercise, no learner data.
    assert not Lesson.objects.exists() and not Exercise.objects.exists()
    assert not Workspace.objects.exists() and not Attempt.objects.exists()


def test_preview_of_a_form_kind_checks_the_posted_rows(instructor_client):
    _preview(instructor_client, lessonfile.dump_yaml(spec("routes")))
    rows = {
        "routes-TOTAL_FORMS": "2",
        "routes-INITIAL_FORMS": "0",
        "routes-0-host": "A",
        "routes-0-destination": "192.165.2.0/24",
        "routes-0-gateway": "192.165.1.1",
        "routes-1-host": "C",
        "routes-1-destination": "default",
        "routes-1-gateway": "192.165.2.1",
    }
    html = instructor_client.post(CHECK, rows, **HTMX).content.decode()
    assert "Passed: " in html and "Failed: " not in html, html[:2000]


def test_preview_of_a_quiz_checks_the_answers(instructor_client):
    _preview(instructor_client, starters.starter("quiz").text)
    page = instructor_client.get(SHOW).content.decode()
    assert "Which range is private address space?" in page
    html = instructor_client.post(CHECK, {"q0": "1", "q1": "1"}, **HTMX).content.decode()
    assert "Passed: " in html and "Failed: " in html, html[:2000]


def test_the_preview_works_without_javascript(instructor_client):
    course = make_course()
    data = {
        "title": "Routing",
        "course": course.pk,
        "body": "Read me.",
        "exercise": starters.starter("terminal").text,
        "action": "preview",
    }
    page = instructor_client.post(reverse("instructors:lesson_create"), data).content.decode()
    assert 'aria-label="Terminal output"' in page
    response = instructor_client.post(COMMAND, {"host": "A", "line": "ip -br addr"})
    assert response.status_code == 302 and response.url.startswith(SHOW)
    shown = instructor_client.get(response.url).content.decode()
    assert "ip -br addr" in shown and "192.165.1.10/24" in shown
    checked = instructor_client.post(CHECK).content.decode()
    assert "Failed: " in checked


def test_an_exercise_that_cannot_be_shown_says_why(instructor_client):
    html = _preview(instructor_client, "kind: terminal\nprompt: [oops\n").content.decode()
    assert "The exercise cannot be shown yet" in html and "line " in html
    assert instructor_client.post(COMMAND, {"host": "A", "line": "ip a"}, **HTMX).status_code == 200
    assert instructor_client.post(CHECK, **HTMX).status_code == 404


def test_the_preview_is_bounded_like_a_workspace(instructor_client, monkeypatch):
    monkeypatch.setattr(preview, "MAX_COMMANDS", 2)
    _preview(instructor_client, starters.starter("terminal").text)
    for _ in range(2):
        instructor_client.post(COMMAND, {"host": "A", "line": "ip a"}, **HTMX)
    third = instructor_client.post(COMMAND, {"host": "A", "line": "ip a"}, **HTMX)
    assert "press Preview to start it over" in third.content.decode()


def test_without_a_preview_the_preview_urls_are_404(instructor_client):
    assert instructor_client.get(SHOW).status_code == 404
    assert instructor_client.post(CHECK).status_code == 404


def test_learners_cannot_use_the_preview(learner_client):
    assert learner_client.post(PREVIEW, {"exercise": "kind: quiz"}).status_code == 403
    assert learner_client.post(COMMAND, {"host": "A", "line": "ip a"}).status_code == 403


def test_old_outputs_are_emptied_when_the_log_grows(instructor_client, monkeypatch):
    monkeypatch.setattr(preview, "MAX_LOG_OUTPUT", 100)
    _preview(instructor_client, starters.starter("terminal").text)
    for _ in range(3):
        instructor_client.post(COMMAND, {"host": "A", "line": "ip addr"}, **HTMX)
    log = preview.current(instructor_client.session).log
    assert [entry["command"] for entry in log] == ["ip addr"] * 3
    assert log[0]["output"] == "" and "192.165.1.10/24" in log[-1]["output"]
