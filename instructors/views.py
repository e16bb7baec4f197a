"""The instructor's pages: authoring (courses, lessons, export), a lesson's analytics, classes;
and the learner's side of classes (joining one with its code). The gradebook, imports and
sharing have their own modules (views_gradebook, views_import, views_sharing).

Every authoring and gradebook view is ``instructor_required`` (403 for learners, log-in for
anonymous visitors) and checked before the method, so a learner gets 403 whatever they send.
Every object is looked up through ``tenancy``: another instructor's course, lesson, class or
learner is 404, like one that does not exist.
Each works as a plain page with form posts; htmx swaps the named partials of the same template.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from instructors import preview, selectors, services, starters, tenancy, views_preview
from instructors.dashboard import class_dashboard
from instructors.forms import (
    ClassroomForm,
    CourseForm,
    JoinForm,
    LessonForm,
    UsernameForm,
    normalise_join_code,
    size_error,
)
from instructors.models import Classroom, LessonDraft
from instructors.permissions import instructor_required
from lessons import lessonfile
from lessons.models import Course, Exercise, Lesson

EDITOR = "instructors/lesson_form.html"


# -- lookups ---------------------------------------------------------------------------------------


def _pk(value: str | None) -> int | None:
    """An id from a form field or the query string; None unless it is plain ASCII digits
    ("¹".isdigit() is true and int() refuses it; int() refuses 4,300 digits too)."""
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _get_draft(request: HttpRequest, value: str | None) -> LessonDraft | None:
    """The instructor's own draft named by a form or query value (never someone else's)."""
    pk = _pk(value)
    if pk is None:
        return None
    return LessonDraft.objects.filter(author=request.user, pk=pk).first()


def _course_from_query(request: HttpRequest, courses: list[Course]) -> Course | None:
    wanted = request.GET.get("course", "")
    chosen = next((c for c in courses if str(c.pk) == wanted), None)
    return chosen or (courses[0] if courses else None)


# -- authoring: courses ----------------------------------------------------------------------------


@instructor_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The courses to author, the instructor's unsaved drafts, import and classes."""
    return render(
        request,
        "instructors/dashboard.html",
        {
            "courses": tenancy.authored_courses(request.user),
            # A draft of a lesson they no longer author (an editor removed) is not listed.
            "drafts": selectors.drafts_of(author=request.user).filter(
                Q(lesson__isnull=True)
                | Q(lesson__course__in=tenancy.authored_courses(request.user).values("pk"))
            ),
        },
    )


@instructor_required
@require_http_methods(["GET", "POST"])
def course_create(request: HttpRequest) -> HttpResponse:
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        course = form.save(commit=False)
        course.owner = request.user
        course.save()
        messages.success(request, f"Course “{course.title}” created.")
        return redirect("instructors:course", course_pk=course.pk)
    return render(request, "instructors/course_form.html", {"form": form, "course": None})


@instructor_required
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = tenancy.course_for_author(request.user, course_pk)
    form = CourseForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Course saved.")
        return redirect("instructors:course", course_pk=course.pk)
    return render(request, "instructors/course_form.html", {"form": form, "course": course})


def _lesson_list(course: Course) -> dict:
    lessons = selectors.lessons_for_authoring(course=course)
    live = sum(1 for lesson in lessons if lesson.archived_at is None)
    return {"course": course, "lessons": lessons, "live_count": live}


@instructor_required
@require_GET
def course_detail(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = tenancy.course_for_author(request.user, course_pk)
    context = _lesson_list(course)
    template = "instructors/course.html"
    if request.htmx:
        template += "#lesson-list"
    else:
        context.update(
            editors=course.editors.order_by("username"),
            can_share=tenancy.can_manage_editors(request.user, course),
            share_form=UsernameForm(),
        )
    return render(request, template, context)


@instructor_required
@require_GET
def course_export(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = tenancy.course_for_author(request.user, course_pk)
    response = HttpResponse(selectors.course_zip(course=course), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{course.slug}.zip"'
    return response


# -- authoring: lessons ----------------------------------------------------------------------------


def _lesson_form(request: HttpRequest, *args, **kwargs) -> LessonForm:
    """The editor's form, whose Course choice is the courses this instructor authors (a posted
    id of another course is "not one of the available choices")."""
    form = LessonForm(*args, **kwargs)
    form.fields["course"].queryset = tenancy.authored_courses(request.user)
    return form


def _editor(request: HttpRequest, form: LessonForm, **extra) -> HttpResponse:
    context = {
        "form": form,
        "lesson": None,
        "draft": None,
        "preview": None,
        "report": None,
        "starters": starters.starters(),
        "copyable": starters.copyable_lessons(request.user),
        "help_pages": views_preview.HELP_PAGES,
    }
    context.update(extra)
    return render(request, EDITOR, context)


def _initial_from_draft(draft: LessonDraft) -> dict:
    return {
        "title": draft.title,
        "course": draft.course_id,
        "body": draft.body,
        "exercise": draft.exercise_yaml,
        "published": draft.published,
        "slug": draft.lesson.slug if draft.lesson_id else "",
    }


def _save_from_form(
    request: HttpRequest, form: LessonForm, lesson: Lesson | None, draft: LessonDraft | None
) -> HttpResponse:
    """Save (or show why not); the Preview and Validate buttons re-render the page without JS."""
    action = request.POST.get("action", "save")
    text = request.POST.get("exercise", "")
    if action == "preview":
        return _editor(request, form, lesson=lesson, draft=draft, **_preview_context(request))
    if action in ("starter", "copy"):  # without JavaScript: the editor with the new text
        data = request.POST.copy()
        data["exercise"] = _starting_text(request, action)
        return _editor(request, _lesson_form(request, data), lesson=lesson, draft=draft)
    if action == "validate":
        report = selectors.validation_report(exercise_yaml=text)
        return _editor(request, form, lesson=lesson, draft=draft, report=report)
    form.is_valid()
    yaml_error = "; ".join(form.errors.get("exercise", []))
    fatal = {name for name in form.errors if name != "exercise"} | form.oversized
    if fatal:
        return _editor(request, form, lesson=lesson, draft=draft)
    data = form.cleaned_data
    try:
        saved = services.save_lesson(
            author=request.user,
            lesson=lesson,
            course=data["course"],
            title=data["title"],
            slug=data["slug"],
            body=data["body"],
            exercise=data.get("exercise"),
            exercise_yaml=text,
            published=data["published"],
            yaml_error=yaml_error,
        )
    except services.AuthoringError as exc:
        report = selectors.validation_report(exercise_yaml=text)
        return _editor(
            request, form, lesson=lesson, draft=draft, report=report, errors=exc.problems
        )
    if draft is not None and draft.lesson_id is None:
        services.discard_draft(draft=draft)
    if saved.exercise_status == "draft":
        messages.warning(
            request,
            "Saved as a draft (not published): the exercise is not valid yet. "
            + "; ".join(saved.problems),
        )
    elif saved.new_version:
        messages.success(
            request,
            f"Lesson saved. The exercise is now version {saved.lesson.exercise.version}; "
            "earlier attempts keep the version they were graded against.",
        )
    else:
        messages.success(request, "Lesson saved.")
    return redirect("instructors:lesson_edit", lesson_pk=saved.lesson.pk)


@instructor_required
@require_http_methods(["GET", "POST"])
def lesson_create(request: HttpRequest) -> HttpResponse:
    draft = _get_draft(request, request.POST.get("draft") or request.GET.get("draft"))
    if draft is not None and draft.lesson_id is not None:
        return redirect("instructors:lesson_edit", lesson_pk=draft.lesson_id)
    if request.method == "POST":
        return _save_from_form(request, _lesson_form(request, request.POST), None, draft)
    initial = _initial_from_draft(draft) if draft else {"course": request.GET.get("course")}
    return _editor(request, _lesson_form(request, initial=initial), draft=draft)


@instructor_required
@require_http_methods(["GET", "POST"])
def lesson_edit(request: HttpRequest, lesson_pk: int) -> HttpResponse:
    lesson = tenancy.lesson_for_author(request.user, lesson_pk)
    draft = selectors.draft_for(author=request.user, lesson=lesson)
    if request.method == "POST":
        return _save_from_form(request, _lesson_form(request, request.POST), lesson, draft)
    if draft is not None:
        initial = _initial_from_draft(draft)
    else:
        initial = {
            "title": lesson.title,
            "course": lesson.course_id,
            "slug": lesson.slug,
            "body": lesson.body,
            "exercise": selectors.exercise_yaml(lesson=lesson),  # as its author typed it
            "published": lesson.published,
        }
    return _editor(request, _lesson_form(request, initial=initial), lesson=lesson, draft=draft)


def _preview_context(request: HttpRequest) -> dict:
    """Start a preview of the posted (unsaved) lesson: the whole lesson as a learner sees it,
    its exercise runnable (instructors/preview.py keeps it in the session)."""
    body = request.POST.get("body", "")
    too_long = size_error("content", body, lessonfile.MAX_MARKDOWN)
    if too_long is not None:
        return {"preview_error": too_long}
    item = preview.start(
        request.session,
        title=request.POST.get("title", ""),
        body=body,
        exercise_yaml=request.POST.get("exercise", ""),
        seed=_pk(request.POST.get("seed")),  # variants: not in the product yet (preview.py)
    )
    return views_preview.learner_view(request, item)


def _starting_text(request: HttpRequest, action: str) -> str:
    """The text a starter (``starter``: a kind) or a copied exercise (``copy_from``: a lesson
    this instructor may author, 404 otherwise) puts in the Exercise box."""
    if action == "starter":
        chosen = starters.starter(request.POST.get("starter", ""))
        return chosen.text if chosen is not None else request.POST.get("exercise", "")
    pk = _pk(request.POST.get("copy_from"))
    if pk is None:
        raise Http404("Choose a lesson to copy the exercise of.")
    return starters.exercise_text_to_copy(request.user, pk)


@instructor_required
@require_POST
def lesson_preview(request: HttpRequest) -> HttpResponse:
    """The whole lesson as learners will see it (the same renderer, sanitiser and exercise
    partials), its exercise runnable without saving."""
    return render(request, f"{EDITOR}#preview", _preview_context(request))


@instructor_required
@require_POST
def lesson_validate(request: HttpRequest) -> HttpResponse:
    report = selectors.validation_report(exercise_yaml=request.POST.get("exercise", ""))
    return render(request, f"{EDITOR}#validation", {"report": report})


@instructor_required
@require_POST
def lesson_autosave(request: HttpRequest) -> HttpResponse:
    """Keep the editor's content as the instructor's draft; answers with the draft's id."""
    body, exercise_yaml = request.POST.get("body", ""), request.POST.get("exercise", "")
    too_long = size_error("content", body, lessonfile.MAX_MARKDOWN) or size_error(
        "exercise", exercise_yaml, lessonfile.MAX_EXERCISE_YAML
    )
    if too_long is not None:  # the editor keeps the text; the draft keeps its last good save
        return render(request, f"{EDITOR}#autosave", {"autosave_error": too_long})
    lesson_pk, course_pk = _pk(request.POST.get("lesson")), _pk(request.POST.get("course"))
    # Another instructor's lesson or course is treated like an unknown one: never linked.
    lessons = Lesson.objects.filter(course__in=tenancy.authored_courses(request.user))
    lesson = lessons.filter(pk=lesson_pk).first() if lesson_pk is not None else None
    courses = tenancy.authored_courses(request.user)
    course = courses.filter(pk=course_pk).first() if course_pk is not None else None
    draft = services.autosave_draft(
        author=request.user,
        draft=_get_draft(request, request.POST.get("draft")),
        lesson=lesson,
        course=course,
        title=request.POST.get("title", ""),
        body=body,
        exercise_yaml=exercise_yaml,
        published=bool(request.POST.get("published")),
    )
    return render(
        request, f"{EDITOR}#autosave", {"draft": draft, "saved_at": timezone.now(), "oob": True}
    )


@instructor_required
@require_POST
def draft_discard(request: HttpRequest, draft_pk: int) -> HttpResponse:
    draft = get_object_or_404(LessonDraft, pk=draft_pk, author=request.user)
    services.discard_draft(draft=draft)
    messages.info(request, "Draft discarded.")
    return redirect("instructors:dashboard")


@instructor_required
@require_POST
def lesson_move(request: HttpRequest, lesson_pk: int) -> HttpResponse:
    lesson = tenancy.lesson_for_author(request.user, lesson_pk)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponse("direction must be up or down", status=400)
    services.move_lesson(lesson=lesson, direction=direction)
    course = lesson.course
    if request.htmx:
        context = _lesson_list(course)
        context["focus"] = f"move-{direction}-{lesson.pk}"
        return render(request, "instructors/course.html#lesson-list", context)
    return redirect(reverse("instructors:course", args=[course.pk]) + f"#lesson-{lesson.pk}")


@instructor_required
@require_POST
def lesson_archive(request: HttpRequest, lesson_pk: int) -> HttpResponse:
    lesson = tenancy.lesson_for_author(request.user, lesson_pk)
    if request.POST.get("restore"):
        services.restore_lesson(lesson=lesson)
        messages.success(request, f"“{lesson.title}” restored.")
    else:
        services.archive_lesson(lesson=lesson)
        messages.success(
            request,
            f"“{lesson.title}” archived: learners no longer see it; their attempts are kept.",
        )
    return redirect("instructors:course", course_pk=lesson.course_id)


@instructor_required
@require_GET
def lesson_export(request: HttpRequest, lesson_pk: int) -> HttpResponse:
    lesson = tenancy.lesson_for_author(request.user, lesson_pk)
    response = HttpResponse(
        selectors.lesson_file_text(lesson=lesson), content_type="text/markdown; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{lesson.slug}.md"'
    return response


@instructor_required
@require_GET
def lesson_analytics(request: HttpRequest, lesson_pk: int) -> HttpResponse:
    """What learners get wrong in the exercise: failed checks by diagnosed cause."""
    lesson = tenancy.lesson_for_author(request.user, lesson_pk)
    exercise = Exercise.objects.filter(lesson=lesson).first()
    if exercise is None:
        raise Http404("This lesson has no exercise.")
    return render(
        request,
        "instructors/analytics.html",
        {
            "lesson": lesson,
            "exercise": exercise,
            "misconceptions": selectors.misconceptions(exercise=exercise),
            "goals": selectors.goal_failure_counts(exercise=exercise),
        },
    )


# -- classes ---------------------------------------------------------------------------------------


@instructor_required
@require_http_methods(["GET", "POST"])
def classes(request: HttpRequest) -> HttpResponse:
    form = ClassroomForm(request.POST or None)
    form.fields["course"].queryset = tenancy.teachable_courses(request.user)
    if request.method == "POST" and form.is_valid():
        classroom = services.create_classroom(
            instructor=request.user,
            course=form.cleaned_data["course"],
            name=form.cleaned_data["name"],
        )
        messages.success(request, f"Class “{classroom.name}” created. Join code: {classroom.code}")
        return redirect("instructors:class", class_pk=classroom.pk)
    return render(
        request,
        "instructors/classes.html",
        {"form": form, "classes": tenancy.classes_of(request.user)},
    )


@instructor_required
@require_GET
def class_detail(request: HttpRequest, class_pk: int) -> HttpResponse:
    """A class's join code and link, its instructors, and its dashboard (dashboard.py): the
    progress table, the misconception heat map and who is stuck."""
    classroom = tenancy.class_for(request.user, class_pk)
    link = request.build_absolute_uri(reverse("instructors:join_code", args=[classroom.code]))
    return render(
        request,
        "instructors/class.html",
        {
            "classroom": classroom,
            "join_link": link,
            "board": class_dashboard(classroom=classroom),
            "co_instructors": classroom.co_instructors.order_by("username"),
            "can_share": tenancy.can_manage_class(request.user, classroom),
            "share_form": UsernameForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """A learner types the join code their instructor gave them."""
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return join_code(request, form.cleaned_data["code"])
    return render(request, "instructors/join.html", {"form": form, "classroom": None})


@login_required
@require_http_methods(["GET", "POST"])
def join_code(request: HttpRequest, code: str) -> HttpResponse:
    """The join link: GET asks to confirm, POST joins (a link alone changes nothing)."""
    code = normalise_join_code(code)
    classroom = Classroom.objects.select_related("course").filter(code=code).first()
    if classroom is None:
        form = JoinForm(initial={"code": code})
        context = {"form": form, "classroom": None, "unknown": True}
        return render(request, "instructors/join.html", context, status=404)
    if request.method == "POST":
        _, created = services.join_classroom(learner=request.user, classroom=classroom)
        messages.success(
            request,
            f"You joined “{classroom.name}”." if created else f"You are in “{classroom.name}”.",
        )
        return redirect("home")
    return render(request, "instructors/join.html", {"classroom": classroom, "form": None})
