"""Every URL pattern of the project, with each persona: anonymous visitors are sent to a log-in
page except on public pages, learners get 403 on every authoring and gradebook URL (and on
other learners' pages), and nothing answers 500.

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
from lessons import services
from lessons.models import Lesson

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
    """One of everything a URL can name, owned by the other learner where it is a learner's."""
    lesson = make_lesson("terminal", slug="routing")
    services.run_command(learner=other_learner, exercise=lesson.exercise, host="A", line="ip route")
    services.attempt_grade(learner=other_learner, exercise=lesson.exercise)
    classroom = instructor_services.create_classroom(
        instructor=instructor, course=lesson.course, name="Monday"
    )
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
