"""A class's work for the dashboard tests (web and browser): members, their progress and
their failed checks with the causes grading stores, written directly so that a test says exactly
what the class did."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from lessons.models import Attempt, Progress, ProgressStatus


def attempt(learner, lesson, *causes: str, passed: bool = False, score: int = 0, ago=None):
    """A stored check with one failed goal per cause (as grading stores them)."""
    exercise = lesson.exercise
    results = [
        {
            "index": i,
            "goal": f"goal {i}",
            "label": f"Goal {i} of {lesson.slug}",
            "passed": False,
            "message": f"{learner.username} hit {cause}",
            "cause": cause,
        }
        for i, cause in enumerate(causes)
    ]
    return Attempt.objects.create(
        learner=learner,
        exercise=exercise,
        exercise_version=exercise.current_version(),
        results=results,
        score=score,
        passed=passed,
        created_at=timezone.now() - (ago or timedelta()),
    )


def progress(learner, lesson, status, *, best=0, checks=0, ago=timedelta(hours=1)):
    when = timezone.now() - ago
    return Progress.objects.create(
        learner=learner,
        lesson=lesson,
        status=status,
        best_score=best,
        attempts=checks,
        first_activity_at=when,
        last_activity_at=when,
        completed_at=when if status == ProgressStatus.COMPLETED else None,
    )


def user(django_user_model, username: str, *, instructor: bool = False):
    user = django_user_model.objects.create_user(username)
    if instructor:
        user.groups.add(Group.objects.get_or_create(name="instructors")[0])
    return user
