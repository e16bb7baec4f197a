"""Assignment and Grade Services: the learner's score reaches the LMS gradebook when it changes."""

from __future__ import annotations

import pytest
from django.urls import reverse
from lti_browser import launch
from lti_platform import LTI

from lti.models import GradeLink

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
FIX = "ip route add 192.165.2.0/24 via 192.165.1.1"


def lesson_url(lesson) -> str:
    return "http://testserver" + reverse("lesson", args=[lesson.course.slug, lesson.slug])


def check(client, lesson, capture) -> None:
    """'Check my work' through the web client, running what the commit schedules (passback)."""
    with capture(execute=True):
        response = client.post(
            reverse("lesson_check", args=[lesson.course.slug, lesson.slug]), **HX
        )
    assert response.status_code == 200


def run(client, lesson, line: str) -> None:
    url = reverse("lesson_command", args=[lesson.course.slug, lesson.slug])
    assert client.post(url, {"host": "A", "line": line}, **HX).status_code == 200


def test_passing_the_exercise_puts_100_in_the_lms_gradebook(
    client, lms, registration, terminal, django_capture_on_commit_callbacks
):
    assert launch(client, lms, target=lesson_url(terminal)).status_code == 302
    check(client, terminal, django_capture_on_commit_callbacks)  # fails: nothing fixed yet
    run(client, terminal, FIX)
    check(client, terminal, django_capture_on_commit_callbacks)

    assert [s["scoreGiven"] for s in lms.scores] == [0, 100]
    passed = lms.scores[-1]
    assert passed["scoreMaximum"] == 100
    assert passed["userId"] == "learner-1"
    assert passed["activityProgress"] == "Completed"
    assert passed["gradingProgress"] == "FullyGraded"
    assert passed["timestamp"].endswith("+00:00")
    assert passed["lineitem"] == "/lineitems/1"
    # One token for both scores: it is cached until it expires.
    assert len(lms.token_requests) == 1


def test_an_unchanged_score_is_not_sent_again(
    client, lms, registration, terminal, django_capture_on_commit_callbacks
):
    launch(client, lms, target=lesson_url(terminal))
    run(client, terminal, FIX)
    check(client, terminal, django_capture_on_commit_callbacks)
    check(client, terminal, django_capture_on_commit_callbacks)
    assert [s["scoreGiven"] for s in lms.scores] == [100]


def test_a_course_link_reports_the_course_score(
    client, lms, registration, course, terminal, django_capture_on_commit_callbacks
):
    target = "http://testserver" + reverse("lti:course", args=[course.slug])
    launch(client, lms, target=target)
    run(client, terminal, FIX)
    check(client, terminal, django_capture_on_commit_callbacks)
    [score] = lms.scores
    assert score["scoreGiven"] == 25  # one lesson of four, passed
    assert score["activityProgress"] == "InProgress"


def test_an_lms_that_is_down_does_not_break_the_learners_page(
    client, lms, registration, terminal, django_capture_on_commit_callbacks
):
    ags = {"scope": lms.claims()["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]["scope"]}
    ags["lineitem"] = "http://127.0.0.1:9/lineitems/1"  # nothing listens on the discard port
    claims = {"https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": ags}
    launch(client, lms, target=lesson_url(terminal), **claims)
    lms.stop()  # the token endpoint is gone too
    run(client, terminal, FIX)
    check(client, terminal, django_capture_on_commit_callbacks)
    page = client.get(reverse("lesson", args=[terminal.course.slug, terminal.slug]))
    assert page.status_code == 200 and "Lesson complete" in page.content.decode()
    link = GradeLink.objects.get()
    assert link.last_sent_score is None and "127.0.0.1" in link.last_error
    # For a minute the unreachable LMS is not tried again: no learner waits for its timeout.
    check(client, terminal, django_capture_on_commit_callbacks)
    link.refresh_from_db()
    assert link.last_error == "Not sent: the LMS did not answer a moment ago."


def test_instructors_launches_record_no_grade_link(client, lms, registration, terminal):
    instructor = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
    lms.members = []
    launch(client, lms, target=lesson_url(terminal), **{f"{LTI}roles": [instructor]})
    assert not GradeLink.objects.exists()


def test_a_score_from_before_the_link_is_sent_on_the_first_launch(
    client, lms, registration, terminal, django_capture_on_commit_callbacks
):
    launch(client, lms, target=lesson_url(terminal))
    run(client, terminal, FIX)
    check(client, terminal, django_capture_on_commit_callbacks)
    # The teacher adds the lesson again as a new gradebook column (a new line item).
    ags = dict(lms.claims()["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"])
    ags["lineitem"] = lms.lineitem(2)
    client.logout()
    launch(
        client,
        lms,
        target=lesson_url(terminal),
        **{"https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": ags},
    )
    assert [(s["lineitem"], s["scoreGiven"]) for s in lms.scores] == [
        ("/lineitems/1", 100),
        ("/lineitems/2", 100),
    ]
