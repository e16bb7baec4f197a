"""Admin for operators. Instructors author in the app itself; here deleting a lesson archives it
and learner data is read-only, so nothing a learner did can be rewritten by hand."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from lessons import services
from lessons.models import (
    Attempt,
    Course,
    Exercise,
    ExerciseVersion,
    Lesson,
    Progress,
    TerminalEntry,
    Workspace,
)


class LessonInline(admin.TabularInline):
    model = Lesson
    fields = ("order", "title", "slug", "published", "archived_at")
    readonly_fields = ("archived_at",)
    extra = 0
    show_change_link = True

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # archive lessons from their own page


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "owner", "order", "published", "updated_at")
    list_editable = ("order", "published")
    prepopulated_fields = {"slug": ("title",)}
    search_fields = ("title", "slug", "owner__username")
    raw_id_fields = ("owner",)
    filter_horizontal = ("editors",)  # who authors it besides the owner (instructors/tenancy.py)
    readonly_fields = ("source_path", "content_hash", "created_at", "updated_at")
    inlines = [LessonInline]


class ExerciseInline(admin.StackedInline):
    model = Exercise
    fields = ("kind", "version", "prompt", "scenario", "goals", "solution", "hints", "extra")
    readonly_fields = fields  # edited through lesson files or the authoring pages (validated)
    can_delete = False
    extra = 0


@admin.action(description="Archive the selected lessons")
def archive_lessons(modeladmin, request: HttpRequest, queryset: QuerySet) -> None:
    for lesson in queryset:
        services.archive_lesson(lesson=lesson)


@admin.action(description="Restore the selected lessons")
def restore_lessons(modeladmin, request: HttpRequest, queryset: QuerySet) -> None:
    for lesson in queryset:
        services.restore_lesson(lesson=lesson)


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ("title", "course", "order", "slug", "published", "archived_at", "updated_at")
    list_filter = ("course", "published", ("archived_at", admin.EmptyFieldListFilter))
    search_fields = ("title", "slug", "body")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("archived_at", "source_path", "content_hash", "created_at", "updated_at")
    actions = [archive_lessons, restore_lessons]
    inlines = [ExerciseInline]

    def get_deleted_objects(self, objs, request: HttpRequest):
        # Nothing is deleted, so learners' attempts and progress do not block "deleting".
        return (
            [f"{obj} (archived: learners' attempts and progress are kept)" for obj in objs],
            {},
            set(),
            [],
        )

    def delete_model(self, request: HttpRequest, obj: Lesson) -> None:
        # Deleting archives: attempts and progress keep their lesson.
        services.archive_lesson(lesson=obj)
        self.message_user(request, f"“{obj}” was archived, not deleted.", messages.INFO)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        archive_lessons(self, request, queryset)


class ExerciseVersionInline(admin.TabularInline):
    model = ExerciseVersion
    fields = ("version", "kind", "content_hash", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ("lesson", "kind", "version", "updated_at")
    list_filter = ("kind",)
    search_fields = ("lesson__title", "prompt")
    readonly_fields = (
        "lesson",
        "kind",
        "version",
        "prompt",
        "scenario",
        "goals",
        "solution",
        "hints",
        "extra",
        "content_hash",
        "updated_at",
    )
    inlines = [ExerciseVersionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Learner data: visible to operators, never edited by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    list_display = ("learner", "exercise", "exercise_version", "score", "passed", "created_at")
    list_filter = ("passed", "exercise__lesson__course")
    search_fields = ("learner__username", "exercise__lesson__title")
    list_select_related = ("learner", "exercise__lesson", "exercise_version")
    date_hierarchy = "created_at"


@admin.register(Progress)
class ProgressAdmin(ReadOnlyAdmin):
    list_display = (
        "learner",
        "lesson",
        "status",
        "best_score",
        "attempts",
        "last_activity_at",
        "completed_at",
    )
    list_filter = ("status", "lesson__course")
    search_fields = ("learner__username", "lesson__title")
    list_select_related = ("learner", "lesson")


class TerminalEntryInline(admin.TabularInline):
    """A terminal's commands, read-only, in the order they ran."""

    model = TerminalEntry
    fields = ("position", "host", "command", "status", "output")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Workspace)
class WorkspaceAdmin(ReadOnlyAdmin):
    inlines = [TerminalEntryInline]
    list_display = ("learner", "exercise", "exercise_version", "updated_at")
    search_fields = ("learner__username", "exercise__lesson__title")
    list_select_related = ("learner", "exercise__lesson", "exercise_version")
