"""Courses, lessons and their graded exercises, and what each learner did with them.

Content (Course, Lesson, Exercise, ExerciseVersion) is written by instructors or loaded from
lesson files; learner data (Workspace, Attempt, Progress) refers to it and is never rewritten when
the content changes: an edited exercise gets a new ExerciseVersion and earlier attempts keep
pointing at the version they were graded against.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from lessons import kinds


class OrderedJSONField(models.TextField):
    """JSON kept as text, so that mappings keep their key order on every database.

    PostgreSQL's jsonb sorts keys, but a scenario's order means something: hosts are the
    terminal's tabs and answer ARP in that order, interfaces get their ifindex from it.
    """

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else json.loads(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                return value
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False)

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)

    def formfield(self, **kwargs: Any) -> forms.Field:
        return super(models.TextField, self).formfield(**{"form_class": forms.JSONField, **kwargs})


class Course(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    published = models.BooleanField(default=True)
    # Where loadlessons found it (the course folder) and a hash of what it read, so that loading
    # the same files again changes nothing.
    source_path = models.CharField(max_length=500, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    # Who may author it (instructors/tenancy.py): its owner (who created or imported it) and the
    # editors they invited. A course with no owner (the shipped course, loaded by loadlessons)
    # belongs to no instructor: staff and its editors author it.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="courses_owned",
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="courses_edited"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.title


class LessonQuerySet(models.QuerySet):
    def live(self) -> LessonQuerySet:
        """Lessons that are not archived (instructors see drafts among them)."""
        return self.filter(archived_at__isnull=True)

    def visible(self) -> LessonQuerySet:
        """What a learner may open: published, not archived, in a published course."""
        return self.filter(archived_at__isnull=True, published=True, course__published=True)


class Lesson(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    order = models.PositiveIntegerField(default=0)
    slug = models.SlugField(max_length=100)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, help_text="Markdown")
    published = models.BooleanField(default=True)
    # Deleting a lesson archives it: learners' attempts and progress keep their lesson.
    archived_at = models.DateTimeField(null=True, blank=True)
    source_path = models.CharField(max_length=500, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["course__order", "course__slug", "order", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="lesson_slug_unique_in_course")
        ]
        indexes = [models.Index(fields=["course", "order"], name="lesson_course_order")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_visible(self) -> bool:
        return self.published and not self.is_archived and self.course.published


# The registered kinds' names as constants (``ExerciseKind.TERMINAL == "terminal"``), for code
# that names one kind. What differs between kinds is asked of the kind object instead
# (``kinds.get_kind(exercise.kind)``).
ExerciseKind = models.TextChoices(
    "ExerciseKind", [(name.upper(), (name, label)) for name, label in kinds.choices()]
)


class ExerciseContent(models.Model):
    """The fields that make up one version of an exercise (the lesson file's `exercise`)."""

    # A callable: the registry's kinds, so that registering one needs no migration.
    kind = models.CharField(max_length=16, choices=kinds.choices)
    prompt = models.TextField()
    scenario = OrderedJSONField(default=dict, blank=True)
    goals = OrderedJSONField(default=list, blank=True)
    solution = OrderedJSONField(default=dict, blank=True)
    hints = OrderedJSONField(default=list, blank=True)
    # Kind-specific data: for a quiz {"questions": [{prompt, choices, answer, explain}]}.
    extra = OrderedJSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        abstract = True

    def spec(self) -> dict:
        """The exercise as the lesson file writes it (see lessons/exercises.py)."""
        from lessons.exercises import spec_from_fields

        return spec_from_fields(
            kind=self.kind,
            prompt=self.prompt,
            scenario=self.scenario,
            goals=self.goals,
            solution=self.solution,
            hints=self.hints,
            extra=self.extra,
        )

    @property
    def questions(self) -> list[dict]:
        return list(self.extra.get("questions", [])) if isinstance(self.extra, dict) else []


class Exercise(ExerciseContent):
    """The current version of a lesson's exercise; earlier versions live in ExerciseVersion."""

    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, related_name="exercise")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    # The exercise's YAML as its author typed it (comments, key order, flow style), and the
    # content_hash of the exercise it was parsed into: the editor and export use the text only
    # while it still is this exercise (a lesson file loaded over it since makes it stale).
    # instructors/exercisetext.py keeps it; nothing re-dumps YAML over it.
    source_yaml = models.TextField(blank=True)
    source_hash = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.lesson} ({self.kind}, v{self.version})"

    @property
    def has_author_text(self) -> bool:
        return bool(self.source_yaml) and self.source_hash == self.content_hash

    def current_version(self) -> ExerciseVersion:
        return self.versions.get(version=self.version)


class ExerciseVersion(ExerciseContent):
    """A frozen copy of an exercise as it was published; attempts are graded against one."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["exercise", "version"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "version"], name="exercise_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.exercise.lesson} v{self.version}"


@dataclass(frozen=True, slots=True)
class TerminalState:
    """What a terminal workspace keeps beside its log (the commands are ``TerminalEntry`` rows).

    Stored as ``Workspace.state``: ``{"network": ..., "log_start": ..., "path": ...,
    "progress_touched_at": ...}``, the last three only when set. A value that cannot be read (a
    hand-edited row, an older shape) reads as its default: the network is then rebuilt from the
    log (lessons/services/terminal.py).
    """

    network: dict | None = None  # Network.to_dict() of the learner's network
    log_start: int = 0  # the commands a `clear` took off the screen
    path: dict | None = None  # the last ping/traceroute's packets, for the diagram
    # When a command last touched the learner's progress (last activity is shown to the minute).
    progress_touched_at: datetime | None = None

    @classmethod
    def from_json(cls, data: Any) -> TerminalState:
        data = data if isinstance(data, dict) else {}
        network, path, start = data.get("network"), data.get("path"), data.get("log_start")
        try:
            touched = datetime.fromisoformat(data["progress_touched_at"])
        except (KeyError, TypeError, ValueError):
            touched = None
        return cls(
            network=network if isinstance(network, dict) else None,
            log_start=start if isinstance(start, int) and start > 0 else 0,
            path=path if isinstance(path, dict) else None,
            progress_touched_at=touched,
        )

    def to_json(self) -> dict:
        data: dict[str, Any] = {"network": self.network}
        if self.log_start:
            data["log_start"] = self.log_start
        if self.path is not None:
            data["path"] = self.path
        if self.progress_touched_at is not None:
            data["progress_touched_at"] = self.progress_touched_at.isoformat()
        return data


class Workspace(models.Model):
    """A learner's live state for one exercise, restored when they come back.

    ``state`` is JSON of one of two shapes, by the exercise's kind: a terminal's
    ``TerminalState`` (``Workspace.terminal``), or for the form kinds the learner's unsaved rows
    as the kind's form submits them (``{"routes": {...}}``, ``{"records": {...}}`` or
    ``{"answers": [...]}``: the kind's ``submission_key``, lessons/kinds/).
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workspaces"
    )
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="workspaces")
    # RESTRICT: a version goes only together with its exercise (and then its workspaces go too).
    exercise_version = models.ForeignKey(
        ExerciseVersion, on_delete=models.RESTRICT, related_name="workspaces"
    )
    state = OrderedJSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "exercise"], name="workspace_unique_per_learner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner} on {self.exercise.lesson}"

    @property
    def terminal(self) -> TerminalState:
        return TerminalState.from_json(self.state)

    @terminal.setter
    def terminal(self, value: TerminalState) -> None:
        self.state = value.to_json()

    @property
    def rows(self) -> dict:
        """A form exercise's saved rows (empty for a terminal or before any)."""
        return self.state if isinstance(self.state, dict) and "network" not in self.state else {}

    @property
    def log(self) -> list[dict]:
        """The terminal's commands in the order they ran, as ``{host, command, output, status}``
        (one query, or none when ``entries`` were prefetched)."""
        if self.pk is None:
            return []
        return [entry.as_dict() for entry in self.entries.all()]


class TerminalEntry(models.Model):
    """One command a learner ran in a terminal workspace, with its output.

    The log is rows rather than a list inside ``Workspace.state``: a command adds one small row,
    where a list in the state had the whole log (up to 500 commands and their outputs) read,
    decoded, encoded and written again by every command.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="entries")
    position = models.PositiveIntegerField()  # 1, 2, 3... in the order the commands ran
    host = models.TextField()
    command = models.TextField()
    output = models.TextField(blank=True)  # emptied for the oldest when a log's outputs grow
    status = models.SmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "position"], name="terminal_entry_unique_position"
            )
        ]
        verbose_name_plural = "terminal entries"

    def __str__(self) -> str:
        return f"{self.host}$ {self.command}"

    def as_dict(self) -> dict:
        return {
            "host": self.host,
            "command": self.command,
            "output": self.output,
            "status": self.status,
        }


class Attempt(models.Model):
    """One "Check my work": what was submitted and one result per goal."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    # PROTECT: an exercise with attempts is never deleted (its lesson is archived instead).
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="attempts")
    exercise_version = models.ForeignKey(
        ExerciseVersion, on_delete=models.RESTRICT, related_name="attempts"
    )
    submitted = OrderedJSONField(default=dict, blank=True)
    # [{"index", "goal", "label", "passed", "message", "cause"}], in the order of the goals
    results = models.JSONField(default=list, blank=True)
    score = models.PositiveSmallIntegerField(default=0)  # 0-100
    passed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["learner", "exercise"], name="attempt_learner_exercise"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=100), name="attempt_score_at_most_100")
        ]

    def __str__(self) -> str:
        return f"{self.learner} on {self.exercise.lesson}: {self.score}%"


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


class Progress(models.Model):
    """A learner's standing in one lesson. It never goes backwards (services/grading.py)."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress"
    )
    # PROTECT: a lesson with learners' progress is archived, never deleted.
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="progress")
    status = models.CharField(
        max_length=16, choices=ProgressStatus.choices, default=ProgressStatus.NOT_STARTED
    )
    best_score = models.PositiveSmallIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    first_activity_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "progress"
        constraints = [
            models.UniqueConstraint(fields=["learner", "lesson"], name="progress_unique"),
            models.CheckConstraint(
                condition=Q(best_score__lte=100), name="progress_best_score_at_most_100"
            ),
        ]
        indexes = [models.Index(fields=["lesson", "status"], name="progress_lesson_status")]

    def __str__(self) -> str:
        return f"{self.learner} / {self.lesson}: {self.get_status_display()}"
