"""Reads: courses with a learner's progress in a constant number of queries, the next lesson."""

from __future__ import annotations

import pytest
from exercise_specs import make_course, make_lesson

from instructors.services import archive_lesson
from lessons import selectors
from lessons.models import Course
from lessons.services.grading import attempt_grade

pytestmark = pytest.mark.django_db

RIGHT = {"answers": [1, 0]}


def complete(learner, lesson) -> None:
    attempt_grade(learner=learner, exercise=lesson.exercise, submission=RIGHT)


def test_course_progress_lists_visible_lessons_in_order_with_status(learner):
    course = make_course()
    second = make_lesson("quiz", slug="second", course=course)
    first = make_lesson("quiz", slug="first", course=course)
    first.order, second.order = 1, 2
    first.save()
    second.save()
    archive_lesson(lesson=make_lesson("quiz", slug="gone", course=course))
    complete(learner, first)
    progress = selectors.progress_for_course(learner=learner, course=course)
    assert [(i.lesson.slug, i.status) for i in progress.lessons] == [
        ("first", "completed"),
        ("second", "not_started"),
    ]
    assert (progress.completed, progress.total, progress.percent) == (1, 2, 50)
    assert progress.next_lesson == second


def test_progress_is_per_learner(learner, other_learner):
    lesson = make_lesson("quiz")
    complete(learner, lesson)
    theirs = selectors.progress_for_course(learner=other_learner, course=lesson.course)
    assert theirs.percent == 0


def test_an_anonymous_visitor_sees_every_lesson_not_started(client):
    from django.contrib.auth.models import AnonymousUser

    lesson = make_lesson("quiz")
    [course] = selectors.course_list_with_progress(learner=AnonymousUser())
    assert [(i.lesson, i.status) for i in course.lessons] == [(lesson, "not_started")]


def test_course_list_runs_a_constant_number_of_queries(learner, django_assert_num_queries):
    for c in range(3):
        course = make_course(f"course-{c}")
        for n in range(4):
            lesson = make_lesson("quiz", slug=f"l{n}", course=course)
            if n % 2:
                complete(learner, lesson)
    with django_assert_num_queries(3):
        courses = selectors.course_list_with_progress(learner=learner)
        summary = [(c.course.slug, c.percent, [i.status for i in c.lessons]) for c in courses]
    assert summary[0] == (
        "course-0",
        50,
        ["not_started", "completed", "not_started", "completed"],
    )
    assert len(summary) == 3


def test_unpublished_courses_are_not_listed(learner):
    make_lesson("quiz", course=make_course("hidden"))
    Course.objects.filter(slug="hidden").update(published=False)
    assert selectors.course_list_with_progress(learner=learner) == []


def test_lesson_file_text_exports_what_import_reads(learner):
    from instructors.exercisetext import lesson_file_text
    from lessons import lessonfile

    lesson = make_lesson("dns")
    text = lesson_file_text(lesson=lesson)
    parsed = lessonfile.parse_lesson(text)
    assert parsed.exercise == lesson.exercise.spec()
    assert (parsed.title, parsed.slug) == (lesson.title, lesson.slug)
    assert parsed.body == lesson.body + "\n"  # a file ends with a newline


def test_goal_failure_counts_say_which_goals_fail_and_why(learner, other_learner):
    exercise = make_lesson("routes").exercise
    half = {"routes": {"A": ["192.165.2.0/24 via 192.165.1.1"]}}
    for who in (learner, other_learner):
        attempt_grade(learner=who, exercise=exercise, submission=half)
    attempt_grade(learner=learner, exercise=exercise, submission={"routes": {}})
    first, second = selectors.goal_failure_counts(exercise=exercise)
    assert (first.label, first.attempts, first.failures) == (
        "A routes 192.165.2.10 via 192.165.1.1",
        3,
        1,
    )
    assert (second.failures, second.causes) == (3, {"no-return-route": 2, "no-route": 1})
