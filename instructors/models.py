"""What instructors keep beside the lessons app's content: classes of learners and drafts.

Courses, lessons and exercises are the lessons app's; a class groups learners of one course for
the gradebook, and a draft holds an instructor's unsaved edits of a lesson (autosaved while they
type, and kept when the exercise does not validate yet so that it cannot be published).
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
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="classrooms_taught"
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
