"""Text PostgreSQL can't store (a NUL character, a lone surrogate) gets a clear message, never a
500, and nothing is saved. SQLite stores such text silently, so these tests matter most in the
PostgreSQL run (DATABASE_URL=postgres://...), where each of them answered 500 before.
"""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse
from learner_data import lesson

from instructors.models import Classroom, LessonDraft
from lessons.models import Course, Lesson
from netlearn.validators import unstorable_message, unstorable_path

NUL = "\x00"
MESSAGE = "contains a NUL character"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("instructor_edits_new_courses")]


def _text(response) -> str:
    return response.content.decode()


# -- the validator --------------------------------------------------------------------------------


def test_the_message_says_what_and_where():
    assert unstorable_message("plain text") is None
    assert unstorable_message("ab\x00c") == (
        "This text contains a NUL character (\\0) at character 3, which can't be saved. "
        "Remove it and try again."
    )
    assert "on line 2, column 4" in unstorable_message("first\nsec\x00ond")
    assert "a broken character (a lone surrogate, \\ud800)" in unstorable_message("a\ud800")


def test_parsed_data_is_searched_to_any_depth():
    assert unstorable_path({"a": [1, {"b": "fine"}]}) is None
    assert unstorable_path({"scenario": {"hosts": {"A": {"hosts_file": "x\x00"}}}}) == (
        "scenario.hosts.A.hosts_file"
    )
    assert unstorable_path({"goals": [{"to": "ok"}, {"to": "\ud83d"}]}) == "goals[1].to"
    assert unstorable_path({"bad\x00key": 1}) == "bad\x00key"
    deep: list = ["\x00"]
    for _ in range(5000):
        deep = [deep]
    assert unstorable_path(deep).endswith("[0]")


# -- accounts -------------------------------------------------------------------------------------


def test_signup_refuses_a_nul_in_the_username_beside_the_field(client):
    data = {
        "username": f"ada{NUL}",
        "password1": "s3cret-passphrase!",
        "password2": "s3cret-passphrase!",
    }
    response = client.post(reverse("signup"), data)
    assert response.status_code == 200
    assert MESSAGE in _text(response)
    assert not get_user_model().objects.filter(username__startswith="ada").exists()


def test_login_refuses_a_nul_in_the_username_and_counts_no_failure(client, learner):
    response = client.post(reverse("login"), {"username": f"ada{NUL}", "password": "x"})
    assert response.status_code == 200
    assert MESSAGE in _text(response)
    assert not AccessAttempt.objects.exists()


def test_a_5000_character_username_at_login_is_a_form_error(client, learner):
    response = client.post(reverse("login"), {"username": "a" * 5000, "password": "x"})
    assert response.status_code == 200
    assert "at most 150 characters (it has 5000)" in _text(response)
    assert not AccessAttempt.objects.exists(), "nothing past the form saw the username"


def test_the_admin_log_in_with_a_5000_character_username_is_no_500(client, learner):
    """The admin's form is Django's own; the lockout bounds the name it keeps as well."""
    response = client.post("/admin/login/", {"username": "a" * 5000, "password": "x"})
    assert response.status_code == 200
    assert AccessAttempt.objects.get().username == "a" * 150


def test_password_change_refuses_a_nul(learner_client, password):
    data = {
        "old_password": password,
        "new_password1": f"new{NUL}pass-phrase",
        "new_password2": f"new{NUL}pass-phrase",
    }
    response = learner_client.post(reverse("password_change"), data)
    assert response.status_code == 200
    assert MESSAGE in _text(response)


# -- instructors' forms ---------------------------------------------------------------------------


def test_a_course_title_with_a_nul_is_refused_beside_the_field(instructor_client):
    data = {"title": f"Rout{NUL}ing", "slug": "routing", "description": "", "order": ""}
    response = instructor_client.post(reverse("instructors:course_create"), data)
    assert response.status_code == 200
    assert MESSAGE in _text(response)
    assert not Course.objects.filter(slug="routing").exists()


def _lesson(instructor_client, course, **fields):
    data = {"title": "Routing", "course": course.pk, "body": "Text", "exercise": "", **fields}
    return instructor_client.post(reverse("instructors:lesson_create"), data)


@pytest.mark.parametrize("field", ["title", "body", "exercise"])
def test_lesson_text_with_a_nul_is_refused_and_not_even_kept_as_a_draft(
    instructor_client, course, field
):
    value = {"title": "Rout\x00ing", "body": "Line one\nLi\x00ne two", "exercise": "kind: \x00"}
    response = _lesson(instructor_client, course, **{field: value[field]})
    assert response.status_code == 200
    assert MESSAGE in _text(response)
    assert not Lesson.objects.filter(title="Routing").exists()
    assert not LessonDraft.objects.exists()


@pytest.mark.parametrize("escape", ["\\0", "\\x00", "\\ud800"])
def test_a_yaml_escape_making_a_nul_is_named_and_the_text_kept_as_a_draft(
    instructor_client, course, escape
):
    """The YAML text itself is plain ASCII; what it parses to can't be stored. Like any other
    exercise error, the lesson is saved unpublished with its text intact in the draft, and
    can't be published."""
    exercise = f'kind: quiz\nprompt: "Pick {escape} one"\nquestions: []\n'
    response = _lesson(instructor_client, course, exercise=exercise)
    assert response.status_code == 302
    saved = Lesson.objects.get(title="Routing")
    assert not saved.published
    page = _text(instructor_client.get(response.url))
    assert "prompt: a quoted string here makes a NUL character or a broken character" in page
    assert escape in page, "the exercise text is kept as typed"
    # Published, it is refused with the same message and nothing is saved.
    response = _lesson(instructor_client, course, exercise=exercise, title="Other", published="on")
    assert response.status_code == 200
    assert "prompt: a quoted string here makes a NUL character" in _text(response)
    assert not Lesson.objects.filter(title="Other").exists()


def test_a_class_name_with_a_nul_is_refused(instructor_client, course):
    response = instructor_client.post(
        reverse("instructors:classes"), {"name": f"Period{NUL}3", "course": course.pk}
    )
    assert response.status_code == 200
    assert MESSAGE in _text(response)
    assert not Classroom.objects.exists()


def test_a_join_code_with_a_nul_is_refused(learner_client):
    response = learner_client.post(reverse("instructors:join"), {"code": f"AB{NUL}C"})
    assert response.status_code == 200
    assert MESSAGE in _text(response)


# -- views without a form: refused whole ----------------------------------------------------------


def test_autosave_refuses_a_nul_with_a_message_htmx_shows(instructor_client, course):
    url = reverse("instructors:lesson_autosave")
    data = {"title": "Half", "course": course.pk, "body": f"so{NUL} far", "exercise": ""}
    response = instructor_client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert _text(response) == (
        "“body” contains a NUL character (\\0) at character 3, which can't be saved. "
        "Remove it and try again; nothing was saved."
    )
    assert not LessonDraft.objects.exists()


def test_the_same_post_without_htmx_gets_the_400_page(instructor_client, course):
    url = reverse("instructors:lesson_autosave")
    response = instructor_client.post(url, {"title": f"Ha{NUL}lf", "course": course.pk})
    assert response.status_code == 400
    assert "We couldn't read that request" in _text(response)
    assert "“title” contains a NUL character" in _text(response)
    assert not LessonDraft.objects.exists()


@pytest.mark.parametrize("name", ["lesson_preview", "lesson_validate"])
def test_preview_and_validate_refuse_a_nul(instructor_client, name):
    response = instructor_client.post(
        reverse(f"instructors:{name}"),
        {"body": NUL, "exercise": f"kind: {NUL}"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert MESSAGE in _text(response)


def test_a_terminal_line_with_a_nul_is_kept_as_a_replacement_character(learner_client, terminal):
    """A terminal answers every line: the NUL is stored and shown as U+FFFD (as a browser shows
    a NUL anyway), never refused with a 400 or stored raw (PostgreSQL's text columns refuse it)."""
    url = reverse("lesson_command", args=[terminal.course.slug, terminal.slug])
    response = learner_client.post(
        url, {"host": "A", "line": f"echo a{NUL}b"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "a\ufffdb" in _text(response) and NUL not in _text(response)


def test_a_routes_row_with_a_nul_is_refused_beside_the_row(learner_client, course):
    routes = lesson(course, "routing-table")
    url = reverse("lesson_check", args=[course.slug, routes.slug])
    data = {
        "routes-TOTAL_FORMS": "1",
        "routes-INITIAL_FORMS": "0",
        "routes-0-host": "A",
        "routes-0-destination": f"192.165.2.0/24{NUL}",
        "routes-0-gateway": "192.165.1.1",
    }
    response = learner_client.post(url, data)
    assert response.status_code == 200
    assert "This text contains a NUL character (\\0) at character 15" in _text(response)


# -- addresses ------------------------------------------------------------------------------------


def test_a_join_link_with_a_nul_is_not_found(learner_client):
    response = learner_client.get("/join/AB%00C/")
    assert response.status_code == 404
    assert "We can't find that page" in _text(response)


@pytest.mark.parametrize("path", ["/courses/net%00working/x/", "/author/lessons/%00/edit/"])
def test_any_path_with_a_nul_is_not_found(instructor_client, path):
    assert instructor_client.get(path).status_code == 404


def test_a_query_with_a_nul_gets_a_400_saying_so(instructor_client, course):
    response = instructor_client.get(reverse("instructors:dashboard") + "?course=%00")
    assert response.status_code == 400
    assert "The address has a NUL character (\\0) at character 1 in its “course” part" in _text(
        response
    )
