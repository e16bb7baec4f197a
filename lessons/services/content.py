"""Course content: lesson files loaded (``loadlessons``) or imported, and exercises saved.

Everything is validated with the simulator before it is written (``ContentInvalid`` lists the
problems as "file: field: message"); a changed exercise gets a new ``ExerciseVersion`` so that
learners' earlier attempts keep the version they were graded against; progress and attempts are
never touched.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from lessons import exercises as ex
from lessons import lessonfile
from lessons.models import Course, Exercise, ExerciseVersion, Lesson


class ContentInvalid(Exception):
    """Lesson content failed validation; ``problems`` are "file: field: message" lines."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def save_exercise(*, lesson: Lesson, spec: dict | None) -> str:
    """Create, update or remove a lesson's exercise from its lesson-file mapping.

    The mapping is validated with the simulator (raises ``ExerciseInvalid``). A changed exercise
    gets a new version; earlier attempts keep theirs. Returns "created", "updated", "unchanged"
    or "removed". An exercise with attempts cannot be removed (``ContentInvalid``).
    """
    return _store_exercise(lesson, None if spec is None else ex.normalise_spec(spec))


def _store_exercise(lesson: Lesson, clean: dict | None) -> str:
    existing = Exercise.objects.filter(lesson=lesson).first()
    if clean is None:
        if existing is None:
            return "unchanged"
        if existing.attempts.exists():
            raise ContentInvalid(
                [f"{lesson.title}: exercise: learners have attempts on it; archive the lesson"]
            )
        existing.delete()
        return "removed"
    fields = ex.fields_from_spec(clean)
    digest = ex.content_hash(clean)
    if existing is not None and existing.content_hash == digest:
        return "unchanged"
    with transaction.atomic():
        if existing is None:
            exercise = Exercise.objects.create(lesson=lesson, content_hash=digest, **fields)
            status = "created"
        else:
            exercise = existing
            for name, value in fields.items():
                setattr(exercise, name, value)
            exercise.content_hash = digest
            latest = exercise.versions.order_by("-version").values_list("version", flat=True)
            exercise.version = max(existing.version, latest.first() or 0) + 1
            exercise.save()
            status = "updated"
        ExerciseVersion.objects.create(
            exercise=exercise, version=exercise.version, content_hash=digest, **fields
        )
    return status


def _lesson_hash(parsed: lessonfile.LessonFile, order: int) -> str:
    return ex.content_hash(
        {
            "title": parsed.title,
            "slug": parsed.slug,
            "body": parsed.body,
            "published": parsed.published,
            "order": order,
            "exercise": parsed.exercise,
        }
    )


def import_lesson(
    *,
    course: Course,
    parsed: lessonfile.LessonFile,
    order: int | None = None,
    source_path: str = "",
) -> tuple[Lesson, str]:
    """Create or update the lesson ``parsed.slug`` of ``course`` from a parsed lesson file.

    Returns (lesson, "created" | "updated" | "unchanged"); learners' progress and attempts are
    never touched. Raises ``ExerciseInvalid`` when the exercise does not validate.
    """
    clean = None if parsed.exercise is None else ex.normalise_spec(parsed.exercise)
    lesson, status, _ = _import_lesson(course, parsed, clean, order, source_path)
    return lesson, status


def _import_lesson(
    course: Course,
    parsed: lessonfile.LessonFile,
    clean: dict | None,
    order: int | None,
    source_path: str,
) -> tuple[Lesson, str, str]:
    """(lesson, its status, its exercise's status) for a lesson whose exercise is validated."""
    with transaction.atomic():
        lesson = Lesson.objects.filter(course=course, slug=parsed.slug).first()
        if order is None:
            order = lesson.order if lesson is not None else _next_order(course)
        digest = _lesson_hash(parsed, order)
        if (
            lesson is not None
            and lesson.content_hash == digest
            and lesson.archived_at is None
            and lesson.source_path == source_path
        ):
            return lesson, "unchanged", "unchanged"
        created = lesson is None
        if created:
            lesson = Lesson(course=course, slug=parsed.slug)
        lesson.title = parsed.title
        lesson.body = parsed.body
        lesson.published = parsed.published
        lesson.order = order
        lesson.source_path = source_path
        lesson.archived_at = None
        lesson.content_hash = digest
        lesson.save()
        exercise_status = _store_exercise(lesson, clean)
    return lesson, "created" if created else "updated", exercise_status


def _next_order(course: Course) -> int:
    last = course.lessons.order_by("-order").values_list("order", flat=True).first()
    return (last or 0) + 1


@dataclass
class LoadReport:
    courses: Counter = field(default_factory=Counter)
    lessons: Counter = field(default_factory=Counter)
    exercises: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        def line(name: str, counts: Counter, keys: tuple[str, ...]) -> str:
            return f"{name}: " + ", ".join(f"{counts[k]} {k}" for k in keys)

        return "\n".join(
            [
                line("Courses", self.courses, ("created", "updated", "unchanged")),
                line("Lessons", self.lessons, ("created", "updated", "unchanged", "archived")),
                line("Exercises", self.exercises, ("created", "updated", "unchanged", "removed")),
            ]
        )


@dataclass
class _CourseContent:
    folder: Path
    parsed: lessonfile.CourseFile
    # (source path, lesson, its normalised exercise or None)
    lessons: list[tuple[str, lessonfile.LessonFile, dict | None]]
    complete: bool = True  # every lesson file was read (nothing skipped)


def read_content(*, roots: list[Path], report: LoadReport) -> list[_CourseContent]:
    """Read and validate every course under ``roots`` (no database access); problems go to
    ``report.problems`` as "file: field: message"."""
    courses: list[_CourseContent] = []
    seen_courses: dict[str, Path] = {}
    for root in roots:
        if not root.is_dir():
            report.problems.append(f"{root}: not a directory")
            continue
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            if folder.name.startswith((".", "_")):
                continue
            course_file = folder / "course.yaml"
            if not course_file.is_file():
                if any(folder.glob("*.md")):
                    report.warnings.append(f"{folder}: no course.yaml, folder skipped")
                continue
            if folder.name in seen_courses:
                report.problems.append(
                    f"{folder}: the course {folder.name} is also in {seen_courses[folder.name]}"
                )
                continue
            seen_courses[folder.name] = folder
            try:
                parsed = lessonfile.parse_course(
                    course_file.read_text(encoding="utf-8"),
                    path=str(course_file),
                    slug=folder.name,
                )
            except lessonfile.LessonFileError as exc:
                report.problems.append(str(exc))
                continue
            content = _CourseContent(folder, parsed, [])
            files, others = lessonfile.lesson_files(folder)
            for other in others:
                report.warnings.append(f"{other}: not a lesson file (NN-slug.md), ignored")
            slugs: dict[str, str] = {}
            for path in files:
                try:
                    lesson = lessonfile.parse_lesson(
                        path.read_text(encoding="utf-8"),
                        path=str(path),
                        default_slug=lessonfile.slug_from_file_name(path.name),
                    )
                    if lesson.slug in slugs:
                        raise lessonfile.LessonFileError(
                            f"the slug {lesson.slug!r} is also used by {slugs[lesson.slug]}",
                            path=str(path),
                            field="slug",
                        )
                    slugs[lesson.slug] = path.name
                    clean = None
                    if lesson.exercise is not None:
                        clean = ex.normalise_spec(lesson.exercise)
                except ex.ExerciseInvalid as exc:
                    report.problems += [f"{path}: {p}" for p in exc.problems]
                    content.complete = False
                    continue
                except (lessonfile.LessonFileError, UnicodeDecodeError) as exc:
                    report.problems.append(
                        str(exc)
                        if isinstance(exc, lessonfile.LessonFileError)
                        else f"{path}: {exc}"
                    )
                    content.complete = False
                    continue
                content.lessons.append((f"{folder.name}/{path.name}", lesson, clean))
            courses.append(content)
    return courses


def load_content(*, roots: list[Path], skip_invalid: bool = False) -> LoadReport:
    """Load course folders into the database, idempotently (see DESIGN.md).

    Everything is validated before anything is written: with invalid content nothing changes and
    ``ContentInvalid`` is raised, unless ``skip_invalid`` (then the valid lessons load and the
    report lists the problems). Lessons whose file is gone are archived; progress and attempts
    are never touched.
    """
    report = LoadReport()
    courses = read_content(roots=roots, report=report)
    if report.problems and not skip_invalid:
        raise ContentInvalid(report.problems)
    try:
        _write_content(courses, report)
    except IntegrityError:
        # Another loadlessons (a second container starting) created the same rows first; what
        # it committed is what we were about to write, so a second pass finds it.
        for counts in (report.courses, report.lessons, report.exercises):
            counts.clear()
        _write_content(courses, report)
    return report


def _write_content(courses: list[_CourseContent], report: LoadReport) -> None:
    with transaction.atomic():
        for position, content in enumerate(courses, start=1):
            _load_course(content, position, report)


def _load_course(content: _CourseContent, position: int, report: LoadReport) -> None:
    parsed = content.parsed
    order = parsed.order if parsed.order is not None else position
    digest = ex.content_hash(
        {
            "title": parsed.title,
            "description": parsed.description,
            "order": order,
            "published": parsed.published,
        }
    )
    course = Course.objects.filter(slug=parsed.slug).first()
    if course is None:
        course = Course.objects.create(
            slug=parsed.slug,
            title=parsed.title,
            description=parsed.description,
            order=order,
            published=parsed.published,
            source_path=parsed.slug,
            content_hash=digest,
        )
        report.courses["created"] += 1
    elif course.content_hash != digest or course.source_path != parsed.slug:
        course.title, course.description = parsed.title, parsed.description
        course.order, course.published = order, parsed.published
        course.source_path, course.content_hash = parsed.slug, digest
        course.save()
        report.courses["updated"] += 1
    else:
        report.courses["unchanged"] += 1

    loaded = set()
    for index, (source_path, lesson_file, clean) in enumerate(content.lessons, start=1):
        _lesson, status, exercise_status = _import_lesson(
            course, lesson_file, clean, index, source_path
        )
        report.lessons[status] += 1
        if lesson_file.exercise is not None or exercise_status == "removed":
            report.exercises[exercise_status] += 1
        loaded.add(source_path)
    if content.complete:
        gone = course.lessons.filter(archived_at__isnull=True).exclude(source_path="")
        report.lessons["archived"] += gone.exclude(source_path__in=loaded).update(
            archived_at=timezone.now(), updated_at=timezone.now()
        )
