"""Zone rows (the DNS exercise form): each row's error beside it, the zone text from the rest."""

from __future__ import annotations

import pytest

from netlearn.sim.names.records import row_error, zone_from_rows


def row(name="www", rtype="A", value="192.0.2.1", ttl=300):
    return {"name": name, "type": rtype, "value": value, "ttl": ttl}


def test_valid_rows_make_a_zone():
    text, errors = zone_from_rows("example.com", [row(), row("@", "AAAA", "2001:db8::1", "")])
    assert errors == [None, None]
    assert text == "www 300 IN A 192.0.2.1\n@ 300 IN AAAA 2001:db8::1\n"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (row(rtype="XX"), "unknown record type 'XX'"),
        (row(value=""), "the record needs a value"),
        (row(ttl="soon"), "TTL 'soon' is not a number of seconds"),
        (row(value="192.0.2.300"), "the record is malformed"),
    ],
)
def test_a_bad_row_is_explained(bad, message):
    assert row_error("example.com", bad).startswith(message)


def test_a_conflict_is_reported_on_the_row_that_completes_it():
    rows = [row(), row("mail"), row("www", "CNAME", "example.com."), row("shop")]
    text, errors = zone_from_rows("example.com", rows)
    assert errors[:2] == [None, None] and errors[3] is None
    assert errors[2].startswith("www.example.com has a CNAME and other data (A)")
    assert "CNAME" not in text
