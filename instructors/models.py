"""What instructors keep beside the lessons app's content: classes of learners, drafts and
imports waiting for confirmation.

Courses, lessons and exercises are the lessons app's; a class groups learners of one course for
the gradebook, a draft holds an instructor's unsaved edits of a lesson (autosaved while they
type, and kept when the exercise does not validate yet so that it cannot be published), and a
pending import keeps an uploaded file whose changes to existing content the instructor has to
confirm first.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from lessons.models import Course, Lesson


class Classroom(models.Model):
    """A class: learners of one course who joined with its code."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="classrooms")
    name = models.CharField(max_length=200)
    code = models.CharField(max_length=16, unique=True)
    # The class's owner (who created it); the co-instructors they invited see and teach it
    # too. Nobody else does (instructors/tenancy.py), staff aside.
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="classrooms_taught"
    )
    co_instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="classrooms_co_taught"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["course__order", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.course})"


class Membership(models.Model):
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="memberships")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="class_memberships"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["classroom", "learner"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.learner} in {self.classroom}"


class LessonDraft(models.Model):
    """An instructor's unsaved edits of a lesson (``lesson`` is None for a new one)."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_drafts"
    )
    lesson = models.ForeignKey(
        Lesson, on_delete=models.CASCADE, null=True, blank=True, related_name="drafts"
    )
    course = models.ForeignKey(Course, on_delete=models.SET_NULL, null=True, blank=True)
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    exercise_yaml = models.TextField(blank=True)
    published = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "lesson"],
                condition=Q(lesson__isnull=False),
                name="lesson_draft_unique_per_author",
            )
        ]

    def __str__(self) -> str:
        return f"Draft of {self.title or 'a new lesson'} by {self.author}"


class PendingImport(models.Model):
    """An uploaded lesson file or course zip that would change existing content, kept until its
    importer confirms the preview (one per instructor: a new upload replaces it).

    ``plan`` is a digest of the previewed changes: when the content changed between preview and
    confirmation, the import is previewed again instead of applying changes nobody saw.
    """

    importer = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_import"
    )
    name = models.CharField(max_length=255)
    data = models.BinaryField()
    course = models.ForeignKey(Course, on_delete=models.CASCADE, null=True, blank=True)
    plan = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} (import by {self.importer}, awaiting confirmation)"
