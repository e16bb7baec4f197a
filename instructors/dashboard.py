"""A class at a glance: every member's standing in every lesson, which misconceptions the class
runs into (lessons x diagnosed causes), and who looks stuck.

The page, its CSV exports and the misconception drill-down all read through here, so the numbers
an instructor sees on the page are the numbers they download. Four queries build a dashboard
whatever the number of learners (the lessons, the members, their progress, their attempts'
results); ``tests/web/test_class_dashboard.py`` holds it to that.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from instructors.causes import UNKNOWN, cause_label
from instructors.models import Classroom
from instructors.selectors import _safe_cell  # quotes what a spreadsheet would run
from lessons.models import Attempt, Lesson, Progress, ProgressStatus

# A learner is "stuck" on a lesson after this many checks without passing it...
STUCK_FAILED_CHECKS = 5
# ...or in the class after this many days without activity while lessons remain.
STUCK_IDLE_DAYS = 7
# The stuck list stays short enough to act on in a lesson; the rest are counted.
STUCK_SHOWN = 10
# Heat levels (CSS classes heat-1..heat-4) by share of the class's learners.
HEAT_LEVELS = 4


# -- progress -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cell:
    """One learner's standing in one lesson, as the page and the CSV both word it."""

    lesson: Lesson
    status: str = ProgressStatus.NOT_STARTED
    best_score: int = 0
    checks: int = 0
    last_activity_at: datetime | None = None

    @property
    def passed(self) -> bool:
        return self.status == ProgressStatus.COMPLETED

    @property
    def icon(self) -> str:
        """A shape per status, so the status never rests on colour alone."""
        return {ProgressStatus.COMPLETED: "✓", ProgressStatus.IN_PROGRESS: "◐"}.get(
            self.status, "–"
        )

    @property
    def text(self) -> str:
        if self.passed:
            return f"passed {self.best_score}%"
        if self.status == ProgressStatus.IN_PROGRESS:
            if not self.checks:
                return "in progress, no checks yet"
            checks = f"{self.checks} check{'s' if self.checks != 1 else ''}"
            return f"in progress, {checks}, best {self.best_score}%"
        return "not started"


@dataclass(frozen=True, slots=True)
class Row:
    learner: Any
    cells: list[Cell]
    joined_at: datetime

    @property
    def completed(self) -> int:
        return sum(cell.passed for cell in self.cells)

    @property
    def last_activity_at(self) -> datetime | None:
        times = [c.last_activity_at for c in self.cells if c.last_activity_at is not None]
        return max(times) if times else None


# -- misconceptions -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HeatCell:
    cause: str
    learners: int
    level: int  # 0 (nobody) .. HEAT_LEVELS (most of the class)


@dataclass(frozen=True, slots=True)
class HeatRow:
    lesson: Lesson
    cells: list[HeatCell]  # one per cause of the heat map, in its column order


@dataclass(frozen=True, slots=True)
class Cause:
    code: str
    label: str
    learners: int  # distinct learners who hit it in any lesson


# -- stuck learners -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Stuck:
    learner: Any
    lesson: Lesson | None  # what they are stuck on (the next lesson, when idle)
    reason: str  # "failed" (many failed checks) or "idle" (no progress for days)
    failed_checks: int = 0
    cause: str | None = None  # the cause they hit most on that lesson
    idle_days: int = 0

    @property
    def cause_label(self) -> str:
        return cause_label(self.cause) if self.cause else ""


@dataclass(frozen=True, slots=True)
class Dashboard:
    classroom: Classroom
    lessons: list[Lesson]
    rows: list[Row]
    causes: list[Cause]
    heat: list[HeatRow]
    stuck: list[Stuck]
    stuck_total: int
    now: datetime = field(repr=False)

    @property
    def more_stuck(self) -> int:
        return self.stuck_total - len(self.stuck)

    # The thresholds, for the page to say what "stuck" means.
    stuck_checks = STUCK_FAILED_CHECKS
    stuck_days = STUCK_IDLE_DAYS


def class_dashboard(*, classroom: Classroom, now: datetime | None = None) -> Dashboard:
    """Members x the course's live lessons (drafts marked as in the gradebook), the causes they
    hit per lesson, and who is stuck. Four queries, whatever the size of the class."""
    now = now or timezone.now()
    lessons = list(
        Lesson.objects.live()
        .filter(course_id=classroom.course_id)
        .select_related("exercise")
        .order_by("order", "slug")
    )
    members = list(
        classroom.memberships.select_related("learner").order_by("learner__username", "pk")
    )
    learner_ids = [m.learner_id for m in members]
    progress: dict[tuple[int, int], Progress] = {
        (p.learner_id, p.lesson_id): p
        for p in Progress.objects.filter(lesson__in=lessons, learner_id__in=learner_ids)
    }
    rows = [
        Row(
            m.learner,
            [_cell(lesson, progress.get((m.learner_id, lesson.pk))) for lesson in lessons],
            m.joined_at,
        )
        for m in members
    ]
    hits = _cause_hits(lessons=lessons, learner_ids=learner_ids)
    causes, heat = _heat_map(lessons=lessons, hits=hits, class_size=len(members))
    stuck = _stuck(rows=rows, hits=hits, now=now)
    return Dashboard(
        classroom, lessons, rows, causes, heat, stuck[:STUCK_SHOWN], len(stuck), now=now
    )


def _cell(lesson: Lesson, progress: Progress | None) -> Cell:
    if progress is None:
        return Cell(lesson)
    return Cell(
        lesson,
        progress.status,
        progress.best_score,
        progress.attempts,
        progress.last_activity_at,
    )


# (lesson pk, cause) -> learner pk -> how many failed goal results with that cause
Hits = dict[tuple[int, str], Counter]


def _cause_hits(*, lessons: list[Lesson], learner_ids: list[int]) -> Hits:
    """Every failed goal result of the members' attempts on the lessons' exercises, counted by
    lesson, cause and learner (one query, streamed)."""
    lesson_of = {lesson.exercise.pk: lesson.pk for lesson in lessons if hasattr(lesson, "exercise")}
    hits: Hits = {}
    rows = Attempt.objects.filter(
        exercise_id__in=list(lesson_of), learner_id__in=learner_ids, passed=False
    ).values_list("learner_id", "exercise_id", "results")
    for learner_id, exercise_id, results in rows.iterator(chunk_size=500):
        for cause, _ in _failures(results):
            hits.setdefault((lesson_of[exercise_id], cause), Counter())[learner_id] += 1
    return hits


def _failures(results: Any) -> Iterator[tuple[str, dict]]:
    """(cause, result) of each failed goal result; stored JSON is checked, not trusted, and a
    result without a cause (older attempts) counts as UNKNOWN."""
    for result in results if isinstance(results, list) else []:
        if isinstance(result, dict) and not result.get("passed"):
            yield str(result.get("cause") or UNKNOWN), result


def _heat_map(
    *, lessons: list[Lesson], hits: Hits, class_size: int
) -> tuple[list[Cause], list[HeatRow]]:
    """Causes hit by the class (most learners first) as columns, a row per lesson; a cell is
    the number of learners who hit the cause there, with a heat level by share of the class."""
    everyone: dict[str, set] = {}
    for (_, cause), learners in hits.items():
        everyone.setdefault(cause, set()).update(learners)
    causes = sorted(
        (Cause(code, cause_label(code), len(who)) for code, who in everyone.items()),
        key=lambda c: (-c.learners, c.code),
    )
    heat = [
        HeatRow(
            lesson,
            [
                _heat_cell(c.code, len(hits.get((lesson.pk, c.code), ())), class_size)
                for c in causes
            ],
        )
        for lesson in lessons
    ]
    return causes, heat


def _heat_cell(cause: str, learners: int, class_size: int) -> HeatCell:
    if not learners or not class_size:
        return HeatCell(cause, learners, 0)
    level = -(-learners * HEAT_LEVELS // class_size)  # ceil: one learner is never level 0
    return HeatCell(cause, learners, min(level, HEAT_LEVELS))


def _stuck(*, rows: list[Row], hits: Hits, now: datetime) -> list[Stuck]:
    """Per learner, the worst reason to look at them: many failed checks on a lesson not
    passed (the lesson with most), else no activity for STUCK_IDLE_DAYS with lessons left."""
    found = []
    for row in rows:
        failing = [c for c in row.cells if not c.passed and c.checks >= STUCK_FAILED_CHECKS]
        if failing:
            worst = max(failing, key=lambda c: c.checks)
            cause = _top_cause(hits, lesson_pk=worst.lesson.pk, learner_pk=row.learner.pk)
            found.append(Stuck(row.learner, worst.lesson, "failed", worst.checks, cause))
            continue
        left = [c for c in row.cells if not c.passed]
        since = row.last_activity_at or row.joined_at
        idle = now - since
        if left and idle >= timedelta(days=STUCK_IDLE_DAYS):
            found.append(Stuck(row.learner, left[0].lesson, "idle", idle_days=idle.days))
    found.sort(key=lambda s: (s.reason != "failed", -s.failed_checks, -s.idle_days))
    return found


def _top_cause(hits: Hits, *, lesson_pk: int, learner_pk: int) -> str | None:
    counts = {
        cause: learners[learner_pk]
        for (lesson, cause), learners in hits.items()
        if lesson == lesson_pk and learners[learner_pk]
    }
    return max(counts, key=lambda c: (counts[c], c)) if counts else None


# -- the attempts behind a heat map cell ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FailedCheck:
    learner: Any
    created_at: datetime
    goal: str
    message: str


def failed_checks(*, classroom: Classroom, lesson: Lesson, cause: str) -> list[FailedCheck]:
    """The members' failed goal results with ``cause`` on ``lesson``'s exercise, newest first
    (two queries: the members, their failed attempts)."""
    members = get_user_model().objects.filter(class_memberships__classroom=classroom)
    attempts = (
        Attempt.objects.filter(
            exercise__lesson=lesson, learner__in=members.values("pk"), passed=False
        )
        .select_related("learner")
        .order_by("-created_at", "-id")
    )
    found = []
    for attempt in attempts.iterator(chunk_size=500):
        for hit, result in _failures(attempt.results):
            if hit == cause:
                goal = str(result.get("label") or result.get("goal") or "")
                message = str(result.get("message") or "")
                found.append(FailedCheck(attempt.learner, attempt.created_at, goal, message))
    return found


# -- CSV ------------------------------------------------------------------------------------------


def progress_csv(board: Dashboard) -> str:
    """The "Class progress" table: a row per learner, per lesson its status, best score and
    checks (the numbers in the page's cells)."""
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["learner", "completed", "last activity"]
    for lesson in board.lessons:
        header += [f"{lesson.slug} {name}" for name in ("status", "score", "checks")]
    writer.writerow(header)
    for row in board.rows:
        last = row.last_activity_at
        line = [
            row.learner.get_username(),
            row.completed,
            last.isoformat(timespec="seconds") if last else "",
        ]
        for cell in row.cells:
            line += [cell.status, cell.best_score, cell.checks]
        writer.writerow([_safe_cell(value) for value in line])
    return out.getvalue()


def misconceptions_csv(board: Dashboard) -> str:
    """The "Misconceptions" table: a row per lesson, per cause the number of learners."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["lesson", *(cause.code for cause in board.causes)])
    for row in board.heat:
        line = [row.lesson.slug, *(cell.learners for cell in row.cells)]
        writer.writerow([_safe_cell(value) for value in line])
    return out.getvalue()
