"""The routes kind: rows become `ip route add` on their host, with the kernel's errors by row."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.http import QueryDict
from exercise_specs import spec

from lessons.kinds import get_kind
from lessons.kinds.base import SubmissionError

ROUTES = get_kind("routes")


def posted(*rows: dict, add_row: bool = False) -> QueryDict:
    data = QueryDict(mutable=True)
    data.update({"routes-TOTAL_FORMS": str(len(rows)), "routes-INITIAL_FORMS": "0"})
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"routes-{i}-{key}"] = value
    if add_row:
        data["add_row"] = "1"
    return data


def test_a_solution_row_with_a_gateway_off_link_is_rejected_with_the_kernels_error():
    exercise = spec("routes")
    exercise["solution"]["routes"]["C"] = ["default via 10.0.0.1"]
    problems = ROUTES.validate(exercise, "exercise")
    assert [(p.path, p.message) for p in problems] == [
        ("exercise.solution.routes.C[0]", "Error: Nexthop has invalid gateway.")
    ]


def test_the_solution_passes_every_goal():
    exercise = spec("routes")
    net, problems = ROUTES.solved_network(exercise, "exercise.solution")
    assert problems == []
    assert ROUTES.grade(exercise, submission=ROUTES.solution_submission(exercise)).passed


def test_the_rows_become_the_routes_the_learner_described():
    net = ROUTES.network(
        spec("routes"),
        submission={
            "routes": {
                "A": [
                    {"destination": "192.165.2.0/24", "gateway": "192.165.1.1", "metric": "5"},
                    "10.0.0.0/8 dev eth0",
                ]
            }
        },
    )
    table = net.run("A", "ip route").output
    assert "192.165.2.0/24 via 192.165.1.1 dev eth0 metric 5" in table
    assert "10.0.0.0/8 dev eth0 scope link" in table
    assert net.run("C", "ip route").output.count("\n") == 1  # C's table is untouched


def test_the_form_offers_the_solutions_hosts_and_reads_rows_by_host():
    assert ROUTES.choices(spec("routes")) == ["A", "C"]
    form = ROUTES.bound_form(
        spec("routes"),
        posted(
            {"host": "C", "destination": "default", "gateway": "192.165.2.1"},
            {"host": "A", "destination": "", "gateway": ""},  # blank: left out
            {"host": "", "destination": "192.165.2.0/24", "gateway": "192.165.1.1"},
        ),
    )
    assert form.is_valid() and not form.add_row
    assert form.submission() == {
        "routes": {
            "C": [{"destination": "default", "gateway": "192.165.2.1", "device": "", "metric": ""}],
            # a row without a host is for the exercise's first host
            "A": [
                {
                    "destination": "192.165.2.0/24",
                    "gateway": "192.165.1.1",
                    "device": "",
                    "metric": "",
                }  # fmt: skip
            ],
        }
    }


def test_a_rows_error_is_shown_beside_that_row():
    form = ROUTES.bound_form(
        spec("routes"),
        posted(
            {"host": "A", "destination": "192.165.2.0/24", "gateway": "192.165.1.1"},
            {"host": "A", "destination": "192.165.3.0/24", "gateway": "192.165.9.9"},
        ),
    )
    assert form.is_valid()
    with pytest.raises(SubmissionError) as info:
        ROUTES.grade(spec("routes"), submission=form.submission())
    assert form.attach_errors(info.value.errors) == {"loose_errors": []}
    first, second = form.formset.forms
    assert first.row_error == ""
    assert second.row_error == "Error: Nexthop has invalid gateway."
    assert second.fields["gateway"].widget.attrs["aria-invalid"] == "true"


def test_a_metric_that_is_not_a_number_is_refused_by_the_form():
    form = ROUTES.bound_form(
        spec("routes"), posted({"host": "A", "destination": "10.0.0.0/8", "metric": "high"})
    )
    assert not form.is_valid()
    assert form.formset.forms[0].errors["metric"] == [
        "The metric is a whole number (0 is the default)."
    ]


def test_add_route_adds_one_blank_row_to_what_was_posted():
    form = ROUTES.bound_form(spec("routes"), posted({"host": "A"}, add_row=True))
    assert form.add_row
    assert len(form.formset.forms) == 2


def test_the_page_shows_the_saved_rows_beside_the_starting_network():
    saved = {"A": [{"destination": "10.0.0.0/8", "gateway": "192.165.1.1"}]}
    view = SimpleNamespace(rows={"routes": saved})
    ctx = ROUTES.page_context(spec=spec("routes"), view=view, host="", extra={})
    assert ctx["formset"].initial == [
        {"host": "A", "destination": "10.0.0.0/8", "gateway": "192.165.1.1"}
    ]
    assert ctx["rows"].add == "Add route"
    assert "192.165.2.10" in ctx["diagram"]["svg"]
