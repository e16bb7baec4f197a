"""``{{ text|markdown }}``: lesson Markdown as sanitised HTML (lessons/markdown.py), for the
lesson page, where it sits inside ``{% cache %}`` fragments keyed by the text itself."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from lessons.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return render_markdown(text)
