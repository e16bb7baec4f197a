"""The admin: operators can look at everything; deleting a lesson archives it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from exercise_specs import make_lesson

from lessons.models import Attempt, Lesson
from lessons.services.grading import attempt_grade

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "pw-12345-xyz")


@pytest.fixture
def graded_lesson(learner):
    lesson = make_lesson("quiz")
    attempt_grade(learner=learner, exercise=lesson.exercise, submission={"answers": [1]})
    return lesson


@pytest.mark.parametrize(
    "model", ["course", "lesson", "exercise", "attempt", "progress", "workspace"]
)
def test_every_lessons_model_has_an_admin_list(client, admin_user, graded_lesson, model):
    client.force_login(admin_user)
    response = client.get(reverse(f"admin:lessons_{model}_changelist"))
    assert response.status_code == 200


def test_a_lesson_page_shows_its_exercise(client, admin_user, graded_lesson):
    client.force_login(admin_user)
    response = client.get(reverse("admin:lessons_lesson_change", args=[graded_lesson.pk]))
    assert response.status_code == 200
    assert graded_lesson.exercise.prompt in response.text


def test_deleting_a_lesson_in_the_admin_archives_it(client, admin_user, graded_lesson):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:lessons_lesson_delete", args=[graded_lesson.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert Lesson.objects.get(pk=graded_lesson.pk).is_archived
    assert Attempt.objects.count() == 1


def test_learner_data_is_read_only_in_the_admin(client, admin_user, graded_lesson):
    client.force_login(admin_user)
    attempt = Attempt.objects.get()
    response = client.post(
        reverse("admin:lessons_attempt_change", args=[attempt.pk]), {"score": "100"}
    )
    assert response.status_code == 403
    attempt.refresh_from_db()
    assert attempt.score == 50
