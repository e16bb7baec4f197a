"""Who sees and changes what among instructors: every lookup of the instructor pages goes
through here, so that another instructor's class, course, lesson or learner is *not found* (404,
the same answer as an id that does not exist: a 403 would confirm it exists).

- A **course** (and through it its lessons, their exercises, analytics and exports) is authored by
  its owner (who created or imported it) and the editors the owner invited. A course without an
  owner (the shipped course, loaded by ``loadlessons``) belongs to no instructor: its editors
  author it.
- A **class** is seen by its owner (``instructor``) and the co-instructors they invited.
- A **learner's work in a course** is seen by the course's authors (it is their content's
  record) and by the instructors of a class of that course the learner joined.
- **Staff and superusers** see and change everything (they run the site).

Any instructor may open a class on a published course (learners see it anyway); that makes
them a teacher of their class, not an author of the course.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from instructors.models import Classroom, Membership
from lessons.models import Attempt, Course, Lesson, Progress, Workspace
from netlearn.context_processors import INSTRUCTORS_GROUP


def sees_everything(user) -> bool:
    return bool(user.is_superuser or user.is_staff)


# -- courses and lessons ---------------------------------------------------------------------------


def authored_courses(user) -> QuerySet[Course]:
    """The courses ``user`` may author (edit, reorder, export, import over, see analytics of)."""
    courses = Course.objects.order_by("order", "slug")
    if sees_everything(user):
        return courses
    mine = Course.objects.filter(Q(owner=user) | Q(editors=user)).values("pk")
    return courses.filter(pk__in=mine)


def can_author(user, course: Course) -> bool:
    return authored_courses(user).filter(pk=course.pk).exists()


def can_manage_editors(user, course: Course) -> bool:
    """The owner (or staff) invites and removes editors; editors author but do not share."""
    return sees_everything(user) or (course.owner_id is not None and course.owner_id == user.pk)


def course_for_author(user, pk: int) -> Course:
    return get_object_or_404(authored_courses(user), pk=pk)


def lesson_for_author(user, pk: int, *, related: tuple[str, ...] = ("course",)) -> Lesson:
    lessons = Lesson.objects.select_related(*related)
    return get_object_or_404(lessons, pk=pk, course__in=authored_courses(user).values("pk"))


def teachable_courses(user) -> QuerySet[Course]:
    """The courses ``user`` may open a class on: theirs, and every published course."""
    if sees_everything(user):
        return Course.objects.order_by("order", "slug")
    return Course.objects.filter(
        Q(published=True) | Q(pk__in=authored_courses(user).values("pk"))
    ).order_by("order", "slug")


# -- classes ---------------------------------------------------------------------------------------


def classes_of(user) -> QuerySet[Classroom]:
    """The classes ``user`` teaches (owns or was invited to), every class for staff."""
    classes = Classroom.objects.select_related("course", "instructor")
    if sees_everything(user):
        return classes
    mine = Classroom.objects.filter(Q(instructor=user) | Q(co_instructors=user)).values("pk")
    return classes.filter(pk__in=mine)


def class_for(user, pk: int) -> Classroom:
    return get_object_or_404(classes_of(user), pk=pk)


def can_manage_class(user, classroom: Classroom) -> bool:
    """The class's owner (or staff) invites and removes co-instructors."""
    return sees_everything(user) or classroom.instructor_id == user.pk


# -- learners --------------------------------------------------------------------------------------


def gradebook_courses(user) -> QuerySet[Course]:
    """The courses whose gradebook ``user`` may open: those they author, those they teach."""
    if sees_everything(user):
        return Course.objects.order_by("order", "slug")
    taught = classes_of(user).values("course_id")
    return Course.objects.filter(
        Q(pk__in=authored_courses(user).values("pk")) | Q(pk__in=taught)
    ).order_by("order", "slug")


def gradebook_classes(user, course: Course) -> QuerySet[Classroom] | None:
    """Whose rows ``user`` sees in ``course``'s gradebook: None for everyone who worked in it
    (its authors, staff), otherwise the classes of the course they teach."""
    if can_author(user, course):
        return None
    return classes_of(user).filter(course=course)


def learner_courses(user, learner) -> QuerySet[Course]:
    """The courses in which ``user`` may see ``learner``'s work."""
    if sees_everything(user):
        return Course.objects.order_by("order", "slug")
    joined = Membership.objects.filter(
        learner=learner, classroom__in=classes_of(user).values("pk")
    ).values("classroom__course_id")
    return Course.objects.filter(
        Q(pk__in=authored_courses(user).values("pk")) | Q(pk__in=joined)
    ).order_by("order", "slug")


def learner_for(user, pk: int):
    """A learner ``user`` may see: a member of one of their classes, or someone who worked in
    a course they author (progress, an attempt or a terminal there); 404 otherwise."""
    learner = get_object_or_404(get_user_model(), pk=pk)
    if sees_everything(user) or _is_visible_learner(user, learner):
        return learner
    raise Http404("No such learner.")


def _is_visible_learner(user, learner) -> bool:
    mine = classes_of(user).values("pk")
    if Membership.objects.filter(learner=learner, classroom__in=mine).exists():
        return True
    courses = authored_courses(user).values("pk")
    return (
        Progress.objects.filter(learner=learner, lesson__course__in=courses).exists()
        or Attempt.objects.filter(learner=learner, exercise__lesson__course__in=courses).exists()
        or Workspace.objects.filter(learner=learner, exercise__lesson__course__in=courses).exists()
    )


# -- inviting --------------------------------------------------------------------------------------


def instructor_named(username: str):
    """The instructor with this username (``is_instructor``: the group, or a superuser), or
    None: a learner's name gets the same answer as an unknown one, so the form tells nothing
    about who has an account."""
    users = get_user_model().objects.filter(username=username, is_active=True)
    return users.filter(Q(groups__name=INSTRUCTORS_GROUP) | Q(is_superuser=True)).first()
