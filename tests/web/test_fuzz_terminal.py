"""Fuzzing the terminal through the web: whatever a learner types (the simulator fuzzers' random
text and grammar-aware lines, tests/sim/test_fuzz_shell.py), the command view answers 200 over
htmx and 200/302 as a plain post, the output is escaped, the page still renders, and Check my work
still grades. A 500 here would be a learner staring at an error page.

``HYPOTHESIS_PROFILE=fuzz`` runs twenty times as many examples (tests/fuzzing.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from exercise_specs import make_lesson
from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parents[1] / "sim"))

from fuzzing import fuzz_settings
from test_fuzz_shell import command_line, random_text

from lessons.services.terminal import reset_workspace

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def terminal():
    return make_lesson("terminal", slug="routing")


@fuzz_settings(40, fixtures=True)
@given(
    runs=st.lists(
        st.tuples(st.sampled_from(["A", "R", "C", "Z", ""]), command_line | random_text),
        min_size=1,
        max_size=6,
    ),
    htmx=st.booleans(),
)
def test_any_line_typed_in_the_terminal_gets_a_page_never_a_500(
    learner_client, learner, terminal, runs, htmx
):
    cache.clear()  # the commands rate limit counts every example of this one test
    reset_workspace(learner=learner, exercise=terminal.exercise)
    course, slug = terminal.course.slug, terminal.slug
    for host, line in runs:
        response = learner_client.post(
            reverse("lesson_command", args=[course, slug]),
            {"host": host, "line": line},
            **(HX if htmx else {}),
        )
        assert response.status_code in ((200,) if htmx else (200, 302)), (host, line)
        if "<script" in line:
            assert "<script" not in response.content.decode()
    page = learner_client.get(reverse("lesson", args=[course, slug]))
    assert page.status_code == 200
    check = learner_client.post(reverse("lesson_check", args=[course, slug]), **HX)
    assert check.status_code == 200


# -- the routes, DNS and quiz forms ----------------------------------------------------------------

FIELD_VALUES = st.one_of(
    st.sampled_from(
        [
            "", "A", "C", "R", "Z", "example.com", "www", "@", "*", "A", "AAAA", "CNAME", "MX",
            "192.165.2.0/24", "192.165.1.1", "default", "eth0", "eth9", "0", "-1", "300",
            "99999999999999999999", "1.2.3.300", "www.example.com.", "¹", "٣", "1e3", "0x10",
            "<script>alert(1)</script>", "192.165.2.0/24 via 192.165.1.1", "a" * 300,
        ]
    ),
    st.text(max_size=20),
)  # fmt: skip
ROW_FIELDS = {
    "routes": ("host", "destination", "gateway", "device", "metric"),
    "dns": ("zone", "name", "type", "value", "ttl"),
}


@st.composite
def form_posts(draw, kind: str) -> dict:
    if kind == "quiz":
        return {f"q{i}": draw(FIELD_VALUES) for i in range(draw(st.integers(0, 4)))}
    prefix = "routes" if kind == "routes" else "records"
    rows = draw(st.integers(0, 4))
    data = {
        f"{prefix}-TOTAL_FORMS": draw(st.sampled_from([str(rows), "", "x", "-1", "100000"])),
        f"{prefix}-INITIAL_FORMS": draw(st.sampled_from(["0", "", "x"])),
    }
    for i in range(rows):
        for name in ROW_FIELDS[kind]:
            if draw(st.integers(0, 5)):
                data[f"{prefix}-{i}-{name}"] = draw(FIELD_VALUES)
    if draw(st.integers(0, 3)) == 0:
        data["add_row"] = "1"
    return data


@pytest.fixture
def form_lessons():
    return {kind: make_lesson(kind, slug=f"{kind}-lesson") for kind in ("routes", "dns", "quiz")}


@fuzz_settings(60, fixtures=True)
@given(data=st.data(), kind=st.sampled_from(["routes", "dns", "quiz"]), htmx=st.booleans())
def test_any_form_post_is_graded_or_refused_never_a_500(
    learner_client, form_lessons, data, kind, htmx
):
    cache.clear()  # the checks rate limit counts every example of this one test
    lesson = form_lessons[kind]
    post = data.draw(form_posts(kind))
    url = reverse("lesson_check", args=[lesson.course.slug, lesson.slug])
    response = learner_client.post(url, post, **(HX if htmx else {}))
    assert response.status_code in (200, 302), post
    assert "<script>alert(1)</script>" not in response.content.decode()
