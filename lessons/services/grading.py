""" "Check my work": one Attempt with a result per goal, and the progress it earns.

Progress never goes backwards: ``attempts`` and ``best_score`` are updated in SQL (``F()``,
``Greatest``) on the learner's progress row locked with ``select_for_update``, ``completed``
stays completed, and the Attempt and the Progress update commit together. Invalid form rows are
``lessons.exercises.SubmissionError`` (one message per bad row; nothing is counted).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Case, DateTimeField, F, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from lessons import exercises as ex
from lessons import kinds
from lessons.models import Attempt, Exercise, Progress, ProgressStatus, Workspace
from lessons.services import progress, terminal


def attempt_grade(*, learner, exercise: Exercise, submission: Any = None) -> Attempt:
    """Grade the learner's work: their terminal workspace (``submission`` is ignored), or the
    form ``submission`` (routes, records, answers: see lessons/exercises.py).

    Stores an Attempt with one result per goal and updates Progress in one transaction.
    Raises ``SubmissionError`` (no attempt is counted) when a form row cannot be applied; the
    rows are kept in the workspace either way.
    """
    spec = exercise.spec()
    version = exercise.current_version()
    if kinds.get_kind(exercise.kind).terminal:
        workspace = (
            Workspace.objects.filter(learner=learner, exercise=exercise)
            .annotate(exercise_version_number=F("exercise_version__version"))
            .first()
        )
        if workspace is None:
            net, log = ex.starting_network(spec), []
        else:
            net, log = terminal.current_network(workspace, exercise)
        submitted: dict = {"commands": [{"host": e["host"], "command": e["command"]} for e in log]}
        grade = ex.grade(spec, network=net)
    else:
        submitted = submission if isinstance(submission, dict) else {}
        terminal.save_form_rows(learner=learner, exercise=exercise, rows=submitted)
        grade = ex.grade(spec, submission=submitted)

    results = [r.as_dict() for r in grade.results]
    score, passed = grade.score, grade.passed
    now = timezone.now()
    with transaction.atomic():
        row = progress.locked(learner=learner, lesson=exercise.lesson)
        attempt = Attempt.objects.create(
            learner=learner,
            exercise=exercise,
            exercise_version=version,
            submitted=submitted,
            results=results,
            score=score,
            passed=passed,
            created_at=now,
        )
        completed = Value(ProgressStatus.COMPLETED)
        Progress.objects.filter(pk=row.pk).update(
            attempts=F("attempts") + 1,
            best_score=Greatest(F("best_score"), Value(score)),
            status=completed
            if passed
            else Case(
                When(status=ProgressStatus.COMPLETED, then=completed),
                default=Value(ProgressStatus.IN_PROGRESS),
            ),
            completed_at=Coalesce(F("completed_at"), Value(now, DateTimeField()))
            if passed
            else F("completed_at"),
            first_activity_at=Coalesce(F("first_activity_at"), Value(now, DateTimeField())),
            last_activity_at=Value(now, DateTimeField()),
        )
    return attempt
