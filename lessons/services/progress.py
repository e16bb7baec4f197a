"""A learner's standing in a lesson: it moves forward only.

``touch`` records activity (not started -> in progress, first and last activity), ``locked``
gives the row under ``select_for_update`` for a write that must not race (grading.py). Both are
called inside the caller's ``transaction.atomic()``.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Case, DateTimeField, F, Value, When
from django.db.models.functions import Coalesce

from lessons.models import Lesson, Progress, ProgressStatus


def locked(*, learner, lesson: Lesson) -> Progress:
    """The learner's progress row in ``lesson``, created if needed, locked until commit."""
    progress, _ = Progress.objects.select_for_update().get_or_create(learner=learner, lesson=lesson)
    return progress


def touch(*, learner, lesson: Lesson, now: datetime) -> None:
    """Activity on a lesson: not started -> in progress; first/last activity times.

    One UPDATE when the learner's row exists, as it does from their first command on; the row
    is created, under a lock, only the first time."""
    changes = {
        "status": Case(
            When(status=ProgressStatus.NOT_STARTED, then=Value(ProgressStatus.IN_PROGRESS)),
            default=F("status"),
        ),
        "first_activity_at": Coalesce(F("first_activity_at"), Value(now, DateTimeField())),
        "last_activity_at": Value(now, DateTimeField()),
    }
    if Progress.objects.filter(learner=learner, lesson=lesson).update(**changes):
        return
    progress = locked(learner=learner, lesson=lesson)
    Progress.objects.filter(pk=progress.pk).update(**changes)
