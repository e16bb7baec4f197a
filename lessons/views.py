"""The learner's pages: courses, a lesson with its exercise, and their progress.

Every view works as a plain page with links and form posts; with htmx the same URLs answer with
the page's named partials (``lessons/lesson.html#terminal-entry`` ...) and out-of-band updates
of the diagram, the progress bar and the hints. Every lookup of learner data goes through
``request.user``: no URL names a workspace or an attempt, so nobody can reach another learner's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh, reswap

from lessons import kinds, selectors
from lessons.exercises import SubmissionError
from lessons.kinds.base import ExerciseForm
from lessons.kinds.network import page_diagram
from lessons.models import Attempt, Exercise, Lesson
from lessons.services import grading, terminal
from netlearn.ratelimit import rate_limited
from netlearn.sim.limits import MAX_LINE

PAGE = "lessons/lesson.html"
CLEAR_COMMANDS = {"clear", "reset"}  # terminal commands handled by the page, not the simulator
HINTS_PREFIX = "lessons:hints:"  # the session keys of the hints a learner revealed


# -- lookups (always through request.user) ------------------------------------------------------


def _get_lesson(course_slug: str, lesson_slug: str) -> Lesson:
    """A lesson a learner may open, with its course and exercise (404 otherwise)."""
    return selectors.visible_lesson(course_slug, lesson_slug)


def _get_exercise(lesson: Lesson) -> Exercise | None:
    try:
        return lesson.exercise  # fetched with the lesson, which its .lesson points back to
    except Exercise.DoesNotExist:
        return None


def _exercise_or_404(lesson: Lesson, *, terminal: bool = False) -> Exercise:
    """The lesson's exercise (404 without one, or, with ``terminal``, without a terminal)."""
    exercise = _get_exercise(lesson)
    if exercise is None or (terminal and not kinds.get_kind(exercise.kind).terminal):
        raise Http404("This lesson has no such exercise.")
    return exercise


def _lesson_urls(lesson: Lesson) -> dict[str, str]:
    args = (lesson.course.slug, lesson.slug)
    return {
        "lesson": reverse("lesson", args=args),
        **{
            name: reverse(f"lesson_{name}", args=args)
            for name in ("command", "check", "hint", "reset")
        },
    }


def _hint_key(exercise: Exercise) -> str:
    return f"{HINTS_PREFIX}{exercise.pk}"


# -- the lesson page's context --------------------------------------------------------------------


@dataclass
class _Page:
    """Everything the lesson page and its partials show; views fill in what they changed."""

    request: HttpRequest
    lesson: Lesson
    exercise: Exercise | None
    extra: dict

    def context(self) -> dict[str, Any]:
        request, lesson, exercise = self.request, self.lesson, self.exercise
        learner = request.user
        course_progress = selectors.progress_for_course(learner=learner, course=lesson.course)
        lessons = [item.lesson for item in course_progress.lessons]
        position = next((i for i, item in enumerate(lessons) if item.pk == lesson.pk), None)
        next_lesson = (
            lessons[position + 1]
            if position is not None and position + 1 < len(lessons)
            else course_progress.next_lesson
        )
        if next_lesson is not None and next_lesson.pk == lesson.pk:
            next_lesson = None
        ctx: dict[str, Any] = {
            "course": lesson.course,
            "lesson": lesson,
            "exercise": exercise,
            "course_progress": course_progress,
            "next_lesson": next_lesson,
            "urls": _lesson_urls(lesson),
            "max_line": MAX_LINE,
        }
        if exercise is not None:
            ctx.update(self._exercise_context(exercise))
        ctx.update(self.extra)
        return ctx

    def _exercise_context(self, exercise: Exercise) -> dict[str, Any]:
        request, learner = self.request, self.request.user
        spec = exercise.spec()
        view = selectors.workspace_view(learner=learner, exercise=exercise)
        attempt = self.extra.get("attempt", None)
        if "attempt" not in self.extra:
            attempt = selectors.latest_attempt(learner=learner, exercise=exercise)
        ctx: dict[str, Any] = {
            "outdated": view.outdated,
            "attempt": attempt,
        }
        hints = [str(h) for h in (exercise.hints or [])]
        shown = min(int(request.session.get(_hint_key(exercise), 0) or 0), len(hints))
        failed = attempt is not None and not attempt.passed
        ctx.update(
            hints_available=bool(hints) and failed,
            shown_hints=hints[:shown] if failed else [],  # Markdown, rendered by the template
            more_hints=failed and shown < len(hints),
        )
        # The kind's part of the page: its template and what that shows.
        kind = kinds.get_kind(exercise.kind)
        ctx["exercise_template"] = kind.template
        host = request.GET.get("host") or ""
        ctx.update(kind.page_context(spec=spec, view=view, host=host, extra=self.extra))
        return ctx


def _render_page(request: HttpRequest, lesson: Lesson, exercise: Exercise | None, **extra):
    return render(request, PAGE, _Page(request, lesson, exercise, extra).context())


def _render_partials(
    request: HttpRequest, lesson: Lesson, exercise: Exercise | None, names: list[str], **extra
) -> HttpResponse:
    """Several partials of the lesson page in one response (the first is the swap target,
    the others carry hx-swap-oob)."""
    ctx = _Page(request, lesson, exercise, extra).context()
    html = "".join(
        render_to_string(f"{PAGE}#{name}", {**ctx, "oob": index > 0}, request=request)
        for index, name in enumerate(names)
    )
    return HttpResponse(html)


# -- views ----------------------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The courses and their lessons; a learner also sees their status and a way to continue."""
    courses = selectors.course_list_with_progress(learner=request.user)
    return render(request, "lessons/home.html", {"courses": courses})


@login_required
@require_GET
def my_progress(request: HttpRequest) -> HttpResponse:
    courses = selectors.course_list_with_progress(learner=request.user)
    return render(request, "lessons/progress.html", {"courses": courses})


@login_required
@require_GET
def lesson(request: HttpRequest, course_slug: str, lesson_slug: str) -> HttpResponse:
    lesson = _get_lesson(course_slug, lesson_slug)
    return _render_page(request, lesson, _get_exercise(lesson))


@login_required
@rate_limited(key="commands", rate="120/m")
@require_POST
def command(request: HttpRequest, course_slug: str, lesson_slug: str) -> HttpResponse:
    """Run one terminal line (lessons/services/terminal.py); htmx appends its output to the log
    and redraws the diagram when the network or the drawn path changed."""
    lesson = _get_lesson(course_slug, lesson_slug)
    exercise = _exercise_or_404(lesson, terminal=True)
    host = request.POST.get("host", "")
    line = request.POST.get("line", "")

    def lesson_url() -> str:  # for the answers without JavaScript only
        return _lesson_urls(lesson)["lesson"] + f"?host={host}#terminal-heading"

    if line.strip() in CLEAR_COMMANDS:
        terminal.clear_terminal(learner=request.user, exercise=exercise)
        if request.htmx:
            return reswap(HttpResponse(""), "innerHTML")
        return redirect(lesson_url(), permanent=False)

    try:
        outcome = terminal.run_command(
            learner=request.user, exercise=exercise, host=host, line=line
        )
    except terminal.WorkspaceError as exc:
        if request.htmx:
            entry = {"host": host, "command": line, "output": f"{exc}\n", "status": 1}
            return HttpResponse(render_to_string(f"{PAGE}#terminal-entry", {"entry": entry}))
        return _render_page(request, lesson, exercise, command_error=str(exc))
    if not request.htmx:
        return redirect(lesson_url(), permanent=False)
    if outcome.replayed:  # the exercise changed and the whole log was run again: reload
        return HttpResponseClientRefresh()
    # Only the new entry and the redrawn diagram: no need for the rest of the page's data.
    entry = render_to_string(f"{PAGE}#terminal-entry", {"entry": outcome.entry})
    if outcome.path is None and not outcome.redraw:  # the diagram on screen is still right
        return HttpResponse(entry)
    diagram = render_to_string(
        f"{PAGE}#diagram", {"diagram": page_diagram(outcome.network, outcome.path), "oob": True}
    )
    return HttpResponse(entry + diagram)


@login_required
@rate_limited(key="checks", rate="30/m")
@require_POST
def check(request: HttpRequest, course_slug: str, lesson_slug: str) -> HttpResponse:
    """ "Check my work": grade the terminal or the posted form; "Add route"/"Add record" post
    here too (a blank row is added and nothing is graded)."""
    lesson = _get_lesson(course_slug, lesson_slug)
    exercise = _exercise_or_404(lesson)
    learner = request.user
    extra: dict[str, Any] = {}
    # The kind reads its own form from the post (None: a terminal, graded as it is).
    form = kinds.get_kind(exercise.kind).bound_form(exercise.spec(), request.POST)

    if form is None:
        attempt = grading.attempt_grade(learner=learner, exercise=exercise)
    else:
        extra.update(form.context)
        if form.add_row:
            if request.htmx:
                return _render_partials(request, lesson, exercise, [form.rows_partial], **extra)
            return _render_page(request, lesson, exercise, **extra)
        if not form.is_valid():
            return _form_problem(request, lesson, exercise, form, extra)
        try:
            attempt = grading.attempt_grade(
                learner=learner, exercise=exercise, submission=form.submission()
            )
        except SubmissionError as exc:
            extra.update(form.attach_errors(exc.errors))
            return _form_problem(request, lesson, exercise, form, extra)

    if attempt.passed:
        request.session.pop(_hint_key(exercise), None)
    if not request.htmx:
        return redirect(_lesson_urls(lesson)["lesson"] + "#check-results", permanent=False)
    extra["attempt"] = attempt
    names = ["check-results", "progress", "hints", *(form.oob_partials if form else ())]
    return _render_partials(request, lesson, exercise, names, **extra)


def _form_problem(
    request: HttpRequest, lesson: Lesson, exercise: Exercise, form: ExerciseForm, extra: dict
) -> HttpResponse:
    """A form that cannot be graded (a bad answer, rows that cannot be applied: each error
    beside its row): nothing graded, the form's message in the results."""
    extra.setdefault("submission_error", form.invalid_message)
    if form.clear_results_when_invalid:
        extra["attempt"] = None
    if request.htmx:
        names = ["check-results", *form.oob_partials]
        return _render_partials(request, lesson, exercise, names, **extra)
    return _render_page(request, lesson, exercise, **extra)


@login_required
@require_POST
def hint(request: HttpRequest, course_slug: str, lesson_slug: str) -> HttpResponse:
    """Reveal the next hint (hints open one at a time, after a failed check)."""
    lesson = _get_lesson(course_slug, lesson_slug)
    exercise = _exercise_or_404(lesson)
    attempt = Attempt.objects.filter(learner=request.user, exercise=exercise).first()
    if attempt is not None and not attempt.passed:
        key = _hint_key(exercise)
        request.session[key] = min(
            int(request.session.get(key, 0) or 0) + 1, len(exercise.hints or [])
        )
    if request.htmx:
        return _render_partials(request, lesson, exercise, ["hints"], attempt=attempt)
    return redirect(_lesson_urls(lesson)["lesson"] + "#hints", permanent=False)


@login_required
@require_http_methods(["GET", "POST"])
def reset(request: HttpRequest, course_slug: str, lesson_slug: str) -> HttpResponse:
    """GET: "Start over?" (the confirmation step without JavaScript); POST: start over."""
    lesson = _get_lesson(course_slug, lesson_slug)
    exercise = _exercise_or_404(lesson)
    urls = _lesson_urls(lesson)
    if request.method == "GET":
        return render(
            request,
            "lessons/reset_confirm.html",
            {"course": lesson.course, "lesson": lesson, "urls": urls},
        )
    terminal.reset_workspace(learner=request.user, exercise=exercise)
    request.session.pop(_hint_key(exercise), None)
    if request.htmx:
        return HttpResponseClientRedirect(urls["lesson"])
    return redirect(urls["lesson"], permanent=False)
