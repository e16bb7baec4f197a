"""Every URL pattern of the project, with each persona: anonymous visitors are sent to a log-in
page except on public pages, learners get 403 on every authoring and gradebook URL (and on
other learners' pages), another instructor gets 404 on every URL naming an instructor's object,
and nothing answers 500.

New URL patterns are picked up automatically; a pattern whose parameters this test cannot fill
fails, so that it gets a sample value below.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from exercise_specs import make_lesson

from instructors import services as instructor_services
from instructors.models import LessonDraft
from lessons.models import Lesson, Workspace
from lessons.services.grading import attempt_grade
from lessons.services.terminal import run_command

pytestmark = pytest.mark.django_db

# What an anonymous visitor may open without logging in (or that answers 405 to a GET).
PUBLIC = {
    "healthz",
    "readyz",
    "home",
    "login",
    "signup",
    "logout",
    "admin:login",
    "admin:logout",
    # LTI 1.3: the LMS's requests, authenticated by the protocol (lti/views.py)
    "lti:login",
    "lti:launch",
    "lti:jwks",
    "lti:deep_link",
    "lti:continue",
}
LOGIN_PAGES = ("/accounts/login/", "/admin/login/")
# Instructor pages a learner may open: joining a class is for learners.
LEARNER_SIDE = {"instructors:join", "instructors:join_code"}


def _patterns(resolver=None, prefix: str = "", namespace: tuple = ()):
    """(name, route) of every URL pattern; regex parts are kept as regexes."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = (*namespace, pattern.namespace) if pattern.namespace else namespace
            yield from _patterns(pattern, route, ns)
        elif isinstance(pattern, URLPattern):
            yield ":".join((*namespace, pattern.name or f"<unnamed {route}>")), route


def _url(route: str, values: dict[str, str]) -> str:
    def value(name: str) -> str:
        if name not in values:
            raise AssertionError(f"no sample value for URL parameter {name!r} in {route}")
        return values[name]

    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: value(m[1]), route)
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: value(m[1]), url)
    return "/" + url.replace("^", "").replace("$", "")


@pytest.fixture
def world(learner, other_learner, instructor):
    """One of everything a URL can name, owned by the other learner where it is a learner's and
    by the instructor where it is an instructor's (their course, their class, which the other
    learner joined)."""
    lesson = make_lesson("terminal", slug="routing")
    lesson.course.owner = instructor
    lesson.course.save()
    run_command(learner=other_learner, exercise=lesson.exercise, host="A", line="ip route")
    attempt_grade(learner=other_learner, exercise=lesson.exercise)
    classroom = instructor_services.create_classroom(
        instructor=instructor, course=lesson.course, name="Monday"
    )
    instructor_services.join_classroom(learner=other_learner, classroom=classroom)
    draft = LessonDraft.objects.create(author=instructor, title="Draft")
    return {
        "course_slug": lesson.course.slug,
        "lesson_slug": lesson.slug,
        "course_pk": str(lesson.course_id),
        "lesson_pk": str(lesson.pk),
        "learner_pk": str(other_learner.pk),
        "class_pk": str(classroom.pk),
        "draft_pk": str(draft.pk),
        "code": classroom.code,
        "object_id": str(lesson.pk),
        "id": str(other_learner.pk),
        "content_type_id": str(ContentType.objects.get_for_model(Lesson).pk),
        "app_label": "lessons",
        "url": "nowhere/",
        "name": "lesson-files",  # a format help page
    }


def _urls(world) -> list[tuple[str, str]]:
    return [(name, _url(route, world)) for name, route in _patterns()]


def _requests(world):
    """(name, method, url): GET everywhere, POST too except in Django's own admin (whose
    forms are Django's business; a GET shows its log-in rule)."""
    for name, url in _urls(world):
        yield name, "get", url
        if not name.startswith("admin:") and name != "logout":  # logout would end the session
            yield name, "post", url


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _is_authoring(name: str) -> bool:
    return name.startswith("instructors:") and name not in LEARNER_SIDE


def test_it_walks_every_pattern(world):
    names = [name for name, _ in _urls(world)]
    assert "instructors:gradebook" in names and "lesson_check" in names and len(names) > 40


def test_anonymous_visitors_are_sent_to_log_in(world):
    client = _client()
    for name, method, url in _requests(world):
        response = getattr(client, method)(url)
        assert response.status_code < 500, (method, url)
        if name in PUBLIC:
            continue
        assert response.status_code == 302, (method, url, response.status_code)
        assert response.url.split("?")[0] in LOGIN_PAGES, (method, url, response.url)


@pytest.mark.parametrize("persona", ["learner", "other_learner"])
def test_learners_get_403_on_authoring_and_gradebook(world, request, persona):
    client = _client(request.getfixturevalue(persona))
    for name, method, url in _requests(world):
        response = getattr(client, method)(url)
        assert response.status_code < 500, (persona, method, url)
        if _is_authoring(name):
            assert response.status_code == 403, (persona, method, url, response.status_code)


def test_a_learner_cannot_see_another_learners_work(world, learner, other_learner):
    from django.urls import reverse

    client = _client(learner)
    for learner_pk in (other_learner.pk, learner.pk):
        assert client.get(reverse("instructors:learner", args=[learner_pk])).status_code == 403
    # A learner's own pages never show the other learner's terminal.
    lesson_url = reverse("lesson", args=[world["course_slug"], world["lesson_slug"]])
    assert "ip route" not in client.get(lesson_url).content.decode().split("Terminal output")[-1]


def test_instructors_reach_every_page_without_errors(world, instructor):
    client = _client(instructor)
    for name, method, url in _requests(world):
        response = getattr(client, method)(url)
        assert response.status_code < 500, (method, url)
        if _is_authoring(name):
            assert response.status_code != 403, (method, url)
        if OBJECT_URLS.get(name) == "tenant":  # their own course, lesson, class and learner
            assert response.status_code != 404, (method, url)


# -- object-level rules for every URL that names an object -----------------------------------------
#
# Who may reach which object, per URL name (admin URLs are Django's: staff only, see below):
#   "learner-visible": a learner's lesson pages; only published lessons of published courses,
#       otherwise 404 (never a hint that the lesson exists).
#   "tenant": an instructor's courses and lessons (owner and editors), classes (owner and
#       co-instructors) and the learners in them; instructors only (403 for learners, tested
#       above); another instructor gets 404, like an unknown id (instructors/tenancy.py).
#   "private": an instructor's own drafts; another instructor's draft is 404.
#   "code": a class join code; any logged-in user; an unknown code is 404.
#   "course-entry": a course's page for LMS links (its next lesson); any logged-in user;
#       an unknown or unpublished course is 404.
#   "document": a page of the format documentation; any instructor; an unknown page is 404.
OBJECT_URLS = {
    "lesson": "learner-visible",
    "lesson_command": "learner-visible",
    "lesson_check": "learner-visible",
    "lesson_hint": "learner-visible",
    "lesson_reset": "learner-visible",
    "instructors:course": "tenant",
    "instructors:course_edit": "tenant",
    "instructors:course_export": "tenant",
    "instructors:lesson_edit": "tenant",
    "instructors:lesson_move": "tenant",
    "instructors:lesson_archive": "tenant",
    "instructors:lesson_export": "tenant",
    "instructors:lesson_analytics": "tenant",
    "instructors:exercise_source": "tenant",
    "instructors:class": "tenant",
    "instructors:class_progress_csv": "tenant",
    "instructors:class_misconceptions_csv": "tenant",
    "instructors:class_cause": "tenant",
    "instructors:learner": "tenant",
    "instructors:learner_reset": "tenant",
    "instructors:course_editors": "tenant",
    "instructors:class_instructors": "tenant",
    "instructors:draft_discard": "private",
    "instructors:join_code": "code",
    "lti:roster_sync": "tenant",
    "lti:course": "course-entry",
    "instructors:format_help": "document",
}
UNKNOWN = {
    "course_slug": "no-such-course",
    "lesson_slug": "no-such-lesson",
    "course_pk": "987654",
    "lesson_pk": "987654",
    "learner_pk": "987654",
    "class_pk": "987654",
    "draft_pk": "987654",
    "code": "NOSUCH99",
    "name": "no-such-page",
}


def _object_routes() -> dict[str, str]:
    return {
        name: route
        for name, route in _patterns()
        if ("<" in route or "(?P<" in route) and not name.startswith("admin:")
    }


def test_every_url_that_names_an_object_has_a_rule():
    assert set(_object_routes()) == set(OBJECT_URLS)


def test_unknown_objects_are_404_for_instructors(world, instructor):
    client = _client(instructor)
    for name, route in _object_routes().items():
        if OBJECT_URLS[name] == "learner-visible":
            continue
        for key, value in UNKNOWN.items():
            if f":{key}>" not in route and f"<{key}>" not in route:
                continue
            url = _url(route, {**world, key: value})
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                assert status in (404, 405), (name, method, url, status)


@pytest.mark.parametrize("persona", ["learner", "instructor"])
def test_unknown_lessons_and_courses_are_404_on_every_lesson_url(world, request, persona):
    client = _client(request.getfixturevalue(persona))
    for name, route in _object_routes().items():
        if OBJECT_URLS[name] != "learner-visible":
            continue
        for key in ("course_slug", "lesson_slug"):
            url = _url(route, {**world, key: UNKNOWN[key]})
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                assert status in (404, 405), (persona, name, method, url, status)


@pytest.mark.parametrize("hidden", ["lesson", "course", "archived"])
def test_a_learner_cannot_reach_a_hidden_lesson_by_its_url(world, learner, hidden):
    from django.utils import timezone

    from lessons.models import Course

    if hidden == "lesson":
        Lesson.objects.filter(slug=world["lesson_slug"]).update(published=False)
    elif hidden == "course":
        Course.objects.filter(slug=world["course_slug"]).update(published=False)
    else:
        Lesson.objects.filter(slug=world["lesson_slug"]).update(archived_at=timezone.now())
    client = _client(learner)
    for name, route in _object_routes().items():
        if OBJECT_URLS[name] != "learner-visible":
            continue
        url = _url(route, world)
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            assert status in (404, 405), (hidden, name, method, url, status)
    assert not Workspace.objects.filter(learner=learner).exists()


def test_a_lesson_is_not_found_under_another_courses_slug(world, learner):
    from exercise_specs import make_course

    other = make_course("other-course")
    client = _client(learner)
    for name, route in _object_routes().items():
        if OBJECT_URLS[name] == "learner-visible":
            url = _url(route, {**world, "course_slug": other.slug})
            assert client.get(url).status_code in (404, 405), (name, url)


@pytest.fixture
def second_instructor(django_user_model):
    from django.contrib.auth.models import Group

    other = django_user_model.objects.create_user("otto")
    other.groups.add(Group.objects.get_or_create(name="instructors")[0])
    return other


def test_another_instructor_gets_404_on_every_object_of_an_instructor(world, second_instructor):
    """Not 403: that would confirm the course, class or learner exists."""
    client = _client(second_instructor)
    for name, route in _object_routes().items():
        if OBJECT_URLS[name] != "tenant":
            continue
        url = _url(route, world)
        statuses = {method: getattr(client, method)(url).status_code for method in ("get", "post")}
        assert set(statuses.values()) <= {404, 405}, (name, url, statuses)
        assert 404 in statuses.values(), (name, url, statuses)


def test_another_instructor_changes_nothing_by_posting(world, second_instructor):
    from lessons.models import Course

    course = Course.objects.get(slug=world["course_slug"])
    client = _client(second_instructor)
    for name in ("instructors:course_editors", "instructors:class_instructors"):
        route = _object_routes()[name]
        client.post(_url(route, world), {"username": second_instructor.username})
    client.post(_url(_object_routes()["instructors:course_edit"], world), {"title": "Mine now"})
    client.post(_url(_object_routes()["instructors:lesson_archive"], world))
    course.refresh_from_db()
    assert course.title != "Mine now" and not course.editors.exists()
    assert not Lesson.objects.filter(archived_at__isnull=False).exists()
    assert not course.classrooms.get().co_instructors.exists()


def test_staff_instructors_reach_every_object(world, django_user_model):
    from django.contrib.auth.models import Group

    staff = django_user_model.objects.create_user("sam", is_staff=True)
    staff.groups.add(Group.objects.get(name="instructors"))
    client = _client(staff)
    for name, route in _object_routes().items():
        if OBJECT_URLS[name] == "tenant":
            url = _url(route, world)
            statuses = [getattr(client, method)(url).status_code for method in ("get", "post")]
            assert 404 not in statuses, (name, url, statuses)


def test_another_instructors_draft_is_404_and_never_overwritten(
    world, instructor, django_user_model
):
    from django.contrib.auth.models import Group
    from django.urls import reverse

    other = django_user_model.objects.create_user("otto")
    other.groups.add(Group.objects.get(name="instructors"))
    theirs = LessonDraft.objects.create(author=other, title="Theirs", body="their text")
    client = _client(instructor)
    discard = reverse("instructors:draft_discard", args=[theirs.pk])
    assert client.post(discard).status_code == 404
    page = client.get(reverse("instructors:lesson_create") + f"?draft={theirs.pk}")
    assert page.status_code == 200 and "their text" not in page.content.decode()
    saved = client.post(
        reverse("instructors:lesson_autosave"),
        {"draft": theirs.pk, "title": "Mine", "body": "my text"},
        HTTP_HX_REQUEST="true",
    )
    assert saved.status_code == 200
    theirs.refresh_from_db()
    assert (theirs.title, theirs.body, theirs.author) == ("Theirs", "their text", other)
    assert LessonDraft.objects.filter(author=instructor, body="my text").exists()
    # Their own draft is theirs to discard.
    assert _client(other).post(discard).status_code == 302
    assert not LessonDraft.objects.filter(pk=theirs.pk).exists()


def test_learners_and_instructors_are_kept_out_of_the_admin(world, learner, instructor):
    for user in (learner, instructor):
        client = _client(user)
        for name, url in _urls(world):
            if not name.startswith("admin:") or name in PUBLIC:
                continue
            response = client.get(url)
            assert response.status_code in (302, 404), (user, name, url, response.status_code)
            if response.status_code == 302:
                assert response.url.split("?")[0] in LOGIN_PAGES, (user, name, response.url)
