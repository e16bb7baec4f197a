""" "My progress": every lesson's status, best score, attempts and last activity."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from learner_data import add_lessons, lesson

from lessons.services.grading import attempt_grade

pytestmark = pytest.mark.django_db


def row(html: str, title: str) -> list[str]:
    tr = re.search(rf"<tr>\s*<th[^>]*><a[^>]*>{title}</a></th>(.*?)</tr>", html, re.S).group(1)
    return [
        re.sub(r"<[^>]+>", "", td).strip() for td in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)
    ]


def test_it_needs_a_login_and_answers_get_only(client, learner, course):
    assert client.get(reverse("my_progress")).status_code == 302
    client.force_login(learner)
    assert client.post(reverse("my_progress")).status_code == 405


def test_it_shows_status_best_score_attempts_and_last_activity(learner_client, learner, course):
    item = lesson(course, "routing-quiz")
    attempt_grade(learner=learner, exercise=item.exercise, submission={"answers": [1, 1]})
    attempt_grade(learner=learner, exercise=item.exercise, submission={"answers": [None, None]})
    html = learner_client.get(reverse("my_progress")).content.decode()
    assert "<h1" in html and "My progress" in html
    status, best, attempts, last = row(html, "Routing quiz")
    assert (status, best, attempts) == ("In progress", "50%", "2")
    assert re.match(r"\d+ \w+ \d{4}, \d\d:\d\d", last)
    assert row(html, "Routing between networks") == ["Not started", "—", "0", "—"]


def test_it_shows_only_the_learners_own_progress(learner_client, other_learner, course):
    item = lesson(course, "routing-quiz")
    attempt_grade(learner=other_learner, exercise=item.exercise, submission={"answers": [1, 0]})
    html = learner_client.get(reverse("my_progress")).content.decode()
    assert row(html, "Routing quiz") == ["Not started", "—", "0", "—"]


def test_it_runs_a_fixed_number_of_queries(
    learner_client, learner, course, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        learner_client.get(reverse("my_progress"))
    add_lessons(course, 5)
    for item in course.lessons.all():
        attempt_grade(learner=learner, exercise=item.exercise)
    with django_assert_max_num_queries(6):
        learner_client.get(reverse("my_progress"))
