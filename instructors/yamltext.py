"""The exercise YAML as its author typed it: where things are in it, and lesson files around it.

The editor keeps the author's text (comments such as ``# Teacher note``, key order, flow-style
lines, blank lines) and derives the structured exercise from it; nothing here ever re-dumps a
parsed exercise over that text. Where a lesson file has to be written (export), the author's
text goes in verbatim; only when it cannot (a text the front matter cannot hold as it is) is
the YAML produced by ruamel.yaml's round-trip mode, which keeps comments and flow style too.
Every text made here is read back and compared with what it must mean before it is used.

Nothing here touches the database (``exercisetext`` does).
"""

from __future__ import annotations

import io
import re
import textwrap
from dataclasses import dataclass
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError as RuamelError

from lessons import lessonfile

_LOADER = lessonfile._Loader


class YamlSyntaxError(Exception):
    """The text is not YAML; ``line`` and ``column`` are 1-based (None when unknown)."""

    def __init__(self, message: str, line: int | None, column: int | None) -> None:
        self.message, self.line, self.column = message, line, column
        super().__init__(message)


def load(text: str) -> Any:
    """Parse the exercise YAML as lesson files are read (YAML 1.2 booleans); a syntax error
    says where, as line and column of the textbox."""
    try:
        return yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        if mark is None:
            raise YamlSyntaxError(f"invalid YAML: {problem}", None, None) from None
        raise YamlSyntaxError(f"invalid YAML: {problem}", mark.line + 1, mark.column + 1) from None


# -- where a field is ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Location:
    line: int  # 1-based
    column: int  # 1-based


def locate(text: str, path: str) -> Location | None:
    """Where ``path`` (``exercise.goals[1].to``) is in the exercise YAML ``text``: the deepest
    node of the path that exists (its key, in a mapping). Keys may contain dots
    (``example.com``), so a key is matched against the rest of the path, longest first."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError:
        return None
    if node is None:
        return None
    rest = path.removeprefix("exercise").lstrip(".")
    mark = node.start_mark
    while rest and node is not None:
        if isinstance(node, yaml.SequenceNode):
            match = re.match(r"\[(\d+)\]\.?", rest)
            if not match or int(match[1]) >= len(node.value):
                break
            node, rest = node.value[int(match[1])], rest[match.end() :]
            mark = node.start_mark
        elif isinstance(node, yaml.MappingNode):
            found = _longest_key(node, rest)
            if found is None:
                break
            key, node = found
            rest = rest[len(str(key.value)) :].removeprefix(".")
            mark = key.start_mark
        else:
            break
    return Location(mark.line + 1, mark.column + 1)


def _longest_key(node: yaml.MappingNode, rest: str) -> tuple[yaml.Node, yaml.Node] | None:
    found = None
    for key, value in node.value:
        name = str(key.value)
        matches = rest == name or rest.startswith((name + ".", name + "["))
        if matches and (found is None or len(name) > len(str(found[0].value))):
            found = (key, value)
    return found


# -- the exercise inside a lesson file -------------------------------------------------------------


def exercise_text_in(front: str, exercise: Any) -> str | None:
    """The exercise's text as written in a lesson file's front matter (its lines, dedented,
    comments and blank lines kept), or None when it cannot be cut out so that it still means
    ``exercise``; then ruamel.yaml's round trip of it, which keeps its comments."""
    for text in (_cut(front), _roundtrip_exercise(front)):
        if text is not None and _means(text, exercise):
            return text
    return None


def _cut(front: str) -> str | None:
    try:
        root = yaml.compose(front, Loader=_LOADER)
    except yaml.YAMLError:
        return None
    if not isinstance(root, yaml.MappingNode):
        return None
    pairs = root.value
    index = next((i for i, (key, _) in enumerate(pairs) if key.value == "exercise"), None)
    if index is None:
        return None
    key, value = pairs[index]
    if value.start_mark.line == key.start_mark.line:  # `exercise: {kind: ...}` (flow style)
        return front[value.start_mark.index : value.end_mark.index].strip() + "\n"
    lines = front.splitlines()
    end = pairs[index + 1][0].start_mark.line if index + 1 < len(pairs) else len(lines)
    block = lines[key.start_mark.line + 1 : end]
    while block and not block[-1].strip():
        block.pop()
    return _dedent(block)


def _dedent(lines: list[str]) -> str:
    """Lines of a nested block moved to column 0; a comment written further left stays
    where it can (at column 0)."""
    content = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not content:
        return ""
    width = min(len(line) - len(line.lstrip(" ")) for line in content)
    out = []
    for line in lines:
        out.append(line[width:] if line[:width].strip() == "" else line.lstrip(" "))
    return "\n".join(out) + "\n"


def _roundtrip() -> YAML:
    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = 4096  # never fold a long line the author wrote on one line
    rt.indent(mapping=2, sequence=4, offset=2)
    return rt


def _roundtrip_exercise(front: str) -> str | None:
    rt = _roundtrip()
    try:
        data = rt.load(front)
        if not isinstance(data, dict) or "exercise" not in data:
            return None
        out = io.StringIO()
        rt.dump(data["exercise"], out)
    except (RuamelError, ValueError, TypeError):
        return None
    return out.getvalue()


def _means(text: str, exercise: Any) -> bool:
    try:
        return load(text) == exercise
    except YamlSyntaxError:
        return False


def lesson_file(*, title: str, slug: str, published: bool, body: str, exercise_text: str) -> str:
    """A lesson file whose ``exercise`` is the author's text, verbatim (indented under its
    key). Raises ValueError when the text cannot be written so that the file reads back the
    same (the caller then writes the parsed exercise instead)."""
    head: dict[str, Any] = {"title": title, "slug": slug}
    if not published:
        head["published"] = False
    wanted = load(exercise_text)
    candidates = [
        lessonfile.dump_yaml(head) + "exercise:\n" + textwrap.indent(exercise_text, "  "),
        _roundtrip_front(head, exercise_text),
    ]
    body = body if body.endswith("\n") or not body else body + "\n"
    for front in candidates:
        if front is None:
            continue
        text = f"---\n{front.rstrip()}\n---\n{body}"
        try:
            parsed = lessonfile.parse_lesson(text, default_slug=slug)
        except lessonfile.LessonFileError:
            continue
        if (parsed.title, parsed.slug, parsed.published, parsed.exercise) == (
            title,
            slug,
            published,
            wanted,
        ) and parsed.body == body:
            return text
    raise ValueError("the exercise text cannot be written into a lesson file as it is")


def _roundtrip_front(head: dict, exercise_text: str) -> str | None:
    """The front matter produced by ruamel.yaml's round trip: the exercise's comments and flow
    style survive even where its text could not be pasted as it is."""
    rt = _roundtrip()
    try:
        exercise = rt.load(exercise_text)
        out = io.StringIO()
        rt.dump({**head, "exercise": exercise}, out)
    except (RuamelError, ValueError, TypeError):
        return None
    return out.getvalue()
