"""Reads of lessons' data for pages: courses with a learner's progress, the next lesson, a
learner's workspace. Each runs a fixed number of queries, whatever the number of lessons."""

from __future__ import annotations

import pickle
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Prefetch
from django.shortcuts import get_object_or_404

from lessons import exercises as ex
from lessons import kinds, lessonfile, terminallog
from lessons.models import (
    Attempt,
    Course,
    Exercise,
    Lesson,
    Progress,
    ProgressStatus,
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


# Lessons with their course and exercise as last read, per process, for one content generation
# (lessons/pagecache.py: any saved course, lesson or exercise replaces it); each caller gets a
# copy, so nothing a view does to its objects reaches another request. They are kept pickled:
# unpickling makes that copy about five times faster than copy.deepcopy (0.02 against 0.1 ms for a
# lesson with its exercise's scenario), and every lesson view pays it.
_kept_lessons: dict[tuple[str, str], bytes] = {}
_kept_generation: str | None = None
MAX_KEPT_LESSONS = 1000


def visible_lesson(course_slug: str, lesson_slug: str, *, generation: str | None) -> Lesson:
    """A lesson a learner may open (published, in a published course), with its course and
    exercise: one query, or none when this process read it under ``generation`` (the current
    content generation, read before this call; None: no shared cache, always read)."""
    global _kept_generation
    if generation is None:
        return _read_visible_lesson(course_slug, lesson_slug)
    if generation != _kept_generation:
        _kept_lessons.clear()
        _kept_generation = generation
    key = (course_slug, lesson_slug)
    kept = _kept_lessons.get(key)
    if kept is None:
        lesson = _read_visible_lesson(course_slug, lesson_slug)  # read after the generation
        if len(_kept_lessons) < MAX_KEPT_LESSONS:
            _kept_lessons[key] = pickle.dumps(lesson, protocol=pickle.HIGHEST_PROTOCOL)
        return lesson
    return pickle.loads(kept)  # noqa: S301 - bytes this process pickled itself


def _read_visible_lesson(course_slug: str, lesson_slug: str) -> Lesson:
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


def next_lesson(*, learner, course: Course, after: Lesson | None = None) -> Lesson | None:
    """Where to go next: the visible lesson after ``after`` in the course, or (without
    ``after``) the first lesson the learner has not completed."""
    lessons = _visible_lessons().filter(course=course)
    if after is not None:
        return (
            lessons.filter(order__gt=after.order).first()
            or lessons.filter(order=after.order, slug__gt=after.slug).first()
        )
    if _is_learner(learner):
        completed = Progress.objects.filter(learner=learner, status=ProgressStatus.COMPLETED)
        lessons = lessons.exclude(pk__in=completed.values("lesson_id"))
    return lessons.first()


def lesson_progress(*, learner, lesson: Lesson) -> LessonProgress:
    progress = None
    if _is_learner(learner):
        progress = Progress.objects.filter(learner=learner, lesson=lesson).first()
    if progress is None:
        return LessonProgress(lesson)
    return LessonProgress(lesson, progress.status, progress.best_score, progress.attempts, progress)


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
    the last `clear`; ``history`` has every command) and network, or the form rows (``state``),
    and whether it belongs to an older version of the exercise."""

    exercise: Exercise
    workspace: Workspace | None
    log: list[dict]
    network: Network | None
    state: dict
    outdated: bool
    history: list[dict] = field(default_factory=list)

    @property
    def hosts(self) -> list[str]:
        return list(self.network.hosts) if self.network is not None else []


def workspace_view(*, learner, exercise: Exercise) -> WorkspaceView:
    """The learner's terminal as they left it (or the starting network), or their form rows.
    A workspace of an older exercise version is shown as it is (``outdated``); the next command
    brings it to the current version (services.run_command)."""
    workspace = get_workspace(learner=learner, exercise=exercise) if _is_learner(learner) else None
    state = workspace.state if workspace is not None and isinstance(workspace.state, dict) else {}
    outdated = workspace is not None and workspace.exercise_version_number != exercise.version
    if not kinds.get_kind(exercise.kind).terminal:
        return WorkspaceView(exercise, workspace, [], None, state, outdated)
    network = None
    if "network" in state and not outdated:
        try:
            network = Network.from_dict(state["network"])
        except (ScenarioError, SimError, KeyError, TypeError, ValueError):
            network = None
    history = workspace.log if workspace is not None else []
    if network is None:  # no workspace yet, or an older version's: run the log again
        network = ex.replay(exercise.spec(), history)
    history = terminallog.within_output_budget(history)
    start = state.get("log_start", 0)
    start = start if isinstance(start, int) and 0 <= start <= len(history) else 0
    return WorkspaceView(exercise, workspace, history[start:], network, state, outdated, history)


def lesson_file_text(*, lesson: Lesson) -> str:
    """The lesson as a lesson file (export)."""
    exercise = Exercise.objects.filter(lesson=lesson).first()
    return lessonfile.serialise_lesson(
        lessonfile.LessonFile(
            title=lesson.title,
            slug=lesson.slug,
            body=lesson.body,
            published=lesson.published,
            exercise=exercise.spec() if exercise is not None else None,
        )
    )


# -- instructors ---------------------------------------------------------------------------------


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
class Gradebook:
    course: Course
    lessons: list[Lesson]
    rows: list[GradebookRow]


def gradebook(*, course: Course) -> Gradebook:
    """Learners x the course's live lessons (drafts included): status, best score, attempts,
    last activity. A row per learner who did anything in the course (two queries)."""
    lessons = list(Lesson.objects.live().filter(course=course).order_by("order", "slug"))
    progress = (
        Progress.objects.filter(lesson__in=lessons)
        .select_related("learner")
        .order_by("learner__username", "learner_id")
    )
    by_learner: dict[int, tuple[Any, dict[int, Progress]]] = {}
    for item in progress:
        by_learner.setdefault(item.learner_id, (item.learner, {}))[1][item.lesson_id] = item
    rows = [
        GradebookRow(learner, _course_progress(course, lessons, cells).lessons)
        for learner, cells in by_learner.values()
    ]
    return Gradebook(course, lessons, rows)


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
