"""The gradebook: a row per learner, a column per lesson, sorting, filters, CSV, a learner's
page with attempts and commands, misconception analytics; constant queries."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from exercise_specs import make_course, make_lesson

from instructors import services as instructor_services
from lessons.models import Progress, ProgressStatus, Workspace
from lessons.services.grading import attempt_grade
from lessons.services.terminal import run_command

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("instructor_edits_new_courses")]

GRADEBOOK = reverse("instructors:gradebook")


@pytest.fixture
def course_with_work(learner, other_learner):
    course = make_course()
    terminal = make_lesson("terminal", slug="routing", course=course, title="Routing")
    quiz = make_lesson("quiz", slug="quiz", course=course, title="Quiz")
    # ada types a wrong route, checks, then fixes both sides and passes.
    run_command(
        learner=learner,
        exercise=terminal.exercise,
        host="A",
        line="ip route add 192.165.2.0/24 via 192.165.1.1",
    )
    attempt_grade(learner=learner, exercise=terminal.exercise)
    run_command(
        learner=learner,
        exercise=terminal.exercise,
        host="C",
        line="ip route add default via 192.165.2.1",
    )
    attempt_grade(learner=learner, exercise=terminal.exercise)
    # grace only tries the quiz.
    attempt_grade(learner=other_learner, exercise=quiz.exercise, submission={"answers": []})
    return course, terminal, quiz


def test_gradebook_table_has_a_row_per_learner_and_a_column_per_lesson(
    instructor_client, course_with_work
):
    course, terminal, quiz = course_with_work
    html = instructor_client.get(GRADEBOOK, {"course": course.pk}).content.decode()
    assert 'aria-label="Gradebook"' in html
    assert '<th scope="col">Routing' in html and '<th scope="col">Quiz' in html
    assert html.count('<th scope="row">') == 2
    assert "Completed" in html and "2 attempts" in html and ">Export CSV<" in html


def test_gradebook_sorts_by_name_and_by_progress(instructor_client, course_with_work):
    course, *_ = course_with_work

    def order(sort):
        html = instructor_client.get(GRADEBOOK, {"course": course.pk, "sort": sort}).content
        html = html.decode()
        return sorted(("ada", "grace"), key=html.index)

    assert order("name") == ["ada", "grace"]
    assert order("-name") == ["grace", "ada"]
    assert order("progress") == ["ada", "grace"]
    assert order("-progress") == ["grace", "ada"]


def test_gradebook_filters_by_class(
    instructor, instructor_client, course_with_work, other_learner, django_user_model
):
    course, *_ = course_with_work
    classroom = instructor_services.create_classroom(
        instructor=instructor, course=course, name="Monday"
    )
    instructor_services.join_classroom(learner=other_learner, classroom=classroom)
    newbie = django_user_model.objects.create_user("newbie")
    instructor_services.join_classroom(learner=newbie, classroom=classroom)
    html = instructor_client.get(
        GRADEBOOK, {"course": course.pk, "class": classroom.pk}
    ).content.decode()
    assert "grace" in html and "newbie" in html and ">ada<" not in html


def test_csv_export_matches_the_table(instructor_client, course_with_work):
    course, *_ = course_with_work
    response = instructor_client.get(reverse("instructors:gradebook_csv"), {"course": course.pk})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:6] == [
        "learner",
        "completed",
        "routing status",
        "routing score",
        "routing attempts",
        "routing last",
    ]
    ada = next(r for r in rows if r[0] == "ada")
    assert ada[1:5] == ["1", "completed", "100", "2"]


def test_csv_neutralises_formulas_in_usernames(instructor_client, django_user_model):
    lesson = make_lesson("quiz")
    evil = django_user_model.objects.create_user("=cmd")
    attempt_grade(learner=evil, exercise=lesson.exercise, submission={"answers": []})
    text = instructor_client.get(reverse("instructors:gradebook_csv")).content.decode()
    assert "'=cmd" in text


def _add_learners(course, lessons, count, django_user_model, start=0):
    now = timezone.now()
    users = django_user_model.objects.bulk_create(
        [django_user_model(username=f"learner{i:03d}") for i in range(start, start + count)]
    )
    Progress.objects.bulk_create(
        Progress(
            learner=u,
            lesson=lesson,
            status=ProgressStatus.IN_PROGRESS,
            attempts=1,
            last_activity_at=now,
        )
        for u in users
        for lesson in lessons
    )


def test_gradebook_query_count_is_constant(
    instructor_client, django_user_model, django_assert_max_num_queries
):
    course = make_course()
    lessons = [make_lesson("quiz", slug=f"q{i}", course=course) for i in range(3)]
    _add_learners(course, lessons, 3, django_user_model)
    with CaptureQueriesContext(connection) as few:
        assert instructor_client.get(GRADEBOOK, {"course": course.pk}).status_code == 200
    _add_learners(course, lessons, 27, django_user_model, start=3)
    with django_assert_max_num_queries(len(few)):
        response = instructor_client.get(GRADEBOOK, {"course": course.pk})
    assert response.content.decode().count('<th scope="row">') == 30


def test_learner_page_shows_attempts_goal_results_and_commands(
    instructor_client, learner, course_with_work
):
    course, terminal, _ = course_with_work
    url = reverse("instructors:learner", args=[learner.pk])
    html = instructor_client.get(url, {"course": course.pk}).content.decode()
    assert "Failed:" in html and "Passed:" in html  # per-goal results of both attempts
    assert "A$ ip route add 192.165.2.0/24 via 192.165.1.1" in html
    assert "C$ ip route add default via 192.165.2.1" in html
    assert "Terminal replay" in html


def test_instructor_resets_a_learners_exercise(instructor_client, learner, course_with_work):
    _, terminal, _ = course_with_work
    url = reverse("instructors:learner_reset", args=[learner.pk, terminal.pk])
    assert instructor_client.get(url).status_code == 405
    assert instructor_client.post(url).status_code == 302
    workspace = Workspace.objects.get(learner=learner, exercise=terminal.exercise)
    assert workspace.log == []
    # Attempts and completion are kept.
    assert Progress.objects.get(learner=learner, lesson=terminal).status == "completed"


def test_misconceptions_group_failed_checks_by_cause(
    instructor_client, learner, other_learner, course_with_work
):
    _, terminal, _ = course_with_work
    attempt_grade(learner=other_learner, exercise=terminal.exercise)
    html = instructor_client.get(
        reverse("instructors:lesson_analytics", args=[terminal.pk])
    ).content.decode()
    assert 'aria-label="Misconceptions"' in html
    # ada's first check (no route back) and grace's (no route at all) fail for their causes.
    assert "ada" in html and "grace" in html
    from instructors.selectors import misconceptions

    causes = misconceptions(exercise=terminal.exercise)
    assert sum(m.count for m in causes) == 2
    assert all(m.cause != "unknown" for m in causes)
    assert all(m.learners for m in causes)


def test_misconceptions_and_learner_work_show_causes_as_sentences_with_their_codes(
    instructor_client, learner, course_with_work
):
    _, terminal, _ = course_with_work
    analytics = instructor_client.get(
        reverse("instructors:lesson_analytics", args=[terminal.pk])
    ).content.decode()
    # ada's first check: C has no route back to A's network.
    shown = 'A host has no route back <code class="cause-code small">no-return-route</code>'
    assert f'<th scope="row">{shown}</th>' in analytics
    assert f"{shown}: 1" in analytics  # the per-goal table
    work = instructor_client.get(reverse("instructors:learner", args=[learner.pk]))
    assert shown in work.content.decode()


def test_learners_cannot_open_gradebook_pages(learner_client, other_learner, course_with_work):
    course, terminal, _ = course_with_work
    for url in (
        GRADEBOOK,
        reverse("instructors:gradebook_csv"),
        reverse("instructors:learner", args=[other_learner.pk]),
        reverse("instructors:lesson_analytics", args=[terminal.pk]),
    ):
        assert learner_client.get(url).status_code == 403, url
    url = reverse("instructors:learner_reset", args=[other_learner.pk, terminal.pk])
    assert learner_client.post(url).status_code == 403


def test_gradebook_cells_show_an_icon_beside_the_status_and_scroll_in_a_region(
    instructor_client, course_with_work
):
    course, *_ = course_with_work
    html = instructor_client.get(GRADEBOOK, {"course": course.pk}).content.decode()
    assert '<span class="dash-icon" aria-hidden="true">✓</span> Completed' in html
    assert '<span class="dash-icon" aria-hidden="true">–</span> Not started' in html
    assert 'role="region" aria-label="Gradebook, scrollable" tabindex="0"' in html
