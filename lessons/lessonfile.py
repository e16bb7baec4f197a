"""The lesson file format: YAML front matter and a Markdown body; ``course.yaml`` per course.

A lesson file (``lessons/content/<course>/NN-slug.md``)::

    ---
    title: Routing between networks
    slug: routing-between-networks      # optional: the file name without NN- and .md
    published: true                     # optional, default true
    exercise: {kind: terminal, ...}     # see lessons/exercises.py
    ---
    Lesson text in Markdown.

A course folder's ``course.yaml``: ``title`` (required), ``description``, ``order``,
``published``. YAML is read with YAML 1.2's booleans (only true/false), so a goal's ``on: A`` is
the key "on", not the boolean true. Parsing checks the structure only; ``lessons.exercises``
validates an exercise with the simulator. Errors name the file and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from netlearn.sim.yamlload import BoundedComposer

LESSON_KEYS = ("title", "slug", "published", "exercise")
COURSE_KEYS = ("title", "description", "order", "published")
LESSON_FILE = re.compile(r"^(?P<number>\d+)-(?P<slug>[a-z0-9][a-z0-9-]*)\.md$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
MAX_LESSON_FILE = 256 * 1024  # characters in one lesson file
MAX_MARKDOWN = 128 * 1024  # characters of a lesson's Markdown text
MAX_EXERCISE_YAML = 128 * 1024  # characters of an exercise's YAML (a lesson's front matter)
MAX_COURSE_FILE = 64 * 1024  # characters in one course.yaml
MAX_TITLE = 200
MAX_ORDER = 2**31 - 1  # a course's order is a PositiveIntegerField: 32 bits on PostgreSQL


class LessonFileError(Exception):
    """A lesson or course file is invalid: ``path`` (the file), ``field`` and ``message``."""

    def __init__(self, message: str, *, path: str = "", field: str = "") -> None:
        self.path = path
        self.field = field
        self.message = message
        where = ": ".join(part for part in (path, field) if part)
        super().__init__(f"{where}: {message}" if where else message)


class _Loader(BoundedComposer, yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans: ``on``, ``off``, ``yes``, ``no`` stay strings; deep
    nesting, recursive aliases and alias bombs are YAML errors (``netlearn.sim.yamlload``)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


class _Dumper(yaml.SafeDumper):
    """Writes multi-line strings as ``|`` blocks and quotes what YAML 1.1 would misread."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str_representer)


def load_yaml(text: str, *, path: str = "") -> Any:
    """Parse YAML with YAML 1.2 booleans; errors name the file and line."""
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise LessonFileError(f"invalid YAML: {problem}", path=path, field=where) from None


def dump_yaml(data: Any) -> str:
    return yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    )


@dataclass(frozen=True, slots=True)
class LessonFile:
    title: str
    slug: str
    body: str
    published: bool = True
    exercise: dict | None = None


@dataclass(frozen=True, slots=True)
class CourseFile:
    slug: str
    title: str
    description: str = ""
    order: int | None = None
    published: bool = True


def split_front_matter(text: str, *, path: str = "") -> tuple[str, str]:
    """(front matter YAML, Markdown body) of a lesson file."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    if not text.startswith("---\n"):
        raise LessonFileError(
            "a lesson file starts with a front matter block between '---' lines", path=path
        )
    end = re.search(r"^---[ \t]*$", text[4:], re.M)
    if end is None:
        raise LessonFileError("the front matter has no closing '---' line", path=path)
    front = text[4 : 4 + end.start()]
    body = text[4 + end.end() :].lstrip("\n")
    return front, body


def parse_lesson(text: str, *, path: str = "", default_slug: str = "") -> LessonFile:
    """Read a lesson file. ``default_slug`` (from its file name) is used when the front matter
    gives none."""
    if len(text) > MAX_LESSON_FILE:
        raise LessonFileError(
            f"the file has {len(text)} characters; a lesson file has at most {MAX_LESSON_FILE}",
            path=path,
        )
    front, body = split_front_matter(text, path=path)
    if len(front) > MAX_EXERCISE_YAML:
        raise LessonFileError(
            f"the front matter (the exercise's YAML) has {len(front)} characters; "
            f"at most {MAX_EXERCISE_YAML} are accepted",
            path=path,
        )
    if len(body) > MAX_MARKDOWN:
        raise LessonFileError(
            f"the lesson text (Markdown) has {len(body)} characters; "
            f"at most {MAX_MARKDOWN} are accepted",
            path=path,
        )
    data = load_yaml(front, path=path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise LessonFileError("the front matter must be a mapping", path=path)
    for key in data:
        if key not in LESSON_KEYS:
            raise LessonFileError(
                f"unknown key (expected one of {', '.join(LESSON_KEYS)})", path=path, field=key
            )
    title = data.get("title")
    if not isinstance(title, str) or not title.strip() or len(title) > MAX_TITLE:
        raise LessonFileError(
            f"every lesson needs a title (text, at most {MAX_TITLE} characters)",
            path=path,
            field="title",
        )
    slug = data.get("slug", default_slug)
    if not isinstance(slug, str) or not SLUG.match(slug):
        raise LessonFileError(
            "must be lower-case letters, digits and dashes (like routing-between-networks)",
            path=path,
            field="slug",
        )
    published = data.get("published", True)
    if not isinstance(published, bool):
        raise LessonFileError("must be true or false", path=path, field="published")
    exercise = data.get("exercise")
    if exercise is not None and not isinstance(exercise, dict):
        raise LessonFileError("must be a mapping (kind, prompt, ...)", path=path, field="exercise")
    return LessonFile(
        title=title.strip(), slug=slug, body=body, published=published, exercise=exercise
    )


def serialise_lesson(lesson: LessonFile) -> str:
    """The lesson file text of a lesson (what export writes and import reads back)."""
    data: dict[str, Any] = {"title": lesson.title, "slug": lesson.slug}
    if not lesson.published:
        data["published"] = False
    if lesson.exercise is not None:
        data["exercise"] = lesson.exercise
    body = lesson.body if lesson.body.endswith("\n") or not lesson.body else lesson.body + "\n"
    return f"---\n{dump_yaml(data)}---\n{body}"


def parse_course(text: str, *, path: str = "", slug: str) -> CourseFile:
    """Read a ``course.yaml``; ``slug`` is the course folder's name."""
    if not SLUG.match(slug):
        raise LessonFileError(
            f"the course folder name {slug!r} must be lower-case letters, digits and dashes",
            path=path,
        )
    if len(text) > MAX_COURSE_FILE:
        raise LessonFileError(
            f"the file has {len(text)} characters; course.yaml has at most {MAX_COURSE_FILE}",
            path=path,
        )
    data = load_yaml(text, path=path)
    if not isinstance(data, dict):
        raise LessonFileError("course.yaml must be a mapping with a title", path=path)
    for key in data:
        if key not in COURSE_KEYS:
            raise LessonFileError(
                f"unknown key (expected one of {', '.join(COURSE_KEYS)})", path=path, field=key
            )
    title = data.get("title")
    if not isinstance(title, str) or not title.strip() or len(title) > MAX_TITLE:
        raise LessonFileError("every course needs a title", path=path, field="title")
    description = data.get("description", "") or ""
    if not isinstance(description, str):
        raise LessonFileError("must be text", path=path, field="description")
    order = data.get("order")
    if order is not None and (not isinstance(order, int) or isinstance(order, bool) or order < 0):
        raise LessonFileError("must be a whole number", path=path, field="order")
    if order is not None and order > MAX_ORDER:
        raise LessonFileError(f"must be at most {MAX_ORDER:,}", path=path, field="order")
    published = data.get("published", True)
    if not isinstance(published, bool):
        raise LessonFileError("must be true or false", path=path, field="published")
    return CourseFile(
        slug=slug,
        title=title.strip(),
        description=description.strip(),
        order=order,
        published=published,
    )


def serialise_course(course: CourseFile) -> str:
    data: dict[str, Any] = {"title": course.title}
    if course.description:
        data["description"] = course.description
    if course.order is not None:
        data["order"] = course.order
    if not course.published:
        data["published"] = False
    return dump_yaml(data)


def lesson_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """(lesson files ordered by name, other ``.md`` files that are not lessons) of a course
    folder."""
    lessons, others = [], []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if not path.is_file() or path.suffix != ".md":
            continue
        (lessons if LESSON_FILE.match(path.name) else others).append(path)
    return lessons, others


def slug_from_file_name(name: str) -> str:
    match = LESSON_FILE.match(name)
    return match["slug"] if match else ""
