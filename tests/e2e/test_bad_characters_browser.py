"""A NUL pasted into the lesson editor: the autosave says what is wrong instead of failing
silently (static/js/app.js shows the plain-text reason of a refused htmx post)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

sys.path.insert(0, str(Path(__file__).parents[1] / "web"))
from exercise_specs import make_course
from test_authoring import log_in

from instructors.models import LessonDraft

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_nul_in_the_editor_is_named_by_the_autosave(page: Page, instructor, password):
    make_course()
    log_in(page, instructor.username, password)
    page.goto("/author/lessons/new/")
    with page.expect_response(lambda r: r.url.endswith("/autosave/")) as response:
        page.get_by_role("textbox", name="Content").fill("binary\x00junk")
    assert response.value.status == 400
    expect(page.get_by_role("alert")).to_contain_text(
        "“body” contains a NUL character (\\0) at character 7, which can't be saved."
    )
    assert not LessonDraft.objects.exists()
