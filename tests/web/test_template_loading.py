"""Templates are parsed once per process, not on every response (the load test found each
terminal command re-parsing lesson.html and its partials: 40% of a command's time)."""

from __future__ import annotations

from django.template import engines


def test_a_page_template_is_parsed_once_and_then_reused():
    engine = engines["django"]
    first = engine.get_template("lessons/lesson.html")
    again = engine.get_template("lessons/lesson.html")
    assert again.template is first.template


def test_a_partial_comes_from_the_same_parsed_page():
    engine = engines["django"]
    first = engine.get_template("lessons/lesson.html#terminal-entry")
    again = engine.get_template("lessons/lesson.html#terminal-entry")
    assert again.template is first.template
