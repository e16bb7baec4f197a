"""Issue 14's reproductions over HTTP: a learner's expensive command and an instructor's huge
exercise get a clear answer quickly, never a 500 or a worker held for seconds, and the stored
workspace stays small."""

from __future__ import annotations

import json
import time

import pytest
from django.urls import reverse

from benchmarks.hostile import aliased_routes_exercise
from lessons import lessonfile
from lessons.models import Workspace
from netlearn.sim.limits import MAX_STATE_BYTES

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def _command(client, item, line: str) -> tuple[str, float]:
    url = reverse("lesson_command", args=[item.course.slug, item.slug])
    started = time.process_time()
    response = client.post(url, {"host": "A", "line": line}, **HX)
    spent = time.process_time() - started
    assert response.status_code == 200
    return response.content.decode(), spent


def test_a_catastrophic_grep_answers_at_once(learner_client, terminal):
    html, spent = _command(learner_client, terminal, "echo " + "a" * 40 + "! | grep -E '^(a|a)*$'")
    assert spent < 1.0
    assert 'data-command="echo aaaa' in html


def test_a_doubling_variable_is_refused_and_the_workspace_stays_small(
    learner_client, learner, terminal
):
    _command(learner_client, terminal, "export A=" + "x" * 1000)
    answers = [_command(learner_client, terminal, "export A=$A$A$A$A$A$A$A$A") for _ in range(4)]
    assert all(spent < 1.0 for _, spent in answers)
    assert "value too long (the simulator keeps at most 4096 characters" in answers[-1][0]
    state = Workspace.objects.get(learner=learner, exercise=terminal.exercise).state
    assert len(json.dumps(state)) < MAX_STATE_BYTES


def test_a_huge_printf_width_is_refused(learner_client, terminal):
    for width in ("999999999", "9999999999"):
        html, spent = _command(learner_client, terminal, f"printf '%0{width}d' 1")
        assert spent < 1.0
        assert f"bash: printf: {width}: resource limit exceeded" in html


def test_validating_many_hosts_sharing_many_routes_fails_fast(instructor_client):
    text = aliased_routes_exercise(hosts=63, routes=1000, goals=48)
    assert len(text) < lessonfile.MAX_EXERCISE_YAML
    started = time.process_time()
    response = instructor_client.post(reverse("instructors:lesson_validate"), {"exercise": text})
    assert time.process_time() - started < 2.0
    assert response.status_code == 200
    html = response.content.decode()
    assert "once its YAML aliases are expanded" in html and "hosts.*.routes" in html


def test_validating_a_heavy_exercise_answers_within_the_author_budget(instructor_client):
    text = aliased_routes_exercise(hosts=63, routes=10, goals=48)
    started = time.process_time()
    response = instructor_client.post(reverse("instructors:lesson_validate"), {"exercise": text})
    assert time.process_time() - started < 5.0 + 3.0
    assert response.status_code == 200
    html = response.content.decode()
    # Either the whole validation ran (and found the start already passing every goal), or it
    # stopped at the author budget saying so: never a worker timeout.
    assert (
        "already passes every goal" in html
        or "validating the exercise ran out of its budget" in html
    )


def test_a_check_past_the_grading_budget_fails_each_goal_with_the_reason(monkeypatch):
    from exercise_specs import spec

    from lessons import exercises
    from netlearn.sim import budget

    monkeypatch.setattr(budget, "GRADING", budget.Budget("checking your work", 10.0, steps=3))
    grade = exercises.grade(spec("terminal"))
    assert grade.results and not any(result.passed for result in grade.results)
    assert all(
        result.message.startswith("checking your work ran out of its budget (3 steps)")
        for result in grade.results
    )


def test_a_command_past_its_budget_answers_like_bash_and_is_logged_with_the_learner(
    learner_client, terminal, monkeypatch, caplog
):
    from netlearn.sim import budget

    monkeypatch.setattr(budget, "COMMAND", budget.Budget("the command", 10.0, steps=3))
    with caplog.at_level("WARNING", logger="lessons.services.terminal"):
        html, _ = _command(learner_client, terminal, "ping -c 3 192.165.1.1")
    assert "bash: ping: resource limit exceeded" in html
    assert any(
        "command budget" in r.getMessage() and "ada" in r.getMessage() for r in caplog.records
    )
    # the terminal goes on: the next command runs as usual
    monkeypatch.undo()
    html, _ = _command(learner_client, terminal, "hostname")
    assert "A\n" in html
