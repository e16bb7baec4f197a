"""The author's exercise text, kept beside the exercise the simulator validated.

The lessons app stores an exercise as its normalised fields (``save_exercise``); this module
keeps the YAML its author typed next to them (``Exercise.source_yaml``, with ``source_hash``
the content hash of the exercise the text was parsed into). The editor shows that text, export
writes it, import keeps the text of the file it read. When the exercise changed by another way
since (``loadlessons`` over it), the text is stale and the stored exercise, dumped,
is shown instead: never a text that means something else than what learners get.
"""

from __future__ import annotations

from pathlib import Path

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
    text = _text_in_file(file_text)
    if text is not None:
        keep(lesson=lesson, text=text)


def _text_in_file(file_text: str) -> str | None:
    try:
        front, _ = lessonfile.split_front_matter(file_text)
        exercise = lessonfile.load_yaml(front).get("exercise")
    except (lessonfile.LessonFileError, AttributeError):
        return None
    return yamltext.exercise_text_in(front, exercise) if isinstance(exercise, dict) else None


def keep_from_folders(roots: list[Path], *, replace_typed: bool = True) -> int:
    """After loading course folders (``roots``, as ``load_content`` read them): each lesson's
    exercise keeps its text as its file wrote it. With ``replace_typed`` false (``loadlessons``
    at every start), a text an author typed in the editor is kept while the exercise it means
    is unchanged; only exercises whose text is missing, stale or the stored exercise written out
    get the file's. Returns how many texts were kept."""
    kept = 0
    for root in roots:
        for course_file in sorted(Path(root).glob("*/course.yaml")):
            folder = course_file.parent
            exercises = Exercise.objects.filter(
                lesson__course__slug=folder.name, lesson__source_path__startswith=f"{folder.name}/"
            ).select_related("lesson")
            by_source = {exercise.lesson.source_path: exercise for exercise in exercises}
            for path in lessonfile.lesson_files(folder)[0]:
                exercise = by_source.get(f"{folder.name}/{path.name}")
                if exercise is None or (not replace_typed and _typed(exercise)):
                    continue
                text = _text_in_file(path.read_text(encoding="utf-8", errors="replace"))
                if text is not None and text != exercise.source_yaml:
                    keep(lesson=exercise.lesson, text=text)
                    kept += 1
    return kept


def _typed(exercise: Exercise) -> bool:
    """Whether the exercise's text is someone's writing (not missing, stale, or the stored
    exercise written out by the migration)."""
    return exercise.has_author_text and exercise.source_yaml != lessonfile.dump_yaml(
        exercise.spec()
    )
