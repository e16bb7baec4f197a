"""Every write of the instructor flow: lessons from the editor, their order, drafts, classes
and memberships, resetting a learner's exercise (imports: importing.py; sharing: sharing.py).

Exercises go through the lessons app's ``content.save_exercise`` (validation by the simulator, a new
``ExerciseVersion`` when a published exercise changes; earlier attempts keep theirs and progress
never goes backwards). Deleting a lesson archives it (``archive_lesson``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from instructors import exercisetext
from instructors.models import Classroom, LessonDraft, Membership
from lessons import exercises as ex
from lessons.models import Course, Exercise, Lesson
from lessons.services import content, terminal

JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in class
JOIN_CODE_LENGTH = 8


class AuthoringError(Exception):
    """Something the editor cannot save; ``problems`` are sentences (with their field)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass
class SavedLesson:
    lesson: Lesson
    exercise_status: str  # created / updated / unchanged / removed / draft
    problems: list[str] = field(default_factory=list)  # why the exercise stayed a draft

    @property
    def new_version(self) -> bool:
        return self.exercise_status == "updated"


def _next_order(course: Course) -> int:
    last = course.lessons.order_by("-order").values_list("order", flat=True).first()
    return (last or 0) + 1


def save_lesson(
    *,
    author,
    lesson: Lesson | None,
    course: Course,
    title: str,
    slug: str,
    body: str,
    exercise: dict | None,
    exercise_yaml: str,
    published: bool,
    yaml_error: str = "",
) -> SavedLesson:
    """Create or update a lesson from the editor.

    A valid exercise is stored (a changed one gets a new version). An invalid one (or YAML that
    does not parse: ``yaml_error``) cannot be published: with ``published`` it raises
    ``AuthoringError``; otherwise the lesson is saved unpublished and the exercise text is kept
    in the author's draft, to be fixed later.
    """
    problems = [yaml_error] if yaml_error else []
    if not problems and exercise is not None:
        problems = [str(p) for p in ex.validate_exercise(exercise)]
    if problems and published:
        raise AuthoringError(["An invalid exercise cannot be published.", *problems])
    clash = Lesson.objects.filter(course=course, slug=slug)
    if lesson is not None:
        clash = clash.exclude(pk=lesson.pk)
    if clash.exists():
        raise AuthoringError([f"slug: the course already has a lesson {slug!r}"])
    # As a lesson file writes it: ending with a newline (so an export loads back the same).
    body = body.rstrip() + "\n" if body.strip() else ""
    with transaction.atomic():
        if lesson is None:
            lesson = Lesson(course=course, slug=slug, order=_next_order(course))
        elif lesson.course_id != course.pk:
            lesson.course, lesson.order = course, _next_order(course)
        lesson.slug, lesson.title, lesson.body = slug, title, body
        lesson.published = published
        lesson.save()
        if problems:
            LessonDraft.objects.update_or_create(
                author=author,
                lesson=lesson,
                defaults={
                    "course": course,
                    "title": title,
                    "body": body,
                    "exercise_yaml": exercise_yaml,
                    "published": False,
                },
            )
            return SavedLesson(lesson, "draft", problems)
        try:
            status = content.save_exercise(lesson=lesson, spec=exercise)
        except content.ContentInvalid as exc:
            raise AuthoringError(exc.problems) from None
        if exercise is not None:  # the text as typed, beside what it was parsed into
            exercisetext.keep(lesson=lesson, text=exercise_yaml)
        LessonDraft.objects.filter(author=author, lesson=lesson).delete()
    return SavedLesson(lesson, status)


def autosave_draft(
    *,
    author,
    draft: LessonDraft | None,
    lesson: Lesson | None,
    course: Course | None,
    title: str,
    body: str,
    exercise_yaml: str,
    published: bool,
) -> LessonDraft:
    """Keep what the instructor typed so far (nothing is validated or published)."""
    if draft is None and lesson is not None:
        draft = LessonDraft.objects.filter(author=author, lesson=lesson).first()
    if draft is None:
        draft = LessonDraft(author=author, lesson=lesson)
    draft.course, draft.title, draft.body = course, title[:200], body
    draft.exercise_yaml, draft.published = exercise_yaml, published
    draft.save()
    return draft


def discard_draft(*, draft: LessonDraft) -> None:
    draft.delete()


def move_lesson(*, lesson: Lesson, direction: str) -> None:
    """Swap a lesson with its neighbour among the course's live lessons ("up" or "down");
    orders are renumbered 1..n on the way."""
    with transaction.atomic():
        lessons = list(
            Lesson.objects.live()
            .select_for_update()
            .filter(course_id=lesson.course_id)
            .order_by("order", "slug")
        )
        index = next(i for i, item in enumerate(lessons) if item.pk == lesson.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(lessons):
            lessons[index], lessons[other] = lessons[other], lessons[index]
        for position, item in enumerate(lessons, start=1):
            if item.order != position:
                Lesson.objects.filter(pk=item.pk).update(order=position)


def archive_lesson(*, lesson: Lesson) -> Lesson:
    """ "Delete" a lesson: learners no longer see it; attempts and progress are kept."""
    if lesson.archived_at is None:
        lesson.archived_at = timezone.now()
        lesson.save(update_fields=["archived_at", "updated_at"])
    return lesson


def restore_lesson(*, lesson: Lesson) -> Lesson:
    if lesson.archived_at is not None:
        lesson.archived_at = None
        lesson.save(update_fields=["archived_at", "updated_at"])
    return lesson


# -- classes ---------------------------------------------------------------------------------------


def new_join_code() -> str:
    """A join code no class has yet (8 characters of 32: collisions are rare, but checked)."""
    while True:
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        if not Classroom.objects.filter(code=code).exists():
            return code


def create_classroom(*, instructor, course: Course, name: str) -> Classroom:
    return Classroom.objects.create(
        instructor=instructor, course=course, name=name, code=new_join_code()
    )


def join_classroom(*, learner, classroom: Classroom) -> tuple[Membership, bool]:
    return Membership.objects.get_or_create(classroom=classroom, learner=learner)


def reset_learner_exercise(*, learner, exercise: Exercise) -> None:
    """Start a learner's exercise over for them (their terminal and form rows); attempts and
    progress are kept, as when they press "Reset exercise" themselves."""
    terminal.reset_workspace(learner=learner, exercise=exercise)
