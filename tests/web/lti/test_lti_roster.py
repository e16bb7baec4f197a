"""Names and Role Provisioning Services fill an LMS class's roster; the LMS configuration page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from lti_browser import launch
from lti_platform import INSTRUCTOR, LEARNER, LTI

from instructors.models import Classroom
from lti.models import LmsAccount

pytestmark = pytest.mark.django_db

MEMBERS = [
    {"user_id": "teacher-1", "roles": [INSTRUCTOR], "name": "Tess", "status": "Active"},
    {"user_id": "learner-2", "roles": [LEARNER], "given_name": "Grace", "status": "Active"},
    {"user_id": "learner-3", "roles": [LEARNER], "status": "Active"},
    {"user_id": "learner-4", "roles": [LEARNER], "status": "Inactive"},
]


def lesson_url(lesson) -> str:
    return "http://testserver" + reverse("lesson", args=[lesson.course.slug, lesson.slug])


def test_an_instructors_launch_fills_the_class_roster(client, lms, registration, terminal):
    lms.members = MEMBERS
    launch(
        client, lms, target=lesson_url(terminal), sub="teacher-1", **{f"{LTI}roles": [INSTRUCTOR]}
    )
    classroom = Classroom.objects.get(lms_context__context_id="course-101")
    learners = set(classroom.memberships.values_list("learner__lms_accounts__sub", flat=True))
    assert learners == {"learner-2", "learner-3"}  # the inactive member is left out
    assert list(classroom.co_instructors.values_list("lms_accounts__sub", flat=True)) == [
        "teacher-1"
    ]
    # A learner who comes later through the LMS finds their account waiting.
    client.logout()
    launch(client, lms, target=lesson_url(terminal), sub="learner-2")
    assert LmsAccount.objects.filter(sub="learner-2").count() == 1


def test_the_roster_button_updates_the_class(client, lms, registration, terminal):
    lms.members = []
    launch(
        client, lms, target=lesson_url(terminal), sub="teacher-1", **{f"{LTI}roles": [INSTRUCTOR]}
    )
    classroom = Classroom.objects.get(lms_context__context_id="course-101")
    assert not classroom.memberships.exists()
    lms.members = MEMBERS
    config = client.get(reverse("lti:config"))
    assert "Update roster of Networking 101 from the LMS" in config.content.decode()
    response = client.post(reverse("lti:roster_sync", args=[classroom.pk]), follow=True)
    assert "Roster updated from the LMS: 2 learners, 1 instructor." in response.content.decode()
    assert classroom.memberships.count() == 2


def test_a_roster_the_lms_refuses_is_reported(client, lms, registration, terminal):
    lms.members = []
    launch(
        client, lms, target=lesson_url(terminal), sub="teacher-1", **{f"{LTI}roles": [INSTRUCTOR]}
    )
    classroom = Classroom.objects.get(lms_context__context_id="course-101")
    lms.stop()
    response = client.post(reverse("lti:roster_sync", args=[classroom.pk]), follow=True)
    assert response.status_code == 200
    assert "The LMS did not answer with the roster" in response.content.decode()


def test_another_instructor_cannot_sync_a_class_they_do_not_teach(
    client, lms, registration, terminal, instructor
):
    lms.members = []
    launch(
        client, lms, target=lesson_url(terminal), sub="teacher-1", **{f"{LTI}roles": [INSTRUCTOR]}
    )
    classroom = Classroom.objects.get(lms_context__context_id="course-101")
    client.force_login(instructor)
    assert client.post(reverse("lti:roster_sync", args=[classroom.pk])).status_code == 404
