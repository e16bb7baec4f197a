"""Lesson text: Markdown rendered with ``markdown``, then sanitised with ``nh3``.

Instructors write the Markdown, learners read the HTML: whatever an instructor types (a raw
``<script>``, an ``onclick=``, a ``javascript:`` link), only the tags and attributes below reach
the page; images only when they are the site's own files (``lessons/markdown_images.py``). The
instructor's Preview uses the same function, so what they see is what learners get.
"""

from __future__ import annotations

import functools

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


# Markdown's parser is pure Python: a lesson takes milliseconds to render, most of a lesson page's
# time, and every view of the page shows the same few texts. So each process keeps the HTML of the
# texts it rendered last, keyed by the text itself: an edited lesson is a new key, so there is
# nothing to invalidate and no stale page. Longer texts than CACHED_CHARS (rare) are rendered each
# time, which bounds the memory the cache can hold.
CACHED_TEXTS = 256
CACHED_CHARS = 64 * 1024


def render_markdown(text: str) -> SafeString:
    """Markdown -> sanitised HTML, safe to put in a template.

    A lesson's own ``# Title`` becomes ``<h2>``-level at most (the page owns the ``<h1>``), and
    links get ``rel="noopener noreferrer"``.
    """
    text = text or ""
    html = _render_cached(text) if len(text) <= CACHED_CHARS else _render(text)
    return mark_safe(html)  # noqa: S308 -- nh3 sanitised it


@functools.lru_cache(maxsize=CACHED_TEXTS)
def _render_cached(text: str) -> str:
    return _render(text)


def _render(text: str) -> str:
    html = md.markdown(text, extensions=EXTENSIONS, output_format="html")
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
