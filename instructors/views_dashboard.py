"""A class's dashboard beyond its page: the CSV exports of its two tables and the failed checks
behind a cell of its misconception heat map.

Every view looks the class up through ``tenancy.class_for``: another instructor's class is 404,
as is a lesson of another course.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from instructors import dashboard, tenancy
from instructors.causes import UNKNOWN, cause_label
from instructors.permissions import instructor_required
from lessons.models import Lesson

# Cause codes are short slugs ("no-return-route"); a longer ?cause= is cut, not echoed whole.
MAX_CAUSE = 64


def _csv(text: str, name: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-") or "class"


@instructor_required
@require_GET
def class_progress_csv(request: HttpRequest, class_pk: int) -> HttpResponse:
    classroom = tenancy.class_for(request.user, class_pk)
    board = dashboard.class_dashboard(classroom=classroom)
    return _csv(dashboard.progress_csv(board), f"class-{classroom.pk}-{_slug(classroom.name)}.csv")


@instructor_required
@require_GET
def class_misconceptions_csv(request: HttpRequest, class_pk: int) -> HttpResponse:
    classroom = tenancy.class_for(request.user, class_pk)
    board = dashboard.class_dashboard(classroom=classroom)
    name = f"class-{classroom.pk}-{_slug(classroom.name)}-misconceptions.csv"
    return _csv(dashboard.misconceptions_csv(board), name)


@instructor_required
@require_GET
def class_cause(request: HttpRequest, class_pk: int, lesson_pk: int) -> HttpResponse:
    """The failed checks behind one heat map cell (?cause=CODE): which members hit the cause on
    the lesson, the goal and the message they read. The code is a query parameter, not a path
    segment, so that any stored code makes a link; without one, the checks stored without a
    cause."""
    cause = request.GET.get("cause", "").strip()[:MAX_CAUSE] or UNKNOWN
    classroom = tenancy.class_for(request.user, class_pk)
    lesson = get_object_or_404(Lesson, pk=lesson_pk, course_id=classroom.course_id)
    checks = dashboard.failed_checks(classroom=classroom, lesson=lesson, cause=cause)
    context = {
        "classroom": classroom,
        "lesson": lesson,
        "cause": cause,
        "cause_label": cause_label(cause),
        "checks": checks,
        "learners": len({check.learner.pk for check in checks}),
    }
    return render(request, "instructors/class_cause.html", context)
