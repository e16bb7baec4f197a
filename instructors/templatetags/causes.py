"""``{% load causes %}``: ``{% cause item.cause %}`` shows a diagnosed cause to instructors."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from instructors.causes import UNKNOWN, cause_label

register = template.Library()


@register.simple_tag
def cause(code: str | None) -> str:
    """The cause's sentence with its code beside it, small, so the code stays searchable."""
    code = code or UNKNOWN
    label = cause_label(code)
    if label == code:
        return format_html('<code class="cause-code">{}</code>', code)
    return format_html('{} <code class="cause-code small">{}</code>', label, code)


@register.filter
def cause_text(code: str | None) -> str:
    """The cause's sentence alone (for text read aloud, where the code would be noise)."""
    return cause_label(code)
