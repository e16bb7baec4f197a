"""Importing lesson files and course zips: upload, preview what would change, confirm.

An upload that changes no existing content is imported at once; one that would is previewed
(instructors/importing.py) and waits for the instructor's confirmation. Every problem with the
file is shown on the page, naming the file or zip member and the reason.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from instructors import importing, tenancy
from instructors.forms import ImportForm
from instructors.permissions import instructor_required

PAGE = "instructors/import.html"
PREVIEW = "instructors/import_preview.html"


def _done(request: HttpRequest, plan: importing.ImportPlan) -> HttpResponse:
    for warning in plan.warnings:
        messages.warning(request, warning)
    messages.success(request, f"Imported {plan.name}: {plan.summary()}.")
    if plan.lesson_pk is not None:
        return redirect("instructors:lesson_edit", lesson_pk=plan.lesson_pk)
    return redirect("instructors:dashboard")


def _preview(request: HttpRequest, plan: importing.ImportPlan, *, changed: bool = False):
    return render(request, PREVIEW, {"plan": plan, "changed_since": changed})


@instructor_required
@require_http_methods(["GET", "POST"])
def import_content(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    form.fields["course"].queryset = tenancy.authored_courses(request.user)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        upload = importing.Upload(file.name, file.read(), form.cleaned_data["course"])
        try:
            plan, applied = importing.import_upload(request.user, upload)
        except importing.ImportRefused as exc:
            problems = exc.problems
        else:
            if applied:
                return _done(request, plan)
            importing.keep_pending(request.user, upload, plan)
            return _preview(request, plan)
    return render(request, PAGE, {"form": form, "problems": problems})


@instructor_required
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    """Apply the previewed import (or cancel it). Only the importer's own pending import is
    ever found; a stale or missing one sends them back to upload the file again."""
    pending = importing.pending_of(request.user)
    if pending is None:
        messages.info(request, "That import is no longer waiting: upload the file again.")
        return redirect("instructors:import")
    if request.POST.get("action") != "apply":
        pending.delete()
        messages.info(request, f"Import of {pending.name} cancelled: nothing changed.")
        return redirect("instructors:import")
    upload = importing.upload_of(pending)
    try:
        plan, applied = importing.import_upload(request.user, upload, confirmed=pending.plan)
    except importing.ImportRefused as exc:
        pending.delete()
        form = ImportForm()
        form.fields["course"].queryset = tenancy.authored_courses(request.user)
        return render(request, PAGE, {"form": form, "problems": exc.problems})
    if not applied:  # the content changed since the preview: show what would happen now
        pending.plan = plan.digest
        pending.save(update_fields=["plan"])
        return _preview(request, plan, changed=True)
    pending.delete()
    return _done(request, plan)
