"""The author's exercise text, kept beside the exercise the simulator validated.

The lessons app stores an exercise as its normalised fields (``save_exercise``); this module
keeps the YAML its author typed next to them (``Exercise.source_yaml``, with ``source_hash``
the content hash of the exercise the text was parsed into). The editor shows that text, export
writes it, import keeps the text of the file it read. When the exercise changed by another way
since (``loadlessons`` over it), the text is stale and the stored exercise, dumped,
is shown instead: never a text that means something else than what learners get.
"""

from __future__ import annotations

from django.db.models import F

from instructors import yamltext
from lessons import lessonfile
from lessons.models import Exercise, Lesson


def keep(*, lesson: Lesson, text: str) -> None:
    """Keep ``text`` as the typed source of the lesson's exercise (just saved from it); a
    browser sends a textarea's lines ending in CR LF, which are kept as the LF typed."""
    Exercise.objects.filter(lesson=lesson).update(
        source_yaml=text.replace("\r\n", "\n"), source_hash=F("content_hash")
    )


def text_of(exercise: Exercise | None) -> str:
    """The exercise's YAML for the editor: its author's text, or its stored form dumped."""
    if exercise is None:
        return ""
    if exercise.has_author_text:
        return exercise.source_yaml
    return lessonfile.dump_yaml(exercise.spec())


def text_for(*, lesson: Lesson) -> str:
    return text_of(Exercise.objects.filter(lesson=lesson).first())


def lesson_file_text(*, lesson: Lesson) -> str:
    """The lesson as a lesson file (export): the exercise as its author typed it, comments and
    all; a lesson without author text is written as before (``lessons.selectors``)."""
    exercise = Exercise.objects.filter(lesson=lesson).first()
    if exercise is not None and exercise.has_author_text:
        try:
            return yamltext.lesson_file(
                title=lesson.title,
                slug=lesson.slug,
                published=lesson.published,
                body=lesson.body,
                exercise_text=exercise.source_yaml,
            )
        except (ValueError, yamltext.YamlSyntaxError):
            pass
    return lessonfile.serialise_lesson(
        lessonfile.LessonFile(
            title=lesson.title,
            slug=lesson.slug,
            body=lesson.body,
            published=lesson.published,
            exercise=exercise.spec() if exercise is not None else None,
        )
    )


def keep_from_file(*, lesson: Lesson, file_text: str) -> None:
    """After importing ``file_text`` into ``lesson``: keep the exercise's text as the file
    wrote it (when it can be cut out of the front matter and still means the same)."""
    try:
        front, _ = lessonfile.split_front_matter(file_text)
        exercise = lessonfile.load_yaml(front).get("exercise")
    except (lessonfile.LessonFileError, AttributeError):
        return
    if not isinstance(exercise, dict):
        return
    text = yamltext.exercise_text_in(front, exercise)
    if text is not None:
        keep(lesson=lesson, text=text)
