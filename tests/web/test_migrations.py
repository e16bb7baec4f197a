"""Data migrations: a learner's work survives an upgrade (and a downgrade)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("lessons", "0002_ordered_json")]
AFTER = [("lessons", "0003_terminal_entries")]
LOG = [
    {"host": "A", "command": "ip addr", "output": "1: lo: ...\n", "status": 0},
    {"host": "B", "command": "ping -c 1 10.0.0.9", "output": "", "status": 1},
    {"host": "A", "command": "echo a\x00b", "output": "a\x00b\n", "status": 0},
]
# PostgreSQL's text columns refuse NUL: the rows keep it as U+FFFD, as new commands are kept
KEPT = [
    {k: v.replace("\x00", "\ufffd") if isinstance(v, str) else v for k, v in e.items()} for e in LOG
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_terminal_logs_move_to_their_own_rows_and_back():
    apps = _migrate(BEFORE)
    User = apps.get_model("auth", "User")
    Course = apps.get_model("lessons", "Course")
    Lesson = apps.get_model("lessons", "Lesson")
    Exercise = apps.get_model("lessons", "Exercise")
    Version = apps.get_model("lessons", "ExerciseVersion")
    Workspace = apps.get_model("lessons", "Workspace")
    learner = User.objects.create(username="ada")
    course = Course.objects.create(slug="c", title="C")
    lesson = Lesson.objects.create(course=course, slug="l", title="L", order=1)
    exercise = Exercise.objects.create(lesson=lesson, kind="terminal", version=1)
    version = Version.objects.create(exercise=exercise, version=1)
    state = {"network": {"hosts": {"A": {}}}, "log": LOG, "log_start": 1}
    workspace = Workspace.objects.create(
        learner=learner, exercise=exercise, exercise_version=version, state=state
    )
    form = Workspace.objects.create(
        learner=User.objects.create(username="bob"),
        exercise=exercise,
        exercise_version=version,
        state={"routes": {"A": []}},
    )

    apps = _migrate(AFTER)
    moved = apps.get_model("lessons", "Workspace").objects.get(pk=workspace.pk)
    assert moved.state == {"network": {"hosts": {"A": {}}}, "log_start": 1}
    entries = apps.get_model("lessons", "TerminalEntry").objects.filter(workspace=moved)
    assert [
        {"host": e.host, "command": e.command, "output": e.output, "status": e.status}
        for e in entries.order_by("position")
    ] == KEPT
    assert list(entries.values_list("position", flat=True).order_by("position")) == [1, 2, 3]
    assert apps.get_model("lessons", "Workspace").objects.get(pk=form.pk).state == {
        "routes": {"A": []}
    }

    apps = _migrate(BEFORE)
    back = apps.get_model("lessons", "Workspace").objects.get(pk=workspace.pk)
    assert back.state == {**state, "log": KEPT}
    assert apps.get_model("lessons", "Workspace").objects.get(pk=form.pk).state == {
        "routes": {"A": []}
    }
    _migrate(AFTER)


@pytest.mark.django_db(transaction=True)
def test_existing_exercises_get_their_text_written_out_once():
    """Exercises saved before the editor kept its author's text show the text it showed until
    then (the stored exercise, dumped), marked as that exercise's text."""
    from exercise_specs import spec

    from lessons import exercises, lessonfile

    apps = _migrate([("lessons", "0005_kind_choices_from_registry")])
    Course = apps.get_model("lessons", "Course")
    Lesson = apps.get_model("lessons", "Lesson")
    Exercise = apps.get_model("lessons", "Exercise")
    lesson = Lesson.objects.create(
        course=Course.objects.create(slug="c", title="C"), slug="l", title="L", order=1
    )
    clean = exercises.normalise_spec(spec("routes"))
    exercise = Exercise.objects.create(
        lesson=lesson,
        content_hash=exercises.content_hash(clean),
        **exercises.fields_from_spec(clean),
    )
    apps = _migrate([("lessons", "0006_exercise_source_yaml")])
    migrated = apps.get_model("lessons", "Exercise").objects.get(pk=exercise.pk)
    assert migrated.source_hash == exercise.content_hash
    assert lessonfile.load_yaml(migrated.source_yaml) == clean
    assert migrated.source_yaml == lessonfile.dump_yaml(clean)
    _migrate([("lessons", "0005_kind_choices_from_registry")])
    _migrate(executor_leaf_nodes())


def executor_leaf_nodes():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor.loader.graph.leaf_nodes()
