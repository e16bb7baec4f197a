"""Lesson text: Markdown rendered with ``markdown``, then sanitised with ``nh3``.

Instructors write the Markdown, learners read the HTML: whatever an instructor types (a raw
``<script>``, an ``onclick=``, a ``javascript:`` link), only the tags and attributes below reach
the page; images only when they are the site's own files (``lessons/markdown_images.py``). The
instructor's Preview uses the same function, so what they see is what learners get. Markdown's
parser is pure Python (milliseconds a lesson): the lesson page keeps what it rendered in
``{% cache %}`` fragments keyed by the text (templates/lessons/lesson.html).
"""

from __future__ import annotations

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

from lessons.markdown_images import ImagePolicyExtension, attribute_filter

EXTENSIONS = ["fenced_code", "tables", "sane_lists", "smarty", ImagePolicyExtension()]

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "samp", "strong",
    "sub", "summary", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "code": {"class"},  # fenced_code's language-xxx
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> SafeString:
    """Markdown -> sanitised HTML, safe to put in a template.

    A lesson's own ``# Title`` becomes ``<h2>``-level at most (the page owns the ``<h1>``), and
    links get ``rel="noopener noreferrer"``.
    """
    html = md.markdown(text or "", extensions=EXTENSIONS, output_format="html")
    return mark_safe(_sanitise(html))  # nh3 sanitised it


def _sanitise(html: str) -> str:
    return nh3.clean(
        _demote_h1(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=attribute_filter,
    )


def _demote_h1(html: str) -> str:
    return html.replace("<h1>", "<h2>").replace("<h1 ", "<h2 ").replace("</h1>", "</h2>")
