"""Classes: an instructor creates one for a course and gets a join code and link; learners
join with either."""

from __future__ import annotations

import pytest
from django.urls import reverse
from exercise_specs import make_course

from instructors.models import Classroom, Membership
from instructors.services import JOIN_CODE_ALPHABET

pytestmark = pytest.mark.django_db


def test_instructor_creates_a_class_with_a_join_code_and_link(instructor, instructor_client):
    course = make_course()
    response = instructor_client.post(
        reverse("instructors:classes"), {"name": "Monday group", "course": course.pk}
    )
    classroom = Classroom.objects.get()
    assert response.status_code == 302
    assert classroom.instructor == instructor and classroom.course == course
    assert len(classroom.code) == 8 and set(classroom.code) <= set(JOIN_CODE_ALPHABET)
    html = instructor_client.get(response.url).content.decode()
    assert classroom.code in html
    assert f"http://testserver/join/{classroom.code}/" in html


def test_a_learner_joins_with_the_link(instructor, learner, learner_client):
    from instructors.services import create_classroom

    classroom = create_classroom(instructor=instructor, course=make_course(), name="Monday")
    url = reverse("instructors:join_code", args=[classroom.code])
    page = learner_client.get(url)
    assert page.status_code == 200 and b"Join Monday" in page.content
    assert not Membership.objects.exists()  # following a link alone joins nothing
    assert learner_client.post(url).status_code == 302
    assert learner_client.post(url).status_code == 302  # twice is still one membership
    assert Membership.objects.get().learner == learner


def test_a_learner_joins_by_typing_the_code(instructor, learner, learner_client):
    from instructors.services import create_classroom

    classroom = create_classroom(instructor=instructor, course=make_course(), name="Monday")
    response = learner_client.post(reverse("instructors:join"), {"code": classroom.code.lower()})
    assert response.status_code == 302
    assert Membership.objects.filter(classroom=classroom, learner=learner).exists()


def test_an_unknown_code_says_so(learner_client):
    response = learner_client.get(reverse("instructors:join_code", args=["NOPE1234"]))
    assert response.status_code == 404 and b"No class has this code" in response.content


def test_joining_needs_an_account(client):
    response = client.get(reverse("instructors:join"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_learners_cannot_create_or_list_classes(learner_client):
    course = make_course()
    assert learner_client.get(reverse("instructors:classes")).status_code == 403
    response = learner_client.post(
        reverse("instructors:classes"), {"name": "X", "course": course.pk}
    )
    assert response.status_code == 403 and not Classroom.objects.exists()


@pytest.mark.parametrize("typed", ["{a}-{b}", "{a} {b}", " {a}-{b} ", "{a_low}-{b_low}"])
def test_a_code_typed_in_groups_or_lower_case_is_accepted(
    instructor, learner, learner_client, typed
):
    from instructors.services import create_classroom

    classroom = create_classroom(instructor=instructor, course=make_course(), name="Monday")
    a, b = classroom.code[:4], classroom.code[4:]
    code = typed.format(a=a, b=b, a_low=a.lower(), b_low=b.lower())
    response = learner_client.post(reverse("instructors:join"), {"code": code})
    assert response.status_code == 302
    assert Membership.objects.filter(classroom=classroom, learner=learner).exists()


def test_a_join_link_with_dashes_or_lower_case_finds_the_class(instructor, learner_client):
    from instructors.services import create_classroom

    classroom = create_classroom(instructor=instructor, course=make_course(), name="Monday")
    typed = f"{classroom.code[:4].lower()}-{classroom.code[4:]}"
    page = learner_client.get(reverse("instructors:join_code", args=[typed]))
    assert page.status_code == 200 and b"Join Monday" in page.content
    # The confirmation posts to the class's own code.
    assert reverse("instructors:join_code", args=[classroom.code]).encode() in page.content


def test_a_code_of_only_dashes_says_what_to_type(learner_client):
    response = learner_client.post(reverse("instructors:join"), {"code": " - - "})
    assert response.status_code == 200
    assert b"Type the letters and digits of the join code." in response.content


@pytest.mark.parametrize("typed", ["----", "ÄBCD-ÉFGH", "abc%00"])
def test_a_join_link_with_nothing_of_a_code_in_it_is_not_found(learner_client, typed):
    response = learner_client.get(reverse("instructors:join_code", args=[typed]))
    assert response.status_code == 404 and b"No class has this code" in response.content


def test_the_join_link_has_a_copy_button_and_stays_selectable_without_javascript(
    instructor, instructor_client
):
    from instructors.services import create_classroom

    classroom = create_classroom(instructor=instructor, course=make_course(), name="Monday")
    html = instructor_client.get(reverse("instructors:class", args=[classroom.pk])).content
    html = html.decode()
    link = f"http://testserver/join/{classroom.code}/"
    assert f'<a href="{link}" id="join-link" class="user-select-all text-break">{link}</a>' in html
    # The button appears once static/js/copy.js runs (no inline script under the CSP).
    assert 'data-copy="join-link" hidden>Copy' in html
    assert "/static/js/copy.js" in html and "<script>" not in html


def test_instructors_have_classes_in_the_top_navigation(instructor_client, learner_client):
    nav = '<a class="nav-link" href="/author/classes/">Classes</a>'
    assert nav in instructor_client.get(reverse("home")).content.decode()
    assert nav not in learner_client.get(reverse("home")).content.decode()
