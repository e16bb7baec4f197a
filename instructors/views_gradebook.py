"""The gradebook (learners x lessons of a course, or of a class), its CSV export, one learner's
work in a course, and resetting a learner's exercise.

Who is in it is decided by ``tenancy``: everyone who worked in a course the instructor authors,
otherwise the members of the classes they teach; another instructor's learner is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from instructors import selectors, services, tenancy
from instructors.permissions import instructor_required
from instructors.views import _course_from_query, _pk
from lessons.models import Course, Exercise, Lesson

# -- gradebook -------------------------------------------------------------------------------------


def _gradebook(request: HttpRequest) -> tuple[selectors.Gradebook | None, list[Course]]:
    """The gradebook the query string asks for (?course=&class=&sort=), and the courses this
    instructor authors or teaches for the filter. Who is in it: everyone who worked in a course
    they author, otherwise the members of their classes of the course."""
    courses = list(tenancy.gradebook_courses(request.user))
    course = _course_from_query(request, courses)
    if course is None:
        return None, courses
    classroom = None
    if (class_pk := _pk(request.GET.get("class"))) is not None:
        classroom = tenancy.classes_of(request.user).filter(pk=class_pk, course=course).first()
    sort = request.GET.get("sort", "name")
    among = tenancy.gradebook_classes(request.user, course)
    book = selectors.gradebook(course=course, classroom=classroom, sort=sort, among=among)
    return book, courses


@instructor_required
@require_GET
def gradebook(request: HttpRequest) -> HttpResponse:
    book, courses = _gradebook(request)
    classes = list(tenancy.classes_of(request.user).filter(course=book.course)) if book else []
    context = {"book": book, "courses": courses, "classes": classes}
    template = "instructors/gradebook.html"
    if request.htmx:
        template += "#gradebook-table"
    return render(request, template, context)


@instructor_required
@require_GET
def gradebook_csv(request: HttpRequest) -> HttpResponse:
    book, _ = _gradebook(request)
    text = selectors.gradebook_csv(book) if book else ""
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    name = f"gradebook-{book.course.slug}.csv" if book else "gradebook.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@instructor_required
@require_GET
def learner_detail(request: HttpRequest, learner_pk: int) -> HttpResponse:
    """Every attempt of one learner in a course, per-goal results, and the commands typed."""
    learner = tenancy.learner_for(request.user, learner_pk)
    courses = list(tenancy.learner_courses(request.user, learner))
    course = _course_from_query(request, courses)
    work = selectors.learner_work(learner=learner, course=course) if course else []
    return render(
        request,
        "instructors/learner.html",
        {"learner": learner, "course": course, "courses": courses, "work": work},
    )


@instructor_required
@require_POST
def learner_reset(request: HttpRequest, learner_pk: int, lesson_pk: int) -> HttpResponse:
    learner = tenancy.learner_for(request.user, learner_pk)
    lessons = Lesson.objects.filter(course__in=tenancy.learner_courses(request.user, learner))
    lesson = get_object_or_404(lessons, pk=lesson_pk)
    exercise = get_object_or_404(Exercise, lesson=lesson)
    services.reset_learner_exercise(learner=learner, exercise=exercise)
    messages.success(request, f"{learner.get_username()}'s exercise in “{lesson.title}” was reset.")
    url = reverse("instructors:learner", args=[learner.pk]) + f"?course={lesson.course_id}"
    return redirect(url)
