"""Importing a lesson file or a course zip without surprises.

An import never renames, rewrites or archives content silently:

- a course that exists and that the importer does not author is refused (they are told to give
  their copy another slug), whoever owns it;
- an import that would change existing content (a course's title or settings, its lessons
  updated, archived, restored or reordered) is first *previewed*: the instructor sees each change
  and confirms (``PendingImport`` keeps the file meanwhile);
- a confirmation applies exactly what was previewed: if the content changed in between, the
  new changes are previewed instead.

The changes are found by running the import for real inside a transaction and comparing the
courses before and after (then rolling back when the instructor has to confirm first), so the
preview is what ``lessons.services.content.load_content`` and ``import_lesson`` do, not a second
implementation of their rules. Courses an import creates belong to the importer.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

from django.db import DatabaseError, transaction
from django.utils.text import slugify

from instructors import exercisetext, tenancy, ziparchive
from instructors.models import PendingImport
from lessons import exercises as ex
from lessons import lessonfile
from lessons.models import Course, Lesson
from lessons.services import content as lesson_services


class ImportRefused(Exception):
    """Nothing was imported; ``problems`` are sentences naming the file and the reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes
    course: Course | None = None  # the course a lesson file goes into

    @property
    def is_zip(self) -> bool:
        return self.name.lower().endswith(".zip")


@dataclass
class LessonChange:
    slug: str
    title: str
    change: str  # added / updated / archived / restored
    details: list[str] = field(default_factory=list)


@dataclass
class CourseChange:
    slug: str
    title: str
    new: bool
    details: list[str] = field(default_factory=list)  # the course's own fields
    lessons: list[LessonChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.new or self.details or self.lessons)


@dataclass
class ImportPlan:
    name: str
    courses: list[CourseChange] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    lesson_pk: int | None = None  # the lesson a lesson file created or updated

    @property
    def needs_confirmation(self) -> bool:
        """Whether existing content would change: a zip over an existing course, or a lesson
        file over an existing lesson."""
        for course in self.courses:
            if course.new:
                continue
            if course.details or any(item.change != "added" for item in course.lessons):
                return True
            if course.lessons and self.name.lower().endswith(".zip"):
                return True
        return False

    @property
    def digest(self) -> str:
        data = [asdict(course) for course in self.courses]
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for course in self.courses:
            for item in course.lessons:
                counts[item.change] = counts.get(item.change, 0) + 1
        new = sum(course.new for course in self.courses)
        parts = [f"{new} course{'' if new == 1 else 's'} created"] if new else []
        parts += [f"{n} lesson{'' if n == 1 else 's'} {change}" for change, n in counts.items()]
        return ", ".join(parts) or "nothing changed"


# -- what changed ----------------------------------------------------------------------------------


def _state(slugs: list[str]) -> dict[str, dict]:
    """What a preview compares, per course slug: the course's fields and each lesson's."""
    states: dict[str, dict] = {}
    courses = Course.objects.filter(slug__in=slugs)
    lessons = Lesson.objects.filter(course__in=courses).select_related("exercise", "course")
    for course in courses:
        states[course.slug] = {"course": course, "lessons": {}}
    for lesson in lessons:
        exercise = getattr(lesson, "exercise", None)
        states[lesson.course.slug]["lessons"][lesson.slug] = {
            "title": lesson.title,
            "body": hashlib.sha256(lesson.body.encode()).hexdigest(),
            "published": lesson.published,
            "order": lesson.order,
            "archived": lesson.archived_at is not None,
            "exercise": exercise.content_hash if exercise is not None else None,
            "version": exercise.version if exercise is not None else None,
        }
    return states


def _course_details(before: Course, after: Course) -> list[str]:
    details = []
    if before.title != after.title:
        details.append(f"renamed from “{before.title}” to “{after.title}”")
    if before.description != after.description:
        details.append("description changed")
    if before.order != after.order:
        details.append(f"position among courses {before.order} → {after.order}")
    if before.published != after.published:
        details.append("published" if after.published else "unpublished (learners lose it)")
    return details


def _lesson_change(slug: str, old: dict | None, new: dict) -> LessonChange | None:
    if old is None:
        return LessonChange(slug, new["title"], "added")
    if old["archived"] != new["archived"]:
        return LessonChange(slug, new["title"], "archived" if new["archived"] else "restored")
    details = []
    if old["title"] != new["title"]:
        details.append(f"title “{old['title']}” → “{new['title']}”")
    if old["body"] != new["body"]:
        details.append("text changed")
    if old["exercise"] != new["exercise"]:
        if new["exercise"] is None:
            details.append("exercise removed")
        elif old["exercise"] is None:
            details.append("exercise added")
        else:
            details.append(f"exercise changed (version {old['version']} → {new['version']})")
    if old["published"] != new["published"]:
        details.append("published" if new["published"] else "made a draft (learners lose it)")
    if old["order"] != new["order"]:
        details.append(f"position {old['order']} → {new['order']}")
    return LessonChange(slug, new["title"], "updated", details) if details else None


def _changes(before: dict[str, dict], after: dict[str, dict]) -> list[CourseChange]:
    changes = []
    for slug, now in after.items():
        course = now["course"]
        old = before.get(slug)
        change = CourseChange(slug, course.title, new=old is None)
        if old is not None:
            change.details = _course_details(old["course"], course)
        old_lessons = old["lessons"] if old is not None else {}
        for lesson_slug, state in now["lessons"].items():
            item = _lesson_change(lesson_slug, old_lessons.get(lesson_slug), state)
            if item is not None:
                change.lessons.append(item)
        changes.append(change)
    return changes


# -- running an import -----------------------------------------------------------------------------


class _Rollback(Exception):
    def __init__(self, plan: ImportPlan) -> None:
        self.plan = plan


def _check_authoring(user, slugs: list[str]) -> None:
    existing = set(Course.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    mine = set(tenancy.authored_courses(user).filter(slug__in=slugs).values_list("slug", flat=True))
    refused = sorted(existing - mine)
    if refused:
        raise ImportRefused(
            [
                f"{slug}: a course with this slug already exists and you are not one of its "
                "authors, so nothing was imported. To import your copy as a new course, rename "
                "its folder in the zip (the folder's name is the course's slug)."
                for slug in refused
            ]
        )


def _run(user, upload: Upload, root: Path | None, keep: Callable[[ImportPlan], bool]):
    """Import inside one transaction; keep it when ``keep(plan)`` says so, else roll back.
    Returns (plan, kept)."""
    plan = ImportPlan(upload.name)
    try:
        with transaction.atomic():
            if root is not None:
                slugs = sorted(p.parent.name for p in root.glob("*/course.yaml"))
                _check_authoring(user, slugs)
                before = _state(slugs)
                report = lesson_services.load_content(roots=[root])
                plan.warnings += [w.replace(f"{root}/", "") for w in report.warnings]
                exercisetext.keep_from_folders([root])  # the files' text, comments and all
            else:
                slugs = [upload.course.slug]
                before = _state(slugs)
                plan.lesson_pk = _import_lesson_file(user, upload)
            plan.courses = [c for c in _changes(before, _state(slugs)) if c.changed]
            new = [course.slug for course in plan.courses if course.new]
            Course.objects.filter(slug__in=new, owner__isnull=True).update(owner=user)
            if not keep(plan):
                raise _Rollback(plan)
    except _Rollback:
        return plan, False
    except lesson_services.ContentInvalid as exc:
        prefix = f"{root}/" if root is not None else ""
        raise ImportRefused([p.replace(prefix, "") for p in exc.problems]) from None
    except DatabaseError as exc:  # a value the checks above missed: say so, never a 500
        raise ImportRefused([f"{upload.name}: the database refused it ({exc})"]) from None
    return plan, True


def _import_lesson_file(user, upload: Upload) -> int:
    course = upload.course
    if course is None or not tenancy.can_author(user, course):
        raise ImportRefused([f"{upload.name}: choose one of your courses for this lesson"])
    name = upload.name
    if b"\x00" in upload.data:
        raise ImportRefused([f"{name}: it contains NUL bytes: a lesson file is UTF-8 text"])
    try:
        text = upload.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused([f"{name}: not UTF-8 text (byte {exc.start})"]) from None
    default = lessonfile.slug_from_file_name(name) or slugify(PurePosixPath(name).stem)[:100]
    try:
        parsed = lessonfile.parse_lesson(text, path=name, default_slug=default)
        lesson, _ = lesson_services.import_lesson(course=course, parsed=parsed)
    except lessonfile.LessonFileError as exc:
        raise ImportRefused([str(exc)]) from None
    except ex.ExerciseInvalid as exc:
        raise ImportRefused([f"{name}: {p}" for p in exc.problems]) from None
    exercisetext.keep_from_file(lesson=lesson, file_text=text)
    return lesson.pk


def import_upload(user, upload: Upload, *, confirmed: str | None = None) -> tuple[ImportPlan, bool]:
    """Import ``upload`` for ``user``: (plan, applied). Applied at once when no existing content
    changes, or when ``confirmed`` is the digest of the plan it would apply now; otherwise
    nothing changes and the plan is what to preview. Raises ``ImportRefused``."""

    def keep(plan: ImportPlan) -> bool:
        if confirmed is not None:
            return plan.digest == confirmed
        return not plan.needs_confirmation

    if not upload.is_zip:
        return _run(user, upload, None, keep)
    try:
        unpacked = ziparchive.read_members(upload.name, upload.data)
    except ziparchive.ZipProblems as exc:
        raise ImportRefused(exc.problems) from None
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        try:
            ziparchive.write_tree(upload.name, unpacked, root)
        except ziparchive.ZipProblems as exc:
            raise ImportRefused(exc.problems) from None
        if not any(root.glob("*/course.yaml")):
            raise ImportRefused(
                [
                    f"{upload.name}: no course in this zip: a course is a folder with a "
                    "course.yaml and NN-slug.md lesson files (as Export writes it)"
                ]
            )
        plan, applied = _run(user, upload, root, keep)
    plan.warnings[:0] = unpacked.skipped
    return plan, applied


# -- waiting for confirmation ----------------------------------------------------------------------


def keep_pending(user, upload: Upload, plan: ImportPlan) -> PendingImport:
    """Keep the upload until its importer confirms (replacing any earlier one of theirs)."""
    pending, _ = PendingImport.objects.update_or_create(
        importer=user,
        defaults={
            "name": upload.name[:255],
            "data": upload.data,
            "course": upload.course,
            "plan": plan.digest,
        },
    )
    return pending


def pending_of(user) -> PendingImport | None:
    return PendingImport.objects.filter(importer=user).select_related("course").first()


def upload_of(pending: PendingImport) -> Upload:
    return Upload(pending.name, bytes(pending.data), pending.course)
