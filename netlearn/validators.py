"""Text PostgreSQL can't store, refused where it comes in with a message saying what to fix.

PostgreSQL refuses a NUL character (``\\x00``) in any text or JSON value, and a lone UTF-16
surrogate (``\\ud800``, which YAML's ``"\\ud800"`` escape produces) can't even be encoded to send
it. SQLite stores both, so without a check a form that works in development answers 500 in
production. Every form's text fields carry :func:`validate_storable_text` (through
:class:`StorableTextMixin`); data parsed from a text (an exercise's YAML) is searched with
:func:`unstorable_path`; netlearn.security refuses such characters in URLs and in htmx posts.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _what(character: str) -> str:
    if character == "\x00":
        return "a NUL character (\\0)"
    return f"a broken character (a lone surrogate, \\u{ord(character):04x})"


def find_unstorable(text: str) -> str | None:
    """What can't be stored in ``text`` and where ("a NUL character (\\0) at character 3"; line
    and column in a text of several lines), or None when all of it can."""
    found = UNSTORABLE.search(text)
    if found is None:
        return None
    start = found.start()
    if "\n" in text:
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        return f"{_what(found.group())} on line {line}, column {column}"
    return f"{_what(found.group())} at character {start + 1}"


def unstorable_message(text: str, *, subject: str = "This text") -> str | None:
    """The message for a text that can't be stored, or None when it can."""
    problem = find_unstorable(text)
    if problem is None:
        return None
    return f"{subject} contains {problem}, which can't be saved. Remove it and try again."


def validate_storable_text(value: Any) -> None:
    """A field validator: refuses text with a NUL character or a lone surrogate."""
    if isinstance(value, str) and (message := unstorable_message(value)) is not None:
        raise ValidationError(message, code="unstorable")


def unstorable_path(data: Any) -> str | None:
    """The path (``scenario.hosts.A.hosts_file``) of the first key or string in nested dicts and
    lists that can't be stored, or None. Iterative, so no depth of nesting can overflow."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if UNSTORABLE.search(value):
                return path or "(the whole value)"
        elif isinstance(value, dict):
            for key, item in value.items():
                child = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and UNSTORABLE.search(key):
                    return child
                stack.append((child, item))
        elif isinstance(value, list | tuple):
            stack.extend((f"{path}[{index}]", item) for index, item in enumerate(value))
    return None


def guard_text_fields(form: forms.BaseForm) -> None:
    """Gives every text field of ``form`` :func:`validate_storable_text`, in place of Django's
    own NUL check (whose "Null characters are not allowed." says neither where nor what to do)."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField):
            field.validators = [
                v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
            ]
            field.validators.append(validate_storable_text)


class StorableTextMixin:
    """First base of a form whose text fields must be storable in PostgreSQL (all of ours)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        guard_text_fields(self)
