"""Writes: the terminal workspace, form rows, grading, progress that never goes backwards."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from exercise_specs import make_lesson, spec

from instructors.services import archive_lesson, restore_lesson
from lessons import terminallog
from lessons.exercises import SubmissionError
from lessons.models import Attempt, Progress, ProgressStatus, TerminalEntry, Workspace
from lessons.selectors import workspace_view
from lessons.services import terminal
from lessons.services.content import save_exercise
from lessons.services.grading import attempt_grade
from lessons.services.terminal import (
    PROGRESS_TOUCH_INTERVAL,
    TRIM_EVERY,
    WorkspaceError,
    clear_terminal,
    reset_workspace,
    run_command,
    save_form_rows,
)

pytestmark = pytest.mark.django_db

SOLVE_A = "ip route add 192.165.2.0/24 via 192.165.1.1"
SOLVE_C = "ip route add default via 192.165.2.1"


def progress_of(learner, lesson) -> Progress:
    return Progress.objects.get(learner=learner, lesson=lesson)


# -- the terminal --------------------------------------------------------------------------------


def test_a_command_runs_in_the_simulator_and_is_logged(learner):
    lesson = make_lesson("terminal")
    outcome = run_command(learner=learner, exercise=lesson.exercise, host="A", line="ip route")
    assert outcome.status == 0
    assert outcome.output == "192.165.1.0/24 dev eth0 proto kernel scope link src 192.165.1.10 \n"
    workspace = Workspace.objects.get(learner=learner, exercise=lesson.exercise)
    assert workspace.log == [outcome.entry]
    assert workspace.exercise_version.version == 1


def test_a_line_with_a_nul_character_is_kept(learner):
    """The fuzzer's case: PostgreSQL's text columns refuse NUL, so the log keeps it as U+FFFD
    (what a browser shows for a NUL in a page)."""
    exercise = make_lesson("terminal").exercise
    outcome = run_command(learner=learner, exercise=exercise, host="A", line="echo a\x00b")
    workspace = Workspace.objects.get(learner=learner, exercise=exercise)
    assert workspace.log == [outcome.entry]
    assert outcome.command == "echo a\ufffdb" and "\x00" not in outcome.output


def test_the_network_remembers_earlier_commands(learner):
    exercise = make_lesson("terminal").exercise
    run_command(learner=learner, exercise=exercise, host="A", line=SOLVE_A)
    outcome = run_command(learner=learner, exercise=exercise, host="A", line="ip r")
    assert "192.165.2.0/24 via 192.165.1.1 dev eth0" in outcome.output


def test_a_failing_command_gets_the_linux_error_and_status(learner):
    exercise = make_lesson("terminal").exercise
    outcome = run_command(learner=learner, exercise=exercise, host="A", line="ipp a")
    assert (outcome.output, outcome.status) == ("bash: ipp: command not found\n", 127)


def test_learners_have_separate_workspaces(learner, other_learner):
    exercise = make_lesson("terminal").exercise
    run_command(learner=learner, exercise=exercise, host="A", line=SOLVE_A)
    other = run_command(learner=other_learner, exercise=exercise, host="A", line="ip r")
    assert "192.165.2.0/24" not in other.output


def test_the_first_command_puts_the_lesson_in_progress(learner):
    lesson = make_lesson("terminal")
    run_command(learner=learner, exercise=lesson.exercise, host="A", line="ip a")
    progress = progress_of(learner, lesson)
    assert progress.status == ProgressStatus.IN_PROGRESS
    assert progress.attempts == 0
    assert progress.first_activity_at is not None
    assert progress.last_activity_at >= progress.first_activity_at


def test_an_unknown_host_is_refused(learner):
    exercise = make_lesson("terminal").exercise
    with pytest.raises(WorkspaceError, match="no host named 'Z'"):
        run_command(learner=learner, exercise=exercise, host="Z", line="ip a")


def test_a_command_line_over_1_kib_is_refused(learner):
    exercise = make_lesson("terminal").exercise
    with pytest.raises(WorkspaceError, match="at most 1024 characters"):
        run_command(learner=learner, exercise=exercise, host="A", line="x" * 1025)
    assert not Workspace.objects.exists()


def test_one_command_at_a_time(learner):
    exercise = make_lesson("terminal").exercise
    with pytest.raises(WorkspaceError, match="one command at a time"):
        run_command(learner=learner, exercise=exercise, host="A", line="ip a\nip r")


def test_the_number_of_commands_in_a_workspace_is_bounded(learner, monkeypatch):
    monkeypatch.setattr(terminal, "MAX_WORKSPACE_COMMANDS", 2)
    exercise = make_lesson("terminal").exercise
    for _ in range(2):
        run_command(learner=learner, exercise=exercise, host="A", line="hostname")
    with pytest.raises(WorkspaceError, match="limit of 2 commands. Reset the exercise"):
        run_command(learner=learner, exercise=exercise, host="A", line="hostname")
    reset_workspace(learner=learner, exercise=exercise)
    run_command(learner=learner, exercise=exercise, host="A", line="hostname")


def test_a_blank_line_is_not_logged(learner):
    exercise = make_lesson("terminal").exercise
    outcome = run_command(learner=learner, exercise=exercise, host="A", line="  ")
    assert (outcome.output, outcome.status) == ("", 0)
    assert Workspace.objects.get().log == []


def test_a_form_exercise_has_no_terminal(learner):
    exercise = make_lesson("routes").exercise
    with pytest.raises(WorkspaceError, match="no terminal"):
        run_command(learner=learner, exercise=exercise, host="A", line="ip a")


def test_reset_starts_over_but_keeps_attempts_and_progress(learner):
    lesson = make_lesson("terminal")
    exercise = lesson.exercise
    run_command(learner=learner, exercise=exercise, host="A", line=SOLVE_A)
    attempt_grade(learner=learner, exercise=exercise)
    reset_workspace(learner=learner, exercise=exercise)
    view = workspace_view(learner=learner, exercise=exercise)
    assert view.log == []
    assert "192.165.2.0/24" not in view.network.run("A", "ip r").output
    assert Attempt.objects.count() == 1
    assert progress_of(learner, lesson).attempts == 1


def test_a_learner_who_comes_back_finds_their_terminal(learner):
    exercise = make_lesson("terminal").exercise
    run_command(learner=learner, exercise=exercise, host="A", line=SOLVE_A)
    view = workspace_view(learner=learner, exercise=exercise)
    assert [e["command"] for e in view.log] == [SOLVE_A]
    assert view.hosts == ["A", "R", "C"]
    assert "192.165.2.0/24 via 192.165.1.1" in view.network.run("A", "ip r").output


def test_a_new_version_of_the_exercise_replays_the_learners_commands(learner):
    lesson = make_lesson("terminal")
    run_command(learner=learner, exercise=lesson.exercise, host="A", line=SOLVE_A)
    changed = spec("terminal")
    changed["prompt"] = "Reach C from A."
    save_exercise(lesson=lesson, spec=changed)
    lesson.refresh_from_db()
    exercise = lesson.exercise
    assert workspace_view(learner=learner, exercise=exercise).outdated
    outcome = run_command(learner=learner, exercise=exercise, host="C", line=SOLVE_C)
    assert outcome.replayed
    assert Workspace.objects.get().exercise_version.version == 2
    assert attempt_grade(learner=learner, exercise=exercise).passed


# -- grading -------------------------------------------------------------------------------------


def test_grading_a_terminal_stores_one_result_per_goal(learner):
    lesson = make_lesson("terminal")
    run_command(learner=learner, exercise=lesson.exercise, host="A", line=SOLVE_A)
    attempt = attempt_grade(learner=learner, exercise=lesson.exercise)
    assert attempt.score == 0 and not attempt.passed
    [result] = attempt.results
    assert result["passed"] is False
    assert result["cause"] == "no-return-route"
    assert result["label"] == "A can reach 192.165.2.10"
    assert "C has no route back to 192.165.1.0/24" in result["message"]
    assert attempt.submitted == {"commands": [{"host": "A", "command": SOLVE_A}]}
    assert attempt.exercise_version.version == 1
    progress = progress_of(learner, lesson)
    assert (progress.status, progress.attempts, progress.best_score) == ("in_progress", 1, 0)


def test_a_passing_attempt_completes_the_lesson(learner):
    lesson = make_lesson("terminal")
    for host, line in (("A", SOLVE_A), ("C", SOLVE_C)):
        run_command(learner=learner, exercise=lesson.exercise, host=host, line=line)
    attempt = attempt_grade(learner=learner, exercise=lesson.exercise)
    assert attempt.passed and attempt.score == 100
    progress = progress_of(learner, lesson)
    assert progress.status == ProgressStatus.COMPLETED
    assert progress.completed_at is not None
    assert progress.best_score == 100


def test_progress_never_goes_backwards(learner):
    lesson = make_lesson("quiz")
    exercise = lesson.exercise
    attempt_grade(learner=learner, exercise=exercise, submission={"answers": [1, 0]})
    completed_at = progress_of(learner, lesson).completed_at
    attempt_grade(learner=learner, exercise=exercise, submission={"answers": [0, 1]})
    reset_workspace(learner=learner, exercise=exercise)
    progress = progress_of(learner, lesson)
    assert progress.status == ProgressStatus.COMPLETED
    assert progress.completed_at == completed_at
    assert progress.best_score == 100
    assert progress.attempts == 2
    assert [a.score for a in Attempt.objects.all()] == [0, 100]  # newest first


def test_best_score_is_the_maximum(learner):
    lesson = make_lesson("quiz")
    for answers, expected_best in (([1, 1], 50), ([0, 1], 50), ([None, 0], 50)):
        attempt_grade(learner=learner, exercise=lesson.exercise, submission={"answers": answers})
        assert progress_of(learner, lesson).best_score == expected_best
    assert progress_of(learner, lesson).status == ProgressStatus.IN_PROGRESS


def test_route_rows_are_graded_and_kept(learner):
    lesson = make_lesson("routes")
    rows = {
        "routes": {
            "A": [{"destination": "192.165.2.0/24", "gateway": "192.165.1.1"}],
            "C": [{"destination": "default", "gateway": "192.165.2.1"}],
        }
    }
    attempt = attempt_grade(learner=learner, exercise=lesson.exercise, submission=rows)
    assert attempt.passed
    assert attempt.submitted == rows
    assert workspace_view(learner=learner, exercise=lesson.exercise).rows == rows


def test_a_bad_row_is_reported_by_row_and_counts_no_attempt(learner):
    lesson = make_lesson("routes")
    rows = {"routes": {"A": [{"destination": "192.165.2.0/24", "gateway": "10.0.0.1"}]}}
    with pytest.raises(SubmissionError) as info:
        attempt_grade(learner=learner, exercise=lesson.exercise, submission=rows)
    assert info.value.errors == {"routes.A[0]": "Error: Nexthop has invalid gateway."}
    assert not Attempt.objects.exists()
    assert not Progress.objects.filter(attempts__gt=0).exists()
    assert Workspace.objects.get().state == rows  # the learner's rows are not lost


def test_dns_records_are_graded(learner):
    lesson = make_lesson("dns")
    submission = {
        "records": {
            "example.com": [
                {"name": "www", "type": "A", "value": "192.165.1.50", "ttl": "300"},
                {"name": "flowers", "type": "CNAME", "value": "www", "ttl": ""},
            ]
        }
    }
    attempt = attempt_grade(learner=learner, exercise=lesson.exercise, submission=submission)
    assert attempt.passed, attempt.results


def test_quiz_answers_are_graded_per_question(learner):
    lesson = make_lesson("quiz")
    attempt = attempt_grade(
        learner=learner, exercise=lesson.exercise, submission={"answers": [1, None]}
    )
    assert [r["passed"] for r in attempt.results] == [True, False]
    assert attempt.score == 50


def test_save_form_rows_keeps_what_the_learner_typed(learner):
    exercise = make_lesson("routes").exercise
    rows = {"routes": {"A": [{"destination": "10.0.0.0/8"}]}}
    save_form_rows(learner=learner, exercise=exercise, rows=rows)
    assert workspace_view(learner=learner, exercise=exercise).rows == rows
    with pytest.raises(WorkspaceError):
        save_form_rows(learner=learner, exercise=exercise, rows={"records": {}})


def test_an_edited_exercise_keeps_earlier_attempts_on_their_version(learner):
    lesson = make_lesson("quiz")
    first = attempt_grade(learner=learner, exercise=lesson.exercise, submission={"answers": [1, 0]})
    changed = spec("quiz")
    changed["questions"][0]["answer"] = 0
    changed["solution"]["answers"] = [0, 0]
    save_exercise(lesson=lesson, spec=changed)
    lesson.refresh_from_db()
    second = attempt_grade(
        learner=learner, exercise=lesson.exercise, submission={"answers": [1, 0]}
    )
    first.refresh_from_db()
    assert (first.exercise_version.version, first.score) == (1, 100)
    assert first.exercise_version.questions[0]["answer"] == 1
    assert (second.exercise_version.version, second.score) == (2, 50)
    assert progress_of(learner, lesson).status == ProgressStatus.COMPLETED


def test_an_invalid_exercise_is_not_saved():
    from lessons.exercises import ExerciseInvalid

    lesson = make_lesson("terminal")
    broken = spec("terminal")
    del broken["goals"][0]["to"]
    with pytest.raises(ExerciseInvalid) as info:
        save_exercise(lesson=lesson, spec=broken)
    assert [p.path for p in info.value.problems] == ["exercise.goals[0].to"]
    lesson.exercise.refresh_from_db()
    assert lesson.exercise.version == 1


def test_archiving_and_restoring_a_lesson(learner):
    lesson = make_lesson("quiz")
    attempt_grade(learner=learner, exercise=lesson.exercise, submission={"answers": [1]})
    archive_lesson(lesson=lesson)
    assert lesson.archived_at is not None
    assert Attempt.objects.count() == 1
    restore_lesson(lesson=lesson)
    assert lesson.archived_at is None


def test_clear_empties_the_screen_but_keeps_the_network_and_history(learner):
    exercise = make_lesson("terminal").exercise
    run_command(learner=learner, exercise=exercise, host="A", line=SOLVE_A)
    clear_terminal(learner=learner, exercise=exercise)
    assert workspace_view(learner=learner, exercise=exercise).log == []
    run_command(learner=learner, exercise=exercise, host="C", line=SOLVE_C)
    view = workspace_view(learner=learner, exercise=exercise)
    assert [e["command"] for e in view.log] == [SOLVE_C]
    assert [e["command"] for e in view.history] == [SOLVE_A, SOLVE_C]
    assert attempt_grade(learner=learner, exercise=exercise).passed


PING = "ping -c 1 192.165.1.1"


def test_the_path_of_the_last_ping_is_kept_for_the_diagram_until_the_next_command(learner):
    exercise = make_lesson("terminal").exercise
    ping = run_command(learner=learner, exercise=exercise, host="A", line=PING)
    assert ping.status == 0
    assert ping.path is not None and ping.redraw
    workspace = Workspace.objects.get(learner=learner, exercise=exercise)
    assert workspace.terminal.path == ping.path
    assert [e["command"] for e in workspace.log] == [PING]
    after = run_command(learner=learner, exercise=exercise, host="A", line="ip r")
    assert after.path is None and after.redraw, "the drawn path goes away"
    assert Workspace.objects.get(pk=workspace.pk).terminal.path is None


def test_a_command_that_changes_nothing_adds_a_row_and_rewrites_no_state(
    learner, django_capture_on_commit_callbacks
):
    """The log is rows: ``ip addr`` stores its entry and leaves the workspace's state (the
    network) as it was; a command that changes the network writes the state too."""
    exercise = make_lesson("terminal").exercise
    run_command(learner=learner, exercise=exercise, host="A", line="ip addr")
    before = Workspace.objects.get(learner=learner, exercise=exercise)
    with CaptureQueriesContext(connection) as queries:
        run_command(learner=learner, exercise=exercise, host="A", line="ip addr")
    writes = [q["sql"] for q in queries if q["sql"].startswith(("INSERT ", "UPDATE "))]
    assert len(writes) == 1 and "lessons_terminalentry" in writes[0], writes
    after = Workspace.objects.get(learner=learner, exercise=exercise)
    assert after.state == before.state and after.updated_at == before.updated_at
    assert [e["command"] for e in after.log] == ["ip addr", "ip addr"]

    run_command(learner=learner, exercise=exercise, host="A", line=SOLVE_A)
    changed = Workspace.objects.get(learner=learner, exercise=exercise)
    assert changed.state["network"] != before.state["network"]
    assert TerminalEntry.objects.filter(workspace=changed).count() == 3


def test_progress_is_touched_by_the_first_command_and_after_a_minute_idle(learner):
    """Last activity is kept to the minute: commands in a row touch the progress row once."""
    exercise = make_lesson("terminal").exercise
    run_command(learner=learner, exercise=exercise, host="A", line="ip addr")
    first = progress_of(learner, exercise.lesson)
    assert first.status == ProgressStatus.IN_PROGRESS
    run_command(learner=learner, exercise=exercise, host="A", line="ip route")
    assert progress_of(learner, exercise.lesson).last_activity_at == first.last_activity_at

    workspace = Workspace.objects.get(learner=learner, exercise=exercise)
    a_while_ago = timezone.now() - PROGRESS_TOUCH_INTERVAL - timedelta(seconds=1)
    workspace.terminal = dataclasses.replace(workspace.terminal, progress_touched_at=a_while_ago)
    workspace.save()
    run_command(learner=learner, exercise=exercise, host="A", line="ip route")
    assert progress_of(learner, exercise.lesson).last_activity_at > first.last_activity_at


def test_the_stored_outputs_are_trimmed_to_the_budget_every_few_commands(learner, monkeypatch):
    exercise = make_lesson("terminal").exercise
    first = run_command(learner=learner, exercise=exercise, host="A", line="ip addr")
    monkeypatch.setattr(terminallog, "MAX_LOG_OUTPUT", 2 * len(first.output) + 1)
    for _ in range(TRIM_EVERY - 1):
        run_command(learner=learner, exercise=exercise, host="A", line="ip addr")
    outputs = list(
        TerminalEntry.objects.filter(workspace__learner=learner).values_list("output", flat=True)
    )
    assert len(outputs) == TRIM_EVERY, "every command is kept"
    assert outputs[-2:] == [first.output] * 2, "the newest outputs are kept"
    assert set(outputs[:-2]) == {""}, "the older ones are emptied"


def test_a_reset_empties_the_log(learner):
    exercise = make_lesson("terminal").exercise
    run_command(learner=learner, exercise=exercise, host="A", line=SOLVE_A)
    reset_workspace(learner=learner, exercise=exercise)
    assert Workspace.objects.get(learner=learner, exercise=exercise).log == []
    run_command(learner=learner, exercise=exercise, host="A", line="ip addr")
    workspace = Workspace.objects.get(learner=learner, exercise=exercise)
    assert list(workspace.entries.values_list("position", flat=True)) == [1]


def test_the_scrollback_forgets_the_oldest_outputs_but_no_command(learner, monkeypatch):
    monkeypatch.setattr(terminallog, "MAX_LOG_OUTPUT", 100)
    exercise = make_lesson("terminal").exercise
    for _ in range(3):
        run_command(learner=learner, exercise=exercise, host="A", line="ip route")
    log = workspace_view(learner=learner, exercise=exercise).log
    assert [e["command"] for e in log] == ["ip route"] * 3
    assert [bool(e["output"]) for e in log] == [False, False, True]
