from django.urls import path

from lessons import views

LESSON = "courses/<slug:course_slug>/<slug:lesson_slug>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("progress/", views.my_progress, name="my_progress"),
    path(LESSON, views.lesson, name="lesson"),
    path(f"{LESSON}command/", views.command, name="lesson_command"),
    path(f"{LESSON}check/", views.check, name="lesson_check"),
    path(f"{LESSON}hint/", views.hint, name="lesson_hint"),
    path(f"{LESSON}reset/", views.reset, name="lesson_reset"),
]
