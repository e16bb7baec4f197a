"""The dns kind: record rows join their zone on every server that serves it, checked with
dnspython and the zone's own rules."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.http import QueryDict
from exercise_specs import spec

from lessons.kinds import get_kind
from lessons.kinds.base import SubmissionError

DNS = get_kind("dns")


def posted(*rows: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    data.update({"records-TOTAL_FORMS": str(len(rows)), "records-INITIAL_FORMS": "0"})
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"records-{i}-{key}"] = value
    return data


def test_a_solution_record_for_a_zone_nobody_serves_is_rejected():
    exercise = spec("dns")
    exercise["solution"]["records"] = {"example.net": ["www 300 IN A 192.165.1.50"]}
    problems = DNS.validate(exercise, "exercise")
    assert [(p.path, p.message) for p in problems] == [
        (
            "exercise.solution.records.example.net",
            "no DNS server in this exercise serves the zone example.net",
        )
    ]


def test_the_solution_passes_every_goal():
    exercise = spec("dns")
    assert DNS.solved_network(exercise, "exercise.solution")[1] == []
    assert DNS.grade(exercise, submission=DNS.solution_submission(exercise)).passed


def test_the_records_are_what_the_server_answers():
    net = DNS.network(
        spec("dns"),
        submission={
            "records": {
                "example.com": [
                    {"name": "www", "type": "A", "value": "192.165.1.50", "ttl": "60"},
                    "mail 300 IN MX 10 www",
                ]
            }
        },
    )
    assert net.run("A", "dig +short www.example.com").output == "192.165.1.50\n"
    assert net.run("A", "dig +short MX mail.example.com").output == "10 www.example.com.\n"


def test_a_cname_beside_other_data_is_blamed_on_the_row_that_breaks_the_zone():
    with pytest.raises(SubmissionError) as info:
        DNS.network(
            spec("dns"),
            submission={
                "records": {
                    "example.com": [
                        {"name": "www", "type": "A", "value": "192.165.1.50"},
                        {"name": "www", "type": "CNAME", "value": "example.com."},
                    ]
                }
            },
        )
    assert list(info.value.errors) == ["records.example.com[1]"]
    assert "CNAME" in info.value.errors["records.example.com[1]"]


def test_a_value_of_the_wrong_type_says_what_the_type_holds():
    with pytest.raises(SubmissionError) as info:
        DNS.network(
            spec("dns"),
            submission={
                "records": {"example.com": [{"name": "www", "type": "AAAA", "value": "1.2.3.4"}]}
            },
        )
    assert info.value.errors == {
        "records.example.com[0]": (
            "'1.2.3.4' is not a valid AAAA value: an AAAA record maps a name to an IPv6 "
            "address, such as 2001:db8::10"
        )
    }


def test_the_form_offers_the_served_zones_and_reads_rows_by_zone():
    assert DNS.choices(spec("dns")) == ["example.com"]
    form = DNS.bound_form(
        spec("dns"),
        posted(
            {"zone": "example.com", "name": "www", "type": "A", "value": "192.165.1.50"},
            {"zone": "example.com", "name": "", "type": "A", "value": "", "ttl": "60"},
        ),
    )
    assert form.is_valid()
    assert form.submission() == {
        "records": {
            "example.com": [{"name": "www", "type": "A", "value": "192.165.1.50", "ttl": ""}]
        }
    }


def test_a_ttl_out_of_range_is_refused_by_the_form():
    form = DNS.bound_form(
        spec("dns"),
        posted({"zone": "example.com", "name": "www", "value": "1.2.3.4", "ttl": "9" * 11}),
    )
    assert not form.is_valid()
    assert form.formset.forms[0].errors["ttl"] == [
        "The TTL is a whole number of seconds (0 to 2147483647)."
    ]


def test_the_page_shows_the_saved_records():
    saved = {"example.com": [{"name": "www", "type": "A", "value": "192.165.1.50", "ttl": ""}]}
    ctx = DNS.page_context(
        spec=spec("dns"), view=SimpleNamespace(rows={"records": saved}), host="", extra={}
    )
    assert ctx["formset"].initial[0]["zone"] == "example.com"
    assert ctx["formset"].initial[0]["value"] == "192.165.1.50"
    assert (ctx["rows"].id, ctx["rows"].add) == ("dns-rows", "Add record")
