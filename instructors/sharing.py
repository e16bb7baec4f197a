"""Sharing what an instructor owns: editors of a course, co-instructors of a class.

The owner (or staff) invites another instructor by username and may remove them again; the
invited instructor then finds the course or class among theirs (instructors/tenancy.py).
"""

from __future__ import annotations

from instructors import tenancy
from instructors.models import Classroom
from lessons.models import Course


class SharingError(Exception):
    """Why an invitation cannot be made, as a sentence for the form."""


def _invitee(username: str, *, owner_pk: int | None):
    user = tenancy.instructor_named(username)
    if user is None:
        raise SharingError(f"No instructor has the username “{username}”.")
    if user.pk == owner_pk:
        raise SharingError(f"{user.get_username()} is the owner already.")
    return user


def add_editor(*, course: Course, username: str):
    editor = _invitee(username, owner_pk=course.owner_id)
    course.editors.add(editor)
    return editor


def remove_editor(*, course: Course, user_pk: int) -> None:
    course.editors.remove(*course.editors.filter(pk=user_pk))


def add_co_instructor(*, classroom: Classroom, username: str):
    co_instructor = _invitee(username, owner_pk=classroom.instructor_id)
    classroom.co_instructors.add(co_instructor)
    return co_instructor


def remove_co_instructor(*, classroom: Classroom, user_pk: int) -> None:
    classroom.co_instructors.remove(*classroom.co_instructors.filter(pk=user_pk))
