"""Authoritative answers: CNAME chains, NXDOMAIN vs NODATA, delegation with glue, flags."""

from __future__ import annotations

import dns.name
import dns.rdatatype
from hypothesis import given, settings
from hypothesis import strategies as st

from netlearn.sim.limits import MAX_CNAME_CHAIN
from netlearn.sim.names.message import NOERROR, NXDOMAIN
from netlearn.sim.names.server import authoritative_answer
from netlearn.sim.names.zones import parse_zone

A = dns.rdatatype.A
AAAA = dns.rdatatype.AAAA

ZONE = parse_zone(
    "example.com",
    """$TTL 300
@        SOA  ns1 hostmaster 1 7200 3600 1209600 60
@        NS   ns1
ns1      A    192.0.2.53
@        A    192.0.2.1
www      A    192.0.2.2
alias    CNAME www
twice    CNAME alias
away     CNAME www.example.org.
loop1    CNAME loop2
loop2    CNAME loop1
a.b      A    192.0.2.3
*.wild   A    192.0.2.4
shop     NS   ns.shop
ns.shop  A    192.0.2.99
""",
)


def ask(name, rdtype=A, zones=(ZONE,)):
    return authoritative_answer(zones, dns.name.from_text(name), rdtype)


def texts(section):
    return [line for rrset in section for line in rrset.to_text().splitlines()]


def test_an_address_record_is_an_authoritative_answer():
    reply = ask("www.example.com")
    assert (reply.rcode, reply.aa) == (NOERROR, True)
    assert texts(reply.answer) == ["www.example.com. 300 IN A 192.0.2.2"]


def test_a_cname_chain_is_followed_inside_the_zone():
    reply = ask("twice.example.com")
    assert texts(reply.answer) == [
        "twice.example.com. 300 IN CNAME alias.example.com.",
        "alias.example.com. 300 IN CNAME www.example.com.",
        "www.example.com. 300 IN A 192.0.2.2",
    ]


def test_a_cname_leaving_the_server_stops_at_the_alias():
    reply = ask("away.example.com")
    assert (reply.rcode, texts(reply.answer)) == (
        NOERROR,
        ["away.example.com. 300 IN CNAME www.example.org."],
    )


def test_a_cname_loop_stops_where_it_repeats():
    reply = ask("loop1.example.com")
    assert len(reply.answer) == 2


def test_a_name_without_the_asked_type_is_nodata_with_the_soa():
    reply = ask("www.example.com", AAAA)
    assert (reply.rcode, reply.answer, reply.aa) == (NOERROR, (), True)
    assert texts(reply.authority)[0].startswith("example.com. 60 IN SOA")


def test_an_empty_non_terminal_is_nodata_not_nxdomain():
    assert (ask("b.example.com").rcode, ask("b.example.com").answer) == (NOERROR, ())


def test_a_missing_name_is_nxdomain():
    assert ask("nosuch.example.com").rcode == NXDOMAIN


def test_a_wildcard_answers_for_any_name_below_it():
    reply = ask("anything.wild.example.com")
    assert texts(reply.answer) == ["anything.wild.example.com. 300 IN A 192.0.2.4"]


def test_a_delegated_name_gets_a_referral_with_glue():
    reply = ask("www.shop.example.com")
    assert reply.is_referral and not reply.aa
    assert texts(reply.authority) == ["shop.example.com. 300 IN NS ns.shop.example.com."]
    assert texts(reply.additional) == ["ns.shop.example.com. 300 IN A 192.0.2.99"]


def test_a_name_outside_every_zone_gets_no_answer():
    assert ask("example.org") is None


def test_a_zone_without_soa_answers_negatively_without_aa_like_dnsmasq():
    bare = parse_zone("example.com", "www 300 IN A 192.0.2.2\n")
    reply = ask("nosuch.example.com", zones=(bare,))
    assert (reply.rcode, reply.aa, reply.authority) == (NXDOMAIN, False, ())


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=40), st.booleans())
def test_cname_chains_of_any_length_stay_bounded(length, loop):
    lines = [f"c{i} 300 IN CNAME c{i + 1}" for i in range(length)]
    last = f"c{length} 300 IN CNAME c0" if loop else f"c{length} 300 IN A 192.0.2.1"
    lines.append(last)
    zone = parse_zone("example.com", "\n".join(lines))
    reply = ask("c0.example.com", zones=(zone,))
    assert len(reply.answer) <= MAX_CNAME_CHAIN + 1


NAMES = ["@", "www", "a", "b", "c.b", "*.w", "sub", "ns.sub", "x.sub"]
RECORDS = st.one_of(
    st.tuples(st.sampled_from(NAMES), st.just("A"), st.sampled_from(["192.0.2.1", "192.0.2.2"])),
    st.tuples(st.sampled_from(NAMES), st.just("AAAA"), st.just("2001:db8::1")),
    st.tuples(st.sampled_from(NAMES[1:]), st.just("CNAME"), st.sampled_from(NAMES + ["ext.org."])),
    st.tuples(st.sampled_from(["sub", "b"]), st.just("NS"), st.sampled_from(["ns.sub", "ns.x."])),
)


QTYPES = [A, AAAA, dns.rdatatype.CNAME, dns.rdatatype.NS, dns.rdatatype.MX, dns.rdatatype.ANY]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(RECORDS, max_size=12),
    st.sampled_from([*NAMES, "q.w", "z.x.sub", "nope"]),
    st.sampled_from(QTYPES),
    st.booleans(),
)
def test_any_zone_answers_any_question_within_bounds(records, name, rdtype, rd):
    from netlearn.sim.names.zones import ZoneError

    text = "$TTL 60\n" + "".join(f"{n} {t} {v}\n" for n, t, v in records)
    try:
        zone = parse_zone("example.com", text)
    except ZoneError:
        return
    qname = dns.name.from_text("example.com" if name == "@" else f"{name}.example.com")
    reply = authoritative_answer((zone,), qname, rdtype, rd=rd)
    assert reply is not None
    assert len(reply.answer) <= MAX_CNAME_CHAIN + 1
    assert reply.wire_size() > 0
