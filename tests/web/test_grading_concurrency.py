"""Two submissions at once lose nothing: every attempt is counted, progress never goes back.

The threads use their own database connections and really commit, so on PostgreSQL (the CI run
with DATABASE_URL) the transactions overlap and the row lock on Progress does the work; SQLite
serialises them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from exercise_specs import make_lesson

from lessons.models import Attempt, Progress, ProgressStatus, Workspace
from lessons.services.grading import attempt_grade
from lessons.services.terminal import run_command

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 4


def run_together(calls: list[Callable[[], object]]) -> list[object]:
    """Run the calls in threads that start at the same moment; re-raise the first error."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)
    errors: list[BaseException] = []

    def worker(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except BaseException as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
    return results


def test_concurrent_submissions_are_all_counted(learner):
    lesson = make_lesson("quiz")
    answers = [[1, 0], [0, 0], [1, 1], [None, None]]  # one right, the rest not
    run_together(
        [
            lambda a=a: attempt_grade(
                learner=learner, exercise=lesson.exercise, submission={"answers": a}
            )
            for a in answers
        ]
    )
    assert Attempt.objects.filter(learner=learner).count() == THREADS
    progress = Progress.objects.get(learner=learner, lesson=lesson)
    assert progress.attempts == THREADS
    assert progress.best_score == 100
    assert progress.status == ProgressStatus.COMPLETED
    assert progress.completed_at is not None


def test_a_failing_submission_racing_a_passing_one_never_undoes_completion(learner):
    lesson = make_lesson("quiz")
    attempt_grade(learner=learner, exercise=lesson.exercise, submission={"answers": [1, 0]})
    run_together(
        [
            lambda: attempt_grade(
                learner=learner, exercise=lesson.exercise, submission={"answers": [0, 1]}
            )
            for _ in range(THREADS)
        ]
    )
    progress = Progress.objects.get(learner=learner, lesson=lesson)
    assert (progress.status, progress.best_score, progress.attempts) == (
        ProgressStatus.COMPLETED,
        100,
        THREADS + 1,
    )


def test_concurrent_commands_in_one_terminal_are_all_kept(learner):
    exercise = make_lesson("terminal").exercise
    lines = [f"ip route add 10.{n}.0.0/16 via 192.165.1.1" for n in range(THREADS)]
    run_together(
        [
            lambda line=line: run_command(learner=learner, exercise=exercise, host="A", line=line)
            for line in lines
        ]
    )
    workspace = Workspace.objects.get(learner=learner, exercise=exercise)
    assert sorted(e["command"] for e in workspace.log) == sorted(lines)
    routes = run_command(learner=learner, exercise=exercise, host="A", line="ip r")
    for n in range(THREADS):
        assert f"10.{n}.0.0/16 via 192.165.1.1 dev eth0" in routes.output


def test_commands_that_change_nothing_racing_ones_that_do_are_all_kept_in_order(learner):
    """``ip r`` stores a row and no state, a route add writes the state too; racing, every
    command is stored once, at positions 1..n with no gap."""
    exercise = make_lesson("terminal").exercise
    for _ in range(2):  # past the first command's progress touch
        run_command(learner=learner, exercise=exercise, host="A", line="ip r")
    adds = [f"ip route add 10.{n}.0.0/16 via 192.165.1.1" for n in range(THREADS // 2)]
    lines = adds + ["ip r"] * (THREADS - len(adds))
    run_together(
        [
            lambda line=line: run_command(learner=learner, exercise=exercise, host="A", line=line)
            for line in lines
        ]
    )
    workspace = Workspace.objects.get(learner=learner, exercise=exercise)
    assert sorted(e["command"] for e in workspace.log) == sorted(["ip r", "ip r", *lines])
    positions = list(workspace.entries.values_list("position", flat=True))
    assert positions == list(range(1, len(lines) + 3))
    routes = run_command(learner=learner, exercise=exercise, host="A", line="ip r")
    for n in range(len(adds)):
        assert f"10.{n}.0.0/16 via 192.165.1.1 dev eth0" in routes.output


def test_learners_grading_at_once_do_not_share_progress(learner, other_learner):
    lesson = make_lesson("quiz")
    run_together(
        [
            lambda who=who: attempt_grade(
                learner=who, exercise=lesson.exercise, submission={"answers": [1, 0]}
            )
            for who in (learner, other_learner, learner, other_learner)
        ]
    )
    for who in (learner, other_learner):
        assert Progress.objects.get(learner=who, lesson=lesson).attempts == 2
