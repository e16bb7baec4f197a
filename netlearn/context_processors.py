"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest

INSTRUCTORS_GROUP = "instructors"


def is_instructor(user) -> bool:
    """Instructors are members of the group ``instructors``; superusers count too."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=INSTRUCTORS_GROUP).exists()


def request_is_instructor(request: HttpRequest) -> bool:
    """``is_instructor`` of the request's user, asked once per request (one query)."""
    if not hasattr(request, "_is_instructor"):
        user = getattr(request, "user", None)
        request._is_instructor = bool(user) and is_instructor(user)
    return request._is_instructor


def roles(request: HttpRequest) -> dict[str, bool]:
    return {"is_instructor": request_is_instructor(request)}
