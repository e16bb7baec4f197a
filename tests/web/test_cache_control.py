"""Pages and exports of a logged-in person carry ``Cache-Control: private, no-store``: no proxy
and no shared computer's browser cache keeps someone's work, grades or course files."""

from __future__ import annotations

import pytest
from django.urls import reverse


def _directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def _assert_private(response) -> None:
    assert response.status_code == 200
    assert {"private", "no-store"} <= _directives(response), response.get("Cache-Control")
    assert "public" not in _directives(response)


@pytest.mark.django_db
def test_a_learners_pages_are_private(learner_client, terminal):
    for url in (
        reverse("home"),
        reverse("my_progress"),
        reverse("lesson", args=[terminal.course.slug, terminal.slug]),
    ):
        _assert_private(learner_client.get(url))


@pytest.mark.django_db
def test_gradebook_and_exports_are_private(
    instructor_client, instructor_edits_new_courses, terminal
):
    for url in (
        reverse("instructors:gradebook"),
        reverse("instructors:gradebook_csv"),
        reverse("instructors:course_export", args=[terminal.course.pk]),
        reverse("instructors:lesson_export", args=[terminal.pk]),
        reverse("instructors:dashboard"),
    ):
        _assert_private(instructor_client.get(url))


@pytest.mark.django_db
def test_the_log_in_answer_that_starts_a_session_is_private(client, learner, password):
    response = client.post(reverse("login"), {"username": "ada", "password": password})
    assert response.status_code == 302
    assert {"private", "no-store"} <= _directives(response)


@pytest.mark.django_db
def test_deciding_costs_no_query(learner_client, django_assert_num_queries):
    """The session cookie decides, not the user: /healthz still touches no database."""
    with django_assert_num_queries(0):
        response = learner_client.get("/healthz")
    assert {"private", "no-store"} <= _directives(response)


@pytest.mark.django_db
def test_a_visitor_without_a_session_may_keep_the_course_list(client, course):
    assert "no-store" not in _directives(client.get(reverse("home")))
