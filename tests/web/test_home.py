"""Home: the courses, each with its "Lessons" list, "Course progress" bar and "Continue"."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from learner_data import add_lessons, lesson, make_course

from lessons.services.grading import attempt_grade
from lessons.services.terminal import run_command

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_see_the_courses_and_are_invited_to_log_in(client, course):
    html = client.get(reverse("home")).content.decode()
    assert ">Routing between networks</a>" in html
    assert "Course progress" not in html and "Not started" not in html
    assert f'href="{reverse("login")}?next=/"' in html


def test_home_answers_get_only(learner_client, course):
    assert learner_client.post(reverse("home")).status_code == 405


def test_it_lists_every_lesson_as_a_link_named_by_its_title(learner_client, course):
    html = learner_client.get(reverse("home")).content.decode()
    assert f'aria-labelledby="course-{course.pk}-lessons"' in html
    assert re.search(r'<h3 id="course-\d+-lessons"[^>]*>Lessons</h3>', html)
    for title in ("Routing between networks", "A routing table by hand", "Routing quiz"):
        assert f">{title}</a>" in html
    assert html.count("Not started") == 4


def test_the_progress_bar_and_continue_link_follow_the_learner(learner_client, learner, course):
    first = lesson(course, "routing-between-networks")
    run_command(
        learner=learner,
        exercise=first.exercise,
        host="A",
        line="ip route add 192.165.2.0/24 via 192.165.1.1",
    )
    attempt_grade(learner=learner, exercise=first.exercise)
    html = learner_client.get(reverse("home")).content.decode()
    assert 'aria-label="Course progress"' in html
    assert 'aria-valuenow="25"' in html
    assert "Completed" in html
    second = reverse("lesson", args=[course.slug, "routing-table"])
    assert re.search(rf'<a class="btn btn-primary" href="{second}"[^>]*>Continue</a>', html)


def test_another_learners_progress_does_not_show(learner_client, other_learner, course):
    first = lesson(course, "routing-between-networks")
    run_command(
        learner=other_learner,
        exercise=first.exercise,
        host="A",
        line="ip route add 192.165.2.0/24 via 192.165.1.1",
    )
    attempt_grade(learner=other_learner, exercise=first.exercise)
    html = learner_client.get(reverse("home")).content.decode()
    assert 'aria-valuenow="0"' in html
    assert "Completed" not in html


def test_home_runs_a_fixed_number_of_queries(
    learner_client, learner, course, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        learner_client.get(reverse("home"))
    add_lessons(course, 5)
    make_course("more", "More")
    for item in course.lessons.all()[:3]:
        attempt_grade(learner=learner, exercise=item.exercise)
    with django_assert_max_num_queries(6):
        response = learner_client.get(reverse("home"))
    assert response.content.decode().count("Extra ") >= 5
