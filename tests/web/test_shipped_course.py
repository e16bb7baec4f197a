"""The course shipped in lessons/content: every lesson file reads, every exercise validates with
the simulator (its scenario loads, its solution passes every goal, its starting state fails one),
and `loadlessons` with no argument loads it, idempotently."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from lessons import exercises, kinds, lessonfile
from lessons.models import Course, Exercise, Lesson

CONTENT = Path(__file__).resolve().parents[2] / "lessons" / "content"
COURSES = sorted(p for p in CONTENT.iterdir() if (p / "course.yaml").is_file())
LESSON_FILES = [path for course in COURSES for path in lessonfile.lesson_files(course)[0]]


def read(path: Path) -> lessonfile.LessonFile:
    return lessonfile.parse_lesson(
        path.read_text(encoding="utf-8"),
        path=str(path.relative_to(CONTENT)),
        default_slug=lessonfile.slug_from_file_name(path.name),
    )


def test_the_product_ships_a_course():
    assert COURSES, f"no course folder with a course.yaml in {CONTENT}"
    for course in COURSES:
        lessonfile.parse_course(
            (course / "course.yaml").read_text(encoding="utf-8"),
            path=str(course),
            slug=course.name,
        )


@pytest.mark.parametrize("path", LESSON_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_exercise_validates(path):
    lesson = read(path)
    assert lesson.exercise is not None, f"{path.name}: every lesson ends in a graded exercise"
    problems = exercises.validate_exercise(lesson.exercise)
    assert not problems, "\n".join(str(p) for p in problems)
    assert lesson.exercise.get("hints"), f"{path.name}: every exercise has hints"


def test_every_exercise_kind_appears():
    shipped = {read(path).exercise["kind"] for path in LESSON_FILES}
    assert shipped == set(kinds.BUILTIN)


def test_the_course_has_six_lessons_and_a_capstone():
    assert len(LESSON_FILES) >= 7


@pytest.mark.django_db
def test_loadlessons_loads_the_shipped_course_once():
    out = StringIO()
    call_command("loadlessons", stdout=out, stderr=StringIO())
    assert Course.objects.count() == len(COURSES)
    assert Lesson.objects.count() == len(LESSON_FILES)
    assert Exercise.objects.count() == len(LESSON_FILES)
    again = StringIO()
    call_command("loadlessons", stdout=again, stderr=StringIO())
    assert f"Lessons: 0 created, 0 updated, {len(LESSON_FILES)} unchanged" in again.getvalue()
