"""Form exercises: route rows, DNS record rows and the quiz, with and without htmx."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from learner_data import lesson

from lessons.models import Progress, Workspace

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def check_url(item) -> str:
    return reverse("lesson_check", args=[item.course.slug, item.slug])


def page_url(item) -> str:
    return reverse("lesson", args=[item.course.slug, item.slug])


def rows(prefix: str, *items: dict) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(items)), f"{prefix}-INITIAL_FORMS": "0"}
    for i, item in enumerate(items):
        for key, value in item.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def test_route_rows_have_the_named_textboxes(learner_client, course):
    html = learner_client.get(page_url(lesson(course, "routing-table"))).content.decode()
    for label, name in (
        ("Destination", "destination"),
        ("Gateway", "gateway"),
        ("Device", "device"),
        ("Metric", "metric"),
    ):
        assert re.search(rf'<label\s+for="id_routes-0-{name}"[^>]*>\s*{label}\s*</label>', html)
        assert f'type="text" name="routes-0-{name}"' in html
    assert 'name="routes-0-host" value="A"' in html  # one host: no choice to make


def test_add_route_over_htmx_returns_the_rows_with_one_more(learner_client, course):
    item = lesson(course, "routing-table")
    data = rows("routes", {"host": "A", "destination": "10.0.0.0/8"}) | {"add_row": "1"}
    html = learner_client.post(check_url(item), data, **HX).content.decode()
    assert 'name="routes-TOTAL_FORMS" value="2"' in html
    assert 'value="10.0.0.0/8"' in html and 'name="routes-1-destination"' in html
    assert "<html" not in html


def test_add_route_without_javascript_shows_the_page_with_one_more_row(learner_client, course):
    item = lesson(course, "routing-table")
    data = rows("routes", {"host": "A", "destination": "10.0.0.0/8"}) | {"add_row": "1"}
    response = learner_client.post(check_url(item), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html and 'name="routes-1-destination"' in html


def test_a_bad_route_shows_the_kernels_error_beside_its_row(learner_client, learner, course):
    item = lesson(course, "routing-table")
    data = rows("routes", {"host": "A", "destination": "192.165.2.0/24", "gateway": "10.0.0.1"})
    html = learner_client.post(check_url(item), data, **HX).content.decode()
    assert (
        '<p class="row-error mb-1" id="routes-0-error">Error: Nexthop has invalid gateway.</p>'
        in html
    )
    assert 'aria-describedby="routes-0-error"' in html
    assert 'hx-swap-oob="innerHTML"' in html
    assert not Progress.objects.filter(learner=learner, attempts__gt=0).exists()  # nothing graded


def test_a_metric_that_is_not_a_number_is_refused(learner_client, course):
    item = lesson(course, "routing-table")
    data = rows("routes", {"host": "A", "destination": "192.165.2.0/24", "metric": "high"})
    html = learner_client.post(check_url(item), data, **HX).content.decode()
    assert "The metric is a whole number" in html


def test_the_right_route_passes_and_is_kept_for_next_time(learner_client, learner, course):
    item = lesson(course, "routing-table")
    data = rows(
        "routes",
        {"host": "A", "destination": "192.165.2.0/24", "gateway": "192.165.1.1"},
        {"host": "A"},
    )
    html = learner_client.post(check_url(item), data, **HX).content.decode()
    assert "Passed: A can reach 192.165.2.10" in html and "Lesson complete." in html
    state = Workspace.objects.get(learner=learner, exercise=item.exercise).state
    assert state["routes"]["A"][0]["gateway"] == "192.165.1.1"
    page = learner_client.get(page_url(item)).content.decode()
    assert 'value="192.165.1.1"' in page


def test_dns_rows_have_name_type_value_and_ttl(learner_client, course):
    html = learner_client.get(page_url(lesson(course, "dns-records"))).content.decode()
    for label in ("Name", "Value", "TTL"):
        assert re.search(rf"<label[^>]*>\s*{label}\s*</label>", html)
    assert re.search(r'<select name="records-0-type"', html)
    assert "Add record" in html


def test_a_bad_record_shows_its_error_beside_it(learner_client, course):
    item = lesson(course, "dns-records")
    data = rows(
        "records",
        {"zone": "example.com", "name": "www", "type": "A", "value": "not-an-ip", "ttl": "300"},
    )
    html = learner_client.post(check_url(item), data, **HX).content.decode()
    assert 'id="records-0-error"' in html
    assert "is not a valid A value" in html


def test_a_ttl_that_is_not_a_number_is_refused(learner_client, course):
    item = lesson(course, "dns-records")
    data = rows(
        "records",
        {"zone": "example.com", "name": "www", "type": "A", "value": "192.165.2.10", "ttl": "soon"},
    )
    html = learner_client.post(check_url(item), data, **HX).content.decode()
    assert "The TTL is a whole number of seconds" in html


def test_the_right_record_passes(learner_client, course):
    item = lesson(course, "dns-records")
    data = rows(
        "records",
        {"zone": "example.com", "name": "www", "type": "A", "value": "192.165.2.10", "ttl": "300"},
    )
    html = learner_client.post(check_url(item), data, **HX).content.decode()
    assert "Passed: www.example.com resolves on A to 192.165.2.10" in html


def test_the_quiz_grades_each_question(learner_client, course):
    item = lesson(course, "routing-quiz")
    html = learner_client.post(check_url(item), {"q0": "1", "q1": "1"}, **HX).content.decode()
    assert "Passed: Question 1" in html and "Failed: Question 2" in html
    html = learner_client.post(check_url(item), {"q0": "1", "q1": "0"}, **HX).content.decode()
    assert "Lesson complete." in html


def test_a_quiz_answer_out_of_range_is_refused(learner_client, course):
    item = lesson(course, "routing-quiz")
    html = learner_client.post(check_url(item), {"q0": "7"}, **HX).content.decode()
    assert "Choose one of the answers" in html
