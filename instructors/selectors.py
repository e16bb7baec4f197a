"""Reads of the instructor pages: the exercise validation report, gradebooks, a learner's
attempts, misconception analytics, and a course as a zip of lesson files.

The gradebook and the analytics run a fixed number of queries whatever the number of learners.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F, QuerySet

from instructors import exercisetext, yamltext
from instructors.exercisetext import lesson_file_text
from instructors.models import Classroom, LessonDraft
from lessons import exercises as ex
from lessons import kinds, lessonfile
from lessons.models import Attempt, Course, Exercise, Lesson, Progress, Workspace
from lessons.selectors import (  # noqa: F401 (goal_failure_counts: for the views)
    GradebookRow,
    LessonProgress,
    goal_failure_counts,
)
from netlearn.sim import BudgetExceeded, budget

SORTS = {"name": "Learner name", "progress": "Progress"}

# -- validation report ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportProblem:
    path: str  # exercise.goals[1].to
    message: str
    line: int | None  # line of the Exercise textbox, when the path can be found in the YAML
    column: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}, " if self.line else ""
        return f"{where}{self.path}: {self.message}" if self.path else f"{where}{self.message}"


@dataclass(frozen=True, slots=True)
class GoalCheck:
    index: int
    label: str
    start: ex.GoalResult | None  # the starting state (should fail at least one goal)
    solution: ex.GoalResult | None  # the solution (must pass every goal)


@dataclass(frozen=True, slots=True)
class ValidationReport:
    problems: list[ReportProblem] = field(default_factory=list)
    goals: list[GoalCheck] = field(default_factory=list)
    empty: bool = False  # no exercise at all

    @property
    def valid(self) -> bool:
        return not self.problems and not self.empty

    @property
    def summary(self) -> str:
        """One sentence for screen readers (the page's status line) about the whole report."""
        if self.empty:
            return "Validation: no exercise, the lesson is text only."
        if self.valid:
            return "Validation: the exercise is valid."
        count = len(self.problems)
        return f"Validation: {count} problem{'' if count == 1 else 's'} in the exercise."


def yaml_line(text: str, path: str) -> int | None:
    """The 1-based line of ``path`` (``exercise.goals[1].to``) in the exercise YAML ``text``
    (``yamltext.locate`` has its column too)."""
    location = yamltext.locate(text, path)
    return location.line if location is not None else None


def validation_report(*, exercise_yaml: str) -> ValidationReport:
    """Run the simulator on an exercise as the editor holds it: every problem (with its line
    and column), and per goal the result for the starting state and for the solution."""
    if not exercise_yaml.strip():
        return ValidationReport(empty=True)
    if len(exercise_yaml) > lessonfile.MAX_EXERCISE_YAML:
        return ValidationReport(
            [
                ReportProblem(
                    "",
                    f"The exercise is too long: {len(exercise_yaml):,} characters, and at most "
                    f"{lessonfile.MAX_EXERCISE_YAML:,} are accepted.",
                    None,
                )
            ]
        )
    try:
        spec = yamltext.load(exercise_yaml)
    except yamltext.YamlSyntaxError as exc:
        return ValidationReport([ReportProblem("", exc.message, exc.line, exc.column)])

    def problem(p: ex.Problem) -> ReportProblem:
        where = yamltext.locate(exercise_yaml, p.path)
        if where is None:
            return ReportProblem(p.path, p.message, None)
        return ReportProblem(p.path, p.message, where.line, where.column)

    # One author budget for the validation and the per-goal report together (budget.py).
    with budget.limit(budget.AUTHOR):
        problems = [problem(p) for p in ex.validate_exercise(spec)]
        if ex.check_shape(spec) or budget.exhausted():
            return ValidationReport(problems)
        try:
            return ValidationReport(problems, _goal_checks(spec))
        except BudgetExceeded:
            return ValidationReport(problems)


def _goal_checks(spec: dict) -> list[GoalCheck]:
    """Per goal, the starting state's and the solution's result (None where it cannot run)."""
    checks = kinds.get_kind(spec["kind"]).goal_checks(spec)
    start, solved = checks.start, checks.solved
    return [
        GoalCheck(
            i,
            label,
            start[i] if i < len(start) else None,
            solved[i] if i < len(solved) else None,
        )
        for i, label in enumerate(checks.labels)
    ]


# -- authoring lists ------------------------------------------------------------------------------


def lessons_for_authoring(*, course: Course) -> list[Lesson]:
    """The course's lessons (drafts and archived ones too) with their exercise, in order."""
    return list(
        Lesson.objects.filter(course=course)
        .select_related("exercise")
        .order_by(F("archived_at").asc(nulls_first=True), "order", "slug")
    )


def drafts_of(*, author) -> QuerySet[LessonDraft]:
    return LessonDraft.objects.filter(author=author).select_related("lesson", "course")


def draft_for(*, author, lesson: Lesson) -> LessonDraft | None:
    return LessonDraft.objects.filter(author=author, lesson=lesson).first()


def exercise_yaml(*, lesson: Lesson) -> str:
    """The exercise's YAML for the editor: as its author typed it (exercisetext)."""
    return exercisetext.text_for(lesson=lesson)


# -- gradebook ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Gradebook:
    course: Course | None
    classroom: Classroom | None
    lessons: list[Lesson]
    rows: list[GradebookRow]
    sort: str


def _cells(lessons: list[Lesson], by_lesson: dict[int, Progress]) -> list[LessonProgress]:
    cells = []
    for lesson in lessons:
        p = by_lesson.get(lesson.pk)
        cells.append(
            LessonProgress(lesson)
            if p is None
            else LessonProgress(lesson, p.status, p.best_score, p.attempts, p)
        )
    return cells


def gradebook(
    *,
    course: Course,
    classroom: Classroom | None = None,
    sort: str = "name",
    among: QuerySet[Classroom] | None = None,
) -> Gradebook:
    """A row per learner (every member of ``classroom``; without one, every member of the
    classes ``among``, or everyone who did something in the course when ``among`` is None), a
    cell per live lesson. Three queries, whatever the number of learners."""
    lessons = list(Lesson.objects.live().filter(course=course).order_by("order", "slug"))
    progress = Progress.objects.filter(lesson__in=lessons)
    learners: dict[int, Any] = {}
    classes = [classroom.pk] if classroom is not None else None
    if classes is None and among is not None:
        classes = among.values("pk")
    if classes is not None:
        members = (
            get_user_model().objects.filter(class_memberships__classroom__in=classes).distinct()
        )
        learners = {user.pk: user for user in members.order_by("username")}
        progress = progress.filter(learner__in=members.values("pk"))
    else:
        progress = progress.select_related("learner")
    by_learner: dict[int, dict[int, Progress]] = {pk: {} for pk in learners}
    for item in progress:
        if classes is None:
            learners.setdefault(item.learner_id, item.learner)
        by_learner.setdefault(item.learner_id, {})[item.lesson_id] = item
    rows = [GradebookRow(user, _cells(lessons, by_learner[pk])) for pk, user in learners.items()]
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key == "progress":
        rows.sort(
            key=lambda r: (
                -r.completed if not descending else r.completed,
                -sum(c.best_score for c in r.cells),
                r.learner.username.lower(),
            )
        )
    else:
        rows.sort(key=lambda r: r.learner.username.lower(), reverse=descending)
        sort = "-name" if descending else "name"
    return Gradebook(course, classroom, lessons, rows, sort)


def gradebook_csv(book: Gradebook) -> str:
    """The gradebook as CSV: a row per learner, four columns per lesson."""
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["learner", "completed"]
    for lesson in book.lessons:
        header += [f"{lesson.slug} {name}" for name in ("status", "score", "attempts", "last")]
    writer.writerow(header)
    for row in book.rows:
        line = [row.learner.get_username(), row.completed]
        for cell in row.cells:
            last = cell.progress.last_activity_at if cell.progress is not None else None
            line += [
                cell.status,
                cell.best_score,
                cell.attempts,
                last.isoformat(timespec="seconds") if last else "",
            ]
        writer.writerow([_safe_cell(value) for value in line])
    return out.getvalue()


def _safe_cell(value: Any) -> Any:
    """A spreadsheet runs a cell that starts with = + - @ as a formula: usernames are typed
    by learners, so such a cell is quoted."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


# -- a learner's work -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LessonWork:
    lesson: Lesson
    progress: Progress | None
    attempts: list[Attempt]
    commands: list[dict]  # the terminal log as typed: host, command, output, status


def learner_work(*, learner, course: Course) -> list[LessonWork]:
    """Every lesson of the course the learner touched: progress, every attempt with its
    per-goal results (newest first), and the commands they typed (four queries)."""
    lessons = list(
        Lesson.objects.filter(course=course).order_by(
            F("archived_at").asc(nulls_first=True), "order", "slug"
        )
    )
    progress = {
        p.lesson_id: p for p in Progress.objects.filter(learner=learner, lesson__in=lessons)
    }
    attempts: dict[int, list[Attempt]] = {}
    for attempt in (
        Attempt.objects.filter(learner=learner, exercise__lesson__in=lessons)
        .select_related("exercise", "exercise_version")
        .order_by("-created_at", "-id")
    ):
        attempts.setdefault(attempt.exercise.lesson_id, []).append(attempt)
    logs: dict[int, list[dict]] = {}
    for workspace in (
        Workspace.objects.filter(learner=learner, exercise__lesson__in=lessons)
        .select_related("exercise")
        .prefetch_related("entries")
    ):
        logs[workspace.exercise.lesson_id] = workspace.log
    return [
        LessonWork(
            lesson, progress.get(lesson.pk), attempts.get(lesson.pk, []), logs.get(lesson.pk, [])
        )
        for lesson in lessons
        if lesson.pk in progress or lesson.pk in attempts or lesson.pk in logs
    ]


def courses_of_learner(*, learner) -> QuerySet[Course]:
    touched = Progress.objects.filter(learner=learner).values("lesson__course_id")
    joined = Classroom.objects.filter(memberships__learner=learner).values("course_id")
    return Course.objects.filter(pk__in=touched).union(Course.objects.filter(pk__in=joined))


# -- misconceptions -------------------------------------------------------------------------------


@dataclass
class Misconception:
    cause: str
    count: int = 0
    learners: list[str] = field(default_factory=list)  # up to MAX_EXAMPLES usernames
    learner_count: int = 0
    goals: Counter = field(default_factory=Counter)  # goal label -> failures
    example: str = ""  # one failure message, as learners read it

    @property
    def goal_counts(self) -> list[tuple[str, int]]:
        # A Counter answers 0 to the template's `goals.items` lookup: give it a list.
        return self.goals.most_common()


MAX_EXAMPLES = 5


def misconceptions(*, exercise: Exercise) -> list[Misconception]:
    """Failed goal results of every attempt on the exercise (all versions), grouped by the
    cause the simulator diagnosed, most frequent first (one query)."""
    by_cause: dict[str, Misconception] = {}
    seen: dict[str, set] = {}
    rows = Attempt.objects.filter(exercise=exercise).values_list("learner__username", "results")
    for username, results in rows.iterator():
        for result in results or []:
            if not isinstance(result, dict) or result.get("passed"):
                continue
            cause = str(result.get("cause") or "unknown")
            item = by_cause.setdefault(cause, Misconception(cause))
            item.count += 1
            item.goals[str(result.get("label") or "")] += 1
            item.example = item.example or str(result.get("message") or "")
            learners = seen.setdefault(cause, set())
            if username not in learners:
                learners.add(username)
                if len(item.learners) < MAX_EXAMPLES:
                    item.learners.append(username)
    for cause, item in by_cause.items():
        item.learner_count = len(seen[cause])
    return sorted(by_cause.values(), key=lambda m: (-m.count, m.cause))


# -- export ---------------------------------------------------------------------------------------


def course_zip(*, course: Course) -> bytes:
    """The course as ``<slug>/course.yaml`` and ``<slug>/NN-slug.md`` lesson files (live
    lessons, drafts included as ``published: false``), which ``loadlessons`` reads back."""
    lessons = Lesson.objects.live().filter(course=course).order_by("order", "slug")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        course_file = lessonfile.CourseFile(
            slug=course.slug,
            title=course.title,
            description=course.description,
            order=course.order,
            published=course.published,
        )
        archive.writestr(f"{course.slug}/course.yaml", lessonfile.serialise_course(course_file))
        width = max(2, len(str(lessons.count())))
        for number, lesson in enumerate(lessons, start=1):
            name = f"{course.slug}/{number:0{width}d}-{lesson.slug}.md"
            archive.writestr(name, lesson_file_text(lesson=lesson))
    return out.getvalue()
