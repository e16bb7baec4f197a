from django.urls import path

from instructors import (
    views,
    views_dashboard,
    views_gradebook,
    views_import,
    views_preview,
    views_sharing,
)

app_name = "instructors"

urlpatterns = [
    path("author/", views.dashboard, name="dashboard"),
    path("author/courses/new/", views.course_create, name="course_create"),
    path("author/courses/<int:course_pk>/", views.course_detail, name="course"),
    path("author/courses/<int:course_pk>/edit/", views.course_edit, name="course_edit"),
    path("author/courses/<int:course_pk>/export/", views.course_export, name="course_export"),
    path(
        "author/courses/<int:course_pk>/editors/",
        views_sharing.course_editors,
        name="course_editors",
    ),
    path("author/lessons/new/", views.lesson_create, name="lesson_create"),
    path("author/lessons/preview/", views.lesson_preview, name="lesson_preview"),
    path("author/lessons/validate/", views.lesson_validate, name="lesson_validate"),
    path("author/lessons/preview/show/", views_preview.preview_show, name="preview_show"),
    path("author/lessons/preview/command/", views_preview.preview_command, name="preview_command"),
    path("author/lessons/preview/check/", views_preview.preview_check, name="preview_check"),
    path(
        "author/lessons/<int:lesson_pk>/exercise.yaml",
        views_preview.exercise_source,
        name="exercise_source",
    ),
    path("author/help/<slug:name>/", views_preview.format_help, name="format_help"),
    path("author/lessons/autosave/", views.lesson_autosave, name="lesson_autosave"),
    path("author/lessons/<int:lesson_pk>/edit/", views.lesson_edit, name="lesson_edit"),
    path("author/lessons/<int:lesson_pk>/move/", views.lesson_move, name="lesson_move"),
    path("author/lessons/<int:lesson_pk>/archive/", views.lesson_archive, name="lesson_archive"),
    path("author/lessons/<int:lesson_pk>/export/", views.lesson_export, name="lesson_export"),
    path(
        "author/lessons/<int:lesson_pk>/analytics/",
        views.lesson_analytics,
        name="lesson_analytics",
    ),
    path("author/drafts/<int:draft_pk>/discard/", views.draft_discard, name="draft_discard"),
    path("author/import/", views_import.import_content, name="import"),
    path("author/import/confirm/", views_import.import_confirm, name="import_confirm"),
    path("author/classes/", views.classes, name="classes"),
    path("author/classes/<int:class_pk>/", views.class_detail, name="class"),
    path(
        "author/classes/<int:class_pk>/progress.csv",
        views_dashboard.class_progress_csv,
        name="class_progress_csv",
    ),
    path(
        "author/classes/<int:class_pk>/misconceptions.csv",
        views_dashboard.class_misconceptions_csv,
        name="class_misconceptions_csv",
    ),
    path(
        "author/classes/<int:class_pk>/lessons/<int:lesson_pk>/failed-checks/",
        views_dashboard.class_cause,
        name="class_cause",
    ),
    path(
        "author/classes/<int:class_pk>/instructors/",
        views_sharing.class_instructors,
        name="class_instructors",
    ),
    path("gradebook/", views_gradebook.gradebook, name="gradebook"),
    path("gradebook/export.csv", views_gradebook.gradebook_csv, name="gradebook_csv"),
    path("gradebook/learners/<int:learner_pk>/", views_gradebook.learner_detail, name="learner"),
    path(
        "gradebook/learners/<int:learner_pk>/lessons/<int:lesson_pk>/reset/",
        views_gradebook.learner_reset,
        name="learner_reset",
    ),
    path("join/", views.join, name="join"),
    path("join/<str:code>/", views.join_code, name="join_code"),
]
