"""The data model: what is unique, what is kept, what a learner may see."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from exercise_specs import make_course, make_lesson, spec

from instructors.services import archive_lesson
from lessons.models import (
    Attempt,
    Exercise,
    ExerciseVersion,
    Lesson,
    Progress,
    ProgressStatus,
    TerminalState,
    Workspace,
)
from lessons.services.content import save_exercise
from lessons.services.grading import attempt_grade
from lessons.services.terminal import run_command

pytestmark = pytest.mark.django_db


def test_a_lesson_slug_is_unique_within_its_course_only():
    lesson = make_lesson("quiz", slug="intro")
    other_course = make_course("other")
    Lesson.objects.create(course=other_course, slug="intro", title="Intro elsewhere")
    with pytest.raises(IntegrityError), transaction.atomic():
        Lesson.objects.create(course=lesson.course, slug="intro", title="Twice")


def test_an_exercise_keeps_a_frozen_copy_of_each_version():
    lesson = make_lesson("quiz")
    changed = spec("quiz")
    changed["prompt"] = "A new prompt"
    assert save_exercise(lesson=lesson, spec=changed) == "updated"
    exercise = Exercise.objects.get(lesson=lesson)
    assert exercise.version == 2
    first, second = ExerciseVersion.objects.filter(exercise=exercise)
    assert (first.version, first.prompt) == (1, spec("quiz")["prompt"])
    assert (second.version, second.prompt) == (2, "A new prompt")
    assert exercise.current_version() == second


def test_an_exercise_gives_back_its_lesson_file_mapping():
    lesson = make_lesson("dns")
    assert lesson.exercise.spec() == spec("dns")
    assert lesson.exercise.current_version().spec() == spec("dns")


def test_one_workspace_and_one_progress_per_learner_and_lesson(learner):
    lesson = make_lesson("quiz")
    version = lesson.exercise.current_version()
    Workspace.objects.create(learner=learner, exercise=lesson.exercise, exercise_version=version)
    with pytest.raises(IntegrityError), transaction.atomic():
        Workspace.objects.create(
            learner=learner, exercise=lesson.exercise, exercise_version=version
        )
    Progress.objects.create(learner=learner, lesson=lesson)
    with pytest.raises(IntegrityError), transaction.atomic():
        Progress.objects.create(learner=learner, lesson=lesson)


def test_progress_starts_not_started(learner):
    progress = Progress.objects.create(learner=learner, lesson=make_lesson("quiz"))
    assert progress.status == ProgressStatus.NOT_STARTED
    assert (progress.best_score, progress.attempts, progress.completed_at) == (0, 0, None)


def test_a_score_above_100_is_refused(learner):
    lesson = make_lesson("quiz")
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(
            learner=learner,
            exercise=lesson.exercise,
            exercise_version=lesson.exercise.current_version(),
            score=101,
        )


def test_learners_see_published_lessons_that_are_not_archived():
    shown = make_lesson("quiz", slug="shown")
    draft = make_lesson("quiz", slug="draft")
    draft.published = False
    draft.save()
    archived = archive_lesson(lesson=make_lesson("quiz", slug="archived"))
    assert list(Lesson.objects.visible()) == [shown]
    assert set(Lesson.objects.live()) == {shown, draft}
    assert archived.is_archived and not archived.is_visible


def test_a_lesson_in_an_unpublished_course_is_not_visible():
    lesson = make_lesson("quiz")
    lesson.course.published = False
    lesson.course.save()
    assert not Lesson.objects.visible().exists()


def test_an_exercise_with_attempts_cannot_be_deleted(learner):
    lesson = make_lesson("quiz")
    attempt_grade(learner=learner, exercise=lesson.exercise, submission={"answers": []})
    with pytest.raises(ProtectedError):
        lesson.exercise.delete()
    with pytest.raises(ProtectedError):
        lesson.delete()


def test_an_exercise_with_only_workspaces_can_be_removed(learner):
    lesson = make_lesson("terminal")
    run_command(learner=learner, exercise=lesson.exercise, host="A", line="ip a")
    assert save_exercise(lesson=lesson, spec=None) == "removed"
    assert not Workspace.objects.exists()


def test_deleting_a_learner_deletes_their_data(learner):
    lesson = make_lesson("quiz")
    attempt_grade(learner=learner, exercise=lesson.exercise, submission={"answers": [1]})
    learner.delete()
    assert not Attempt.objects.exists()
    assert not Progress.objects.exists()
    assert Exercise.objects.filter(lesson=lesson).exists()


def test_a_terminal_state_round_trips_through_the_json_it_is_stored_as():
    from datetime import UTC, datetime

    touched = datetime(2026, 12, 8, 1, 2, 3, tzinfo=UTC)
    state = TerminalState({"hosts": {"A": {}}}, 3, {"command": "ping"}, touched)
    stored = state.to_json()
    assert stored == {
        "network": {"hosts": {"A": {}}},
        "log_start": 3,
        "path": {"command": "ping"},
        "progress_touched_at": "2026-12-08T01:02:03+00:00",
    }
    assert TerminalState.from_json(stored) == state
    assert TerminalState({"hosts": {}}).to_json() == {"network": {"hosts": {}}}


@pytest.mark.parametrize(
    "stored",
    [None, [], "text", {"network": "x", "log_start": -2, "path": 1, "progress_touched_at": "?"}],
)
def test_an_unreadable_terminal_state_reads_as_the_defaults(stored):
    assert TerminalState.from_json(stored) == TerminalState()


def test_a_workspace_reads_its_state_by_its_exercises_kind(learner):
    terminal = make_lesson("terminal").exercise
    run_command(learner=learner, exercise=terminal, host="A", line="ip addr")
    workspace = Workspace.objects.get(learner=learner, exercise=terminal)
    assert workspace.terminal.network is not None and workspace.rows == {}
    routes = make_lesson("routes", slug="routes").exercise
    rows = {"routes": {"A": []}}
    form = Workspace.objects.create(
        learner=learner, exercise=routes, exercise_version=routes.current_version(), state=rows
    )
    assert form.rows == rows
