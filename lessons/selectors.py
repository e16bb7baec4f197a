"""Reads of lessons' data for pages: a visible lesson, courses with a learner's progress, a
learner's workspace; and the pieces instructors' pages share (a gradebook row, per-goal failure
counts, a lesson as a file). Each runs a fixed number of queries, whatever the number of
lessons."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Prefetch
from django.shortcuts import get_object_or_404

from lessons import exercises as ex
from lessons import kinds, terminallog
from lessons.models import (
    Attempt,
    Course,
    Exercise,
    Lesson,
    Progress,
    ProgressStatus,
    TerminalState,
    Workspace,
)
from netlearn.sim import Network, ScenarioError, SimError


@dataclass(frozen=True, slots=True)
class LessonProgress:
    lesson: Lesson
    status: str = ProgressStatus.NOT_STARTED
    best_score: int = 0
    attempts: int = 0
    progress: Progress | None = None

    @property
    def completed(self) -> bool:
        return self.status == ProgressStatus.COMPLETED

    @property
    def status_label(self) -> str:
        return ProgressStatus(self.status).label


@dataclass(frozen=True, slots=True)
class CourseProgress:
    course: Course
    lessons: list[LessonProgress] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def completed(self) -> int:
        return sum(item.completed for item in self.lessons)

    @property
    def percent(self) -> int:
        """Lessons completed, in percent (rounded down: 100 means all of them)."""
        return 100 * self.completed // self.total if self.total else 0

    @property
    def next_lesson(self) -> Lesson | None:
        """The first lesson not completed yet."""
        return next((item.lesson for item in self.lessons if not item.completed), None)


def _is_learner(learner) -> bool:
    return learner is not None and getattr(learner, "is_authenticated", False)


def visible_lesson(course_slug: str, lesson_slug: str) -> Lesson:
    """A lesson a learner may open (published, not archived, in a published course), with its
    course and exercise (one query; 404 otherwise)."""
    return get_object_or_404(
        _visible_lessons().select_related("course", "exercise"),
        course__slug=course_slug,
        slug=lesson_slug,
    )


def _visible_lessons():
    return Lesson.objects.visible().order_by("order", "slug")


def _listed_lessons():
    """Visible lessons for lists and progress bars: their text is not shown, so not read."""
    return _visible_lessons().defer("body")


def _course_progress(course: Course, lessons: list[Lesson], by_lesson: dict) -> CourseProgress:
    items = []
    for lesson in lessons:
        progress = by_lesson.get(lesson.pk)
        if progress is None:
            items.append(LessonProgress(lesson))
        else:
            items.append(
                LessonProgress(
                    lesson, progress.status, progress.best_score, progress.attempts, progress
                )
            )
    return CourseProgress(course, items)


def course_list_with_progress(*, learner) -> list[CourseProgress]:
    """Every published course with its visible lessons and the learner's status in each
    (three queries; two for an anonymous visitor)."""
    courses = list(
        Course.objects.filter(published=True)
        .order_by("order", "slug")
        .prefetch_related(Prefetch("lessons", queryset=_listed_lessons(), to_attr="visible"))
    )
    by_lesson = {}
    if _is_learner(learner):
        by_lesson = {
            p.lesson_id: p
            for p in Progress.objects.filter(learner=learner, lesson__course__in=courses)
        }
    return [_course_progress(course, course.visible, by_lesson) for course in courses]


def progress_for_course(*, learner, course: Course) -> CourseProgress:
    """The course's visible lessons in order, with the learner's status in each (two
    queries)."""
    lessons = list(_listed_lessons().filter(course=course))
    by_lesson = {}
    if _is_learner(learner):
        by_lesson = {
            p.lesson_id: p for p in Progress.objects.filter(learner=learner, lesson__in=lessons)
        }
    return _course_progress(course, lessons, by_lesson)


def latest_attempt(*, learner, exercise: Exercise) -> Attempt | None:
    return Attempt.objects.filter(learner=learner, exercise=exercise).first()


def get_workspace(*, learner, exercise: Exercise) -> Workspace | None:
    """The learner's workspace, with the number of the exercise version it belongs to
    (``exercise_version_number``) read in the same query."""
    return (
        Workspace.objects.filter(learner=learner, exercise=exercise)
        .annotate(exercise_version_number=F("exercise_version__version"))
        .first()
    )


@dataclass(frozen=True, slots=True)
class WorkspaceView:
    """What the lesson page shows of a learner's work: the terminal log (what is on screen since
    the last `clear`; ``history`` has every command), network and drawn path, or the form rows,
    and whether it belongs to an older version of the exercise."""

    exercise: Exercise
    workspace: Workspace | None
    log: list[dict]
    network: Network | None
    rows: dict  # a form exercise's saved rows
    path: dict | None  # the packets' path the learner's last ping drew
    outdated: bool
    history: list[dict] = field(default_factory=list)

    @property
    def hosts(self) -> list[str]:
        return list(self.network.hosts) if self.network is not None else []


def workspace_view(*, learner, exercise: Exercise) -> WorkspaceView:
    """The learner's terminal as they left it (or the starting network), or their form rows.
    A workspace of an older exercise version is shown as it is (``outdated``); the next command
    brings it to the current version (services/terminal.py)."""
    workspace = get_workspace(learner=learner, exercise=exercise) if _is_learner(learner) else None
    outdated = workspace is not None and workspace.exercise_version_number != exercise.version
    if not kinds.get_kind(exercise.kind).terminal:
        rows = workspace.rows if workspace is not None else {}
        return WorkspaceView(exercise, workspace, [], None, rows, None, outdated)
    state = workspace.terminal if workspace is not None else TerminalState()
    network = None
    if state.network is not None and not outdated:
        try:
            network = Network.from_dict(state.network)
        except (ScenarioError, SimError, KeyError, TypeError, ValueError):
            network = None
    history = workspace.log if workspace is not None else []
    if network is None:  # no workspace yet, or an older version's: run the log again
        network = ex.replay(exercise.spec(), history)
    history = terminallog.within_output_budget(history)
    start = state.log_start if state.log_start <= len(history) else 0
    path = state.path if not outdated else None
    return WorkspaceView(exercise, workspace, history[start:], network, {}, path, outdated, history)


# -- shared with the instructors' pages (instructors/selectors.py) --------------------------------


@dataclass(frozen=True, slots=True)
class GradebookRow:
    learner: Any
    cells: list[LessonProgress]  # one per lesson of the gradebook, in order

    @property
    def last_activity_at(self):
        times = [c.progress.last_activity_at for c in self.cells if c.progress is not None]
        times = [t for t in times if t is not None]
        return max(times) if times else None

    @property
    def completed(self) -> int:
        return sum(cell.completed for cell in self.cells)


@dataclass(frozen=True, slots=True)
class GoalStats:
    index: int
    label: str
    attempts: int
    failures: int
    causes: dict[str, int]  # cause code -> failures, most frequent first


def goal_failure_counts(*, exercise: Exercise) -> list[GoalStats]:
    """Per goal of the exercise's current version: how many attempts failed it, and why."""
    results = Attempt.objects.filter(
        exercise=exercise, exercise_version__version=exercise.version
    ).values_list("results", flat=True)
    attempts: Counter = Counter()
    failures: Counter = Counter()
    causes: dict[int, Counter] = {}
    labels: dict[int, str] = {}
    for attempt_results in results.iterator():
        for result in attempt_results or []:
            index = result.get("index")
            if not isinstance(index, int):
                continue
            labels.setdefault(index, str(result.get("label") or ""))
            attempts[index] += 1
            if not result.get("passed"):
                failures[index] += 1
                causes.setdefault(index, Counter())[result.get("cause") or "unknown"] += 1
    goal_labels = kinds.get_kind(exercise.kind).goal_labels(exercise.spec())
    stats = []
    for index in range(len(goal_labels)):
        label = labels.get(index) or goal_labels[index]
        stats.append(
            GoalStats(
                index,
                label,
                attempts[index],
                failures[index],
                dict(causes.get(index, Counter()).most_common()),
            )
        )
    return stats
