"""Zone files: parsed with dnspython, checked like named-checkzone, with learner-facing errors."""

from __future__ import annotations

import contextlib

import dns.name
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netlearn.sim.names.zones import MAX_ZONE_RECORDS, MAX_ZONE_TEXT, ZoneError, parse_zone


def names(zone):
    return sorted(str(r.name) for r in zone.rrsets())


def test_relative_names_are_completed_with_the_zone_name():
    zone = parse_zone("example.com", "@ 300 IN A 192.0.2.1\nwww 300 IN A 192.0.2.2\n")
    assert names(zone) == ["example.com.", "www.example.com."]


def test_ttl_directive_and_origin_directive_work():
    zone = parse_zone("example.com", "$TTL 60\nwww A 192.0.2.1\n$ORIGIN sub\nx A 192.0.2.9\n")
    assert {str(r.name): r.ttl for r in zone.rrsets()} == {
        "www.example.com.": 60,
        "x.sub.example.com.": 60,
    }


def test_it_rejects_a_cname_beside_other_data_naming_the_name():
    with pytest.raises(ZoneError) as err:
        parse_zone("example.com", "www 300 IN A 192.0.2.1\nwww 300 IN CNAME example.com.\n")
    assert str(err.value) == (
        "line 2: www.example.com has a CNAME and other data (A); "
        "a name with a CNAME record can have no other record"
    )


def test_it_rejects_other_data_added_after_a_cname():
    with pytest.raises(ZoneError, match=r"www.example.com has a CNAME and other data \(AAAA\)"):
        parse_zone("example.com", "www 300 IN CNAME @\nwww 300 IN AAAA 2001:db8::1\n")


def test_it_rejects_two_cnames_for_one_name():
    with pytest.raises(ZoneError, match="www.example.com has more than one CNAME"):
        parse_zone("example.com", "www 300 CNAME a\nwww 300 CNAME b\n")


def test_it_rejects_a_cname_at_the_zone_apex():
    with pytest.raises(ZoneError, match="apex cannot be an alias"):
        parse_zone("example.com", "@ 300 IN CNAME www.example.org.\n")


def test_it_rejects_a_record_outside_the_zone():
    with pytest.raises(ZoneError, match="example.org is outside the zone example.com"):
        parse_zone("example.com", "www.example.org. 300 IN A 192.0.2.1\n")


def test_a_record_without_a_ttl_is_explained():
    with pytest.raises(ZoneError, match=r"line 1: the record has no TTL .*\$TTL 300"):
        parse_zone("example.com", "www IN A 192.0.2.1\n")


def test_a_bad_address_is_reported_with_its_line():
    with pytest.raises(ZoneError, match="^line 2: "):
        parse_zone("example.com", "$TTL 300\nwww A 192.0.2.300\n")


def test_include_directives_are_refused():
    with pytest.raises(ZoneError, match=r"\$INCLUDE"):
        parse_zone("example.com", "$INCLUDE /etc/passwd\n")


def test_the_root_zone_can_be_empty():
    assert parse_zone(".", "").origin == dns.name.root


def test_zone_size_is_bounded():
    with pytest.raises(ZoneError, match="longer than"):
        parse_zone("example.com", ";" * (MAX_ZONE_TEXT + 1))
    many = "".join(f"h{i} 300 IN A 192.0.2.1\n" for i in range(MAX_ZONE_RECORDS + 1))
    with pytest.raises(ZoneError, match="more than"):
        parse_zone("example.com", many[:MAX_ZONE_TEXT])


RECORD_WORDS = st.sampled_from(
    [
        "@",
        "www",
        "*",
        "sub.www",
        "IN",
        "A",
        "AAAA",
        "CNAME",
        "NS",
        "MX",
        "TXT",
        "SOA",
        "300",
        "1d",
        "192.0.2.1",
        "2001:db8::1",
        "example.com.",
        "$TTL",
        "$ORIGIN",
        "(",
        ")",
        ";",
        '"x',
        "\\",
        "10",
        "..",
        "-1",
        "\t",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(RECORD_WORDS, max_size=7).map(" ".join), max_size=8).map("\n".join))
def test_any_zone_text_parses_or_raises_zone_error(text):
    try:
        parse_zone("example.com", text)
    except ZoneError as exc:
        assert str(exc)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises_anything_but_zone_error(text):
    with contextlib.suppress(ZoneError):
        parse_zone("example.com", text)
