"""Starting points for the Exercise box: a starter per exercise kind, and the exercises of
lessons the instructor may author (to copy one).

A starter is a small, commented YAML file per kind in ``starter_exercises/`` (``terminal.yaml``
...): adding a kind's starter is adding its file. Every starter validates (tests check it), so
an author starts from something that works and changes it step by step.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from instructors import exercisetext, tenancy
from lessons import kinds
from lessons.models import Exercise, Lesson

FOLDER = Path(__file__).resolve().parent / "starter_exercises"
MAX_COPYABLE = 500  # lessons listed under "Copy an existing exercise"


@dataclass(frozen=True, slots=True)
class Starter:
    kind: str
    label: str
    text: str


@cache
def starters() -> tuple[Starter, ...]:
    """The registered kinds' starters, in the registry's order (a kind without a file has
    none)."""
    found = []
    for name, label in kinds.choices():
        path = FOLDER / f"{name}.yaml"
        if path.is_file():
            found.append(Starter(name, label, path.read_text(encoding="utf-8")))
    return tuple(found)


def starter(kind: str) -> Starter | None:
    return next((s for s in starters() if s.kind == kind), None)


def copyable_lessons(user) -> list[Lesson]:
    """Lessons with an exercise in the courses ``user`` authors (tenancy), course by course."""
    return list(
        Lesson.objects.filter(course__in=tenancy.authored_courses(user).values("pk"))
        .exclude(exercise=None)
        .select_related("course")
        .order_by("course__order", "course__slug", "order", "slug")[:MAX_COPYABLE]
    )


def exercise_text_to_copy(user, lesson_pk: int) -> str:
    """The exercise text of a lesson ``user`` may author (404 otherwise, like tenancy)."""
    lesson = tenancy.lesson_for_author(user, lesson_pk)
    return exercisetext.text_of(Exercise.objects.filter(lesson=lesson).first())
