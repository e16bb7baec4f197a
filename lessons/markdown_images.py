"""Images in lesson Markdown: only the site's own files are shown.

The Content Security Policy loads images from the site itself (``img-src 'self'``), so a lesson
may show ``![alt](/static/lessons/routing.svg)`` or a relative path, always with its alt text. Any
other source is not shown as an image:

- an ``http(s)://`` (or ``//host``) image elsewhere, which the browser would block anyway, becomes
  a link named by its alt text, so the reader can still open it (inside a link: its alt text);
- any other scheme (``javascript:``, ``data:``...) is dropped, leaving the alt text as plain text.

:class:`ImagePolicy` applies this to Markdown images; :func:`attribute_filter` is what nh3 calls on
every kept attribute, so an ``<img>`` typed as raw HTML loses a ``src`` that is not the site's own.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from urllib.parse import urlsplit

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor


def is_own_file(src: str) -> bool:
    """A path on this site: no scheme, no host, nothing a browser would read differently
    (whitespace, control characters and backslashes are refused: ``/\\evil.example`` is a host).

    >>> is_own_file("/static/lessons/lan.svg"), is_own_file("https://x.example/a.png")
    (True, False)
    """
    if not src or any(ch <= " " or ch in "\\\x7f" for ch in src):
        return False
    parts = urlsplit(src)
    return not parts.scheme and not parts.netloc and not src.startswith("//")


def is_external(src: str) -> bool:
    """An image on another web site (``http(s)://host/...`` or ``//host/...``)."""
    if any(ch <= " " or ch in "\\\x7f" for ch in src):
        return False
    parts = urlsplit(src)
    return bool(parts.netloc) and parts.scheme in ("", "http", "https")


def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """nh3's hook: an image keeps its ``src`` only when it is one of the site's own files."""
    if tag == "img" and attribute == "src" and not is_own_file(value):
        return None
    return value


class ImagePolicy(Treeprocessor):
    """Replaces every Markdown image that is not the site's own (see the module docstring)."""

    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            # From the last child back, so a removal never moves a child still to be seen.
            for index in reversed(range(len(parent))):
                child = parent[index]
                if child.tag == "img" and not is_own_file(child.get("src", "")):
                    _replace(parent, index, child)


def _replace(parent: etree.Element, index: int, img: etree.Element) -> None:
    src, alt = img.get("src", ""), img.get("alt", "")
    parent.remove(img)
    if is_external(src) and parent.tag != "a":  # a link inside a link would break both
        link = etree.Element("a", {"href": src})
        link.text = alt or src
        link.tail = img.tail
        parent.insert(index, link)
        return
    text = alt + (img.tail or "")
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + text


class ImagePolicyExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # Markdown's API
        # After the inline patterns (priority 20) have made the <img> elements.
        md.treeprocessors.register(ImagePolicy(md), "image_policy", 15)
