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


def roles(request: HttpRequest) -> dict[str, bool]:
    user = getattr(request, "user", None)
    return {"is_instructor": bool(user) and is_instructor(user)}
