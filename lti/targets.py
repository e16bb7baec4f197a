"""What a resource link's ``target_link_uri`` points at on NetLearn: a lesson's page
(``/courses/<course>/<lesson>/``) or a course's entry page (``/lti/courses/<course>/``).

Anything else (the launch URL itself, as some LMS placements send, or a page that does not
exist) has no target: the launch logs the user in and opens the home page.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.urls import Resolver404, resolve, reverse

from lessons.models import Course, Lesson
from lti.services import Target

MAX_URI = 2000


def resolve_target(uri: object) -> Target | None:
    if not isinstance(uri, str) or len(uri) > MAX_URI:
        return None
    try:
        match = resolve(urlsplit(uri).path)
    except Resolver404:
        return None
    if match.view_name == "lesson":
        lesson = (
            Lesson.objects.visible()
            .select_related("course")
            .filter(course__slug=match.kwargs["course_slug"], slug=match.kwargs["lesson_slug"])
            .first()
        )
        return None if lesson is None else Target(course=lesson.course, lesson=lesson)
    if match.view_name == "lti:course":
        course = Course.objects.filter(slug=match.kwargs["course_slug"], published=True).first()
        return None if course is None else Target(course=course)
    return None


def target_url(target: Target) -> str:
    if target.lesson is not None:
        return reverse("lesson", args=[target.course.slug, target.lesson.slug])
    return reverse("lti:course", args=[target.course.slug])
