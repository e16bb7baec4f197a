"""The editor's Preview, runnable: the lesson as a learner sees it, with the unsaved exercise's
terminal or form, and Check on its goals (instructors/preview.py keeps the state in the
session). The editor's helpers live here too: starter templates, copying an exercise, and the
format documentation as a page.

Like the learner's lesson page, every view works without JavaScript (a command or a check
answers with the preview page itself); with htmx the same URLs answer with the partials of
``lessons/lesson.html`` (a terminal entry, the diagram, the check results).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap

from instructors import preview, starters
from instructors.permissions import instructor_required
from lessons.kinds.base import SubmissionError
from lessons.kinds.network import page_diagram
from lessons.markdown import render_markdown
from lessons.services import terminal
from netlearn.ratelimit import rate_limited
from netlearn.sim import Network, SimError
from netlearn.sim.limits import MAX_LINE

PAGE = "instructors/preview.html"
LESSON = "lessons/lesson.html"
CLEAR_COMMANDS = {"clear", "reset"}
# The format documentation shown beside the Exercise box, as pages (docs/ in the repository).
HELP_PAGES = {
    "lesson-files": ("Lesson files and exercises", "lesson-files.md"),
    "scenarios": ("Scenarios: the network of an exercise", "scenarios.md"),
}


@dataclass
class _View:
    """What a kind's ``page_context`` reads of a workspace, for the preview's state."""

    log: list[dict]
    network: Network | None
    path: dict | None = None  # the last ping's packets, for the diagram
    rows: dict = field(default_factory=dict)  # a form kind's saved rows (none in a preview)
    outdated: bool = False

    @property
    def hosts(self) -> list[str]:
        return list(self.network.hosts) if self.network is not None else []


def _urls() -> dict[str, str]:
    return {
        "lesson": reverse("instructors:preview_show"),
        "command": reverse("instructors:preview_command"),
        "check": reverse("instructors:preview_check"),
    }


def learner_view(request: HttpRequest, item: preview.Preview, **extra: Any) -> dict[str, Any]:
    """The context of ``preview.html#learner-view``: what the lesson page would show a
    learner who has just opened the lesson (or done what the author did in the preview)."""
    ctx: dict[str, Any] = {
        "preview": item,
        "body_html": render_markdown(item.body),
        "urls": _urls(),
        "max_line": MAX_LINE,
        "course": None,
        "next_lesson": None,
    }
    if item.spec is not None:
        kind = item.kind
        view = _View(item.log, item.live_network(), path=item.path or None)
        host = request.GET.get("host") or ""
        ctx.update(
            exercise=True,
            prompt_html=render_markdown(str(item.spec.get("prompt", ""))),
            exercise_template=kind.template,
            **kind.page_context(spec=item.spec, view=view, host=host, extra=extra),
        )
        attempt = extra.get("attempt")
        hints = [str(h) for h in item.spec.get("hints") or []]
        failed = attempt is not None and not attempt.passed
        # Every hint at once after a failed check (a learner opens them one at a time).
        ctx.update(
            hints_available=bool(hints) and failed,
            shown_hints=[render_markdown(h) for h in hints] if failed else [],
            more_hints=False,
        )
    ctx.update(extra)
    return ctx


def _current_or_404(request: HttpRequest) -> preview.Preview:
    item = preview.current(request.session)
    if item is None:
        raise Http404("No preview yet: press Preview in the lesson editor.")
    return item


@instructor_required
@require_GET
def preview_show(request: HttpRequest) -> HttpResponse:
    """The preview as a page of its own (where a command or a check lands without JS)."""
    item = _current_or_404(request)
    return render(request, PAGE, learner_view(request, item))


@instructor_required
@rate_limited(key="commands", rate="120/m")
@require_POST
def preview_command(request: HttpRequest) -> HttpResponse:
    """Run one line in the preview's terminal (the unsaved scenario's network)."""
    host, line = request.POST.get("host", ""), request.POST.get("line", "")
    back = reverse("instructors:preview_show") + f"?{urlencode({'host': host})}#terminal-heading"
    if line.strip() in CLEAR_COMMANDS:
        preview.clear(request.session)
        return reswap(HttpResponse(""), "innerHTML") if request.htmx else redirect(back)
    try:
        entry, net, trace = preview.run_command(request.session, host=host, line=line)
    except preview.PreviewError as exc:
        if not request.htmx:
            item = _current_or_404(request)
            return render(request, PAGE, learner_view(request, item, command_error=str(exc)))
        entry = {"host": host, "command": line, "output": f"{exc}\n", "status": 1}
        return HttpResponse(render_to_string(f"{LESSON}#terminal-entry", {"entry": entry}))
    path = terminal.path_of(line, trace)
    if path is not None:
        preview.remember_path(request.session, path)
    if not request.htmx:
        return redirect(back)
    html = render_to_string(f"{LESSON}#terminal-entry", {"entry": entry})
    diagram = {"diagram": page_diagram(net, path), "oob": True}
    return HttpResponse(html + render_to_string(f"{LESSON}#diagram", diagram))


@instructor_required
@rate_limited(key="checks", rate="30/m")
@require_POST
def preview_check(request: HttpRequest) -> HttpResponse:
    """Check the preview: the unsaved exercise's goals on the terminal or the posted form."""
    item = _current_or_404(request)
    if item.spec is None:
        raise Http404("This preview has no exercise to check.")
    extra: dict[str, Any] = {}
    form = item.kind.bound_form(item.spec, request.POST)
    try:
        if form is None:
            extra["attempt"] = preview.grade(item)
        else:
            extra.update(form.context)
            if form.add_row:
                return _answer(request, item, [form.rows_partial], extra)
            if not form.is_valid():
                extra["submission_error"] = form.invalid_message
                return _answer(request, item, ["check-results", *form.oob_partials], extra)
            extra["attempt"] = preview.grade(item, submission=form.submission())
    except SubmissionError as exc:
        extra.update(form.attach_errors(exc.errors))
        extra.setdefault("submission_error", form.invalid_message)
    except (preview.PreviewError, SimError) as exc:
        extra["submission_error"] = str(exc)
    names = ["check-results", "hints", *(form.oob_partials if form else ())]
    return _answer(request, item, names, extra)


def _answer(request: HttpRequest, item: preview.Preview, names: list[str], extra: dict):
    """The partials (the first is the swap target, the others out of band), or the whole
    preview page without htmx."""
    ctx = learner_view(request, item, **extra)
    if not request.htmx:
        return render(request, PAGE, ctx)
    html = "".join(
        render_to_string(f"{LESSON}#{name}", {**ctx, "oob": index > 0}, request=request)
        for index, name in enumerate(names)
    )
    return HttpResponse(html)


# -- the editor's helpers ----------------------------------------------------------------------


@instructor_required
@require_GET
def exercise_source(request: HttpRequest, lesson_pk: int) -> HttpResponse:
    """A lesson's exercise as its author typed it, for "Copy an existing exercise" (404 for a
    lesson this instructor may not author)."""
    text = starters.exercise_text_to_copy(request.user, lesson_pk)
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


@instructor_required
@require_GET
def format_help(request: HttpRequest, name: str) -> HttpResponse:
    """The format documentation (docs/lesson-files.md, docs/scenarios.md) as a page."""
    if name not in HELP_PAGES:
        raise Http404("No such help page.")
    title, file_name = HELP_PAGES[name]
    path = Path(settings.BASE_DIR) / "docs" / file_name
    if not path.is_file():
        raise Http404("The documentation is not installed here.")
    text = path.read_text(encoding="utf-8")
    for other, (_, other_file) in HELP_PAGES.items():  # links between the pages stay in-app
        url = reverse("instructors:format_help", args=[other])
        for written in (f"]({other_file}", f"](docs/{other_file}"):
            text = text.replace(written, f"]({url}")
    return render(
        request,
        "instructors/help.html",
        {"title": title, "html": render_markdown(text), "pages": HELP_PAGES},
    )
