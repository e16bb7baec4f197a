"""The owner's side of sharing: invite (or remove) a course's editors and a class's
co-instructors by username, from the course's and the class's page.

An instructor who cannot see the course or class gets 404 (tenancy); one who sees it without
owning it (an editor, a co-instructor) gets 403: they know it exists, they may not share it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from instructors import sharing, tenancy
from instructors.forms import UsernameForm
from instructors.permissions import instructor_required
from instructors.views import _pk


def _share(request: HttpRequest, *, add, remove) -> None:
    """Add the posted username, or remove the posted ``remove`` id; say what happened."""
    if (user_pk := _pk(request.POST.get("remove"))) is not None:
        remove(user_pk)
        messages.success(request, "Removed.")
        return
    form = UsernameForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Type the username of the instructor to invite.")
        return
    try:
        user = add(form.cleaned_data["username"])
    except sharing.SharingError as exc:
        messages.error(request, str(exc))
        return
    messages.success(request, f"{user.get_username()} added.")


@instructor_required
@require_POST
def course_editors(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = tenancy.course_for_author(request.user, course_pk)
    if not tenancy.can_manage_editors(request.user, course):
        raise PermissionDenied("Only the course's owner can invite or remove editors.")
    _share(
        request,
        add=lambda username: sharing.add_editor(course=course, username=username),
        remove=lambda pk: sharing.remove_editor(course=course, user_pk=pk),
    )
    return redirect("instructors:course", course_pk=course.pk)


@instructor_required
@require_POST
def class_instructors(request: HttpRequest, class_pk: int) -> HttpResponse:
    classroom = tenancy.class_for(request.user, class_pk)
    if not tenancy.can_manage_class(request.user, classroom):
        raise PermissionDenied("Only the class's owner can invite or remove co-instructors.")
    _share(
        request,
        add=lambda username: sharing.add_co_instructor(classroom=classroom, username=username),
        remove=lambda pk: sharing.remove_co_instructor(classroom=classroom, user_pk=pk),
    )
    return redirect("instructors:class", class_pk=classroom.pk)
