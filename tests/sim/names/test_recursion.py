"""Recursion from root hints, forwarding, TTL caching on the simulated clock, dig +trace."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from netlearn.sim import Network
from netlearn.sim.names.recursive import MAX_REFERRALS


def short(net, host, line):
    return net.run(host, line).stdout.splitlines()


def test_a_resolver_iterates_from_the_root_to_the_zone(delegation_net):
    assert short(delegation_net, "A", "dig +short www.example.com") == ["93.184.215.14"]


def test_the_answer_of_a_resolver_is_not_authoritative(delegation_net):
    out = delegation_net.run("A", "dig www.example.com").stdout
    assert ";; flags: qr rd ra; QUERY: 1, ANSWER: 1" in out


def test_dig_trace_shows_root_then_tld_then_zone(delegation_net):
    out = delegation_net.run("A", "dig +trace www.example.com").stdout
    received = re.findall(r";; Received \d+ bytes from (\S+)", out)
    assert received == [
        "10.0.0.53#53(10.0.0.53)",
        "198.41.0.4#53(a.root-servers.net)",
        "192.5.6.30#53(a.gtld-servers.net)",
        "199.43.135.53#53(ns1.example.com)",
    ]
    assert ".\t\t\t518400\tIN\tNS\ta.root-servers.net.\n" in out
    assert "com.\t\t\t172800\tIN\tNS\ta.gtld-servers.net.\n" in out
    assert "www.example.com.\t300\tIN\tA\t93.184.215.14\n" in out


def test_an_authoritative_server_refers_instead_of_recursing(delegation_net):
    out = delegation_net.run("A", "dig @198.41.0.4 www.example.com").stdout
    # a.gtld-servers.net is outside com: no glue for it (BIND, checked in namespaces)
    assert ";; flags: qr rd; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1\n" in out
    assert ";; WARNING: recursion requested but not available\n" in out
    assert ";; AUTHORITY SECTION:\ncom.\t\t\t172800\tIN\tNS\ta.gtld-servers.net.\n" in out


def test_a_cname_loop_ends_in_servfail(delegation_net):
    out = delegation_net.run("A", "dig loop1.example.com").stdout
    assert "status: SERVFAIL" in out


def test_an_alias_into_another_zone_is_resolved_there(delegation_net):
    assert short(delegation_net, "A", "dig +short flowers.example.com") == [
        "www.example.com.",
        "93.184.215.14",
    ]


def test_a_cached_answer_outlives_a_changed_record_until_its_ttl_runs_out(delegation_net):
    net = delegation_net
    assert short(net, "A", "dig +short www.example.com") == ["93.184.215.14"]
    zone = net.hosts["ns1"].services["dns"]["zones"]["example.com"]
    set_zone(
        net.hosts["ns1"],
        "example.com",
        zone.replace("www  300 IN A   93.184.215.14", "www  300 IN A   93.184.215.99"),
    )
    net.run("A", "sleep 120")
    cached = net.run("A", "dig www.example.com").stdout
    assert "www.example.com.\t180\tIN\tA\t93.184.215.14" in cached
    net.run("A", "sleep 180")
    assert short(net, "A", "dig +short www.example.com") == ["93.184.215.99"]


def test_a_negative_answer_is_cached_for_the_soa_negative_ttl(delegation_net):
    net = delegation_net
    assert "NXDOMAIN" in net.run("A", "dig new.example.com").stdout
    zone = net.hosts["ns1"].services["dns"]["zones"]["example.com"]
    set_zone(net.hosts["ns1"], "example.com", zone + "new 300 IN A 93.184.215.20\n")
    assert "NXDOMAIN" in net.run("A", "dig new.example.com").stdout
    net.run("A", "sleep 300")
    assert short(net, "A", "dig +short new.example.com") == ["93.184.215.20"]


def test_the_forwarder_passes_aa_first_then_serves_its_cache(forwarder_net):
    net = forwarder_net
    net.run("A", "echo nameserver 192.165.1.1 > /etc/resolv.conf")
    first = net.run("A", "dig www.example.com").stdout
    net.run("A", "sleep 2")
    second = net.run("A", "dig www.example.com").stdout
    assert "flags: qr aa rd ra;" in first and "\t300\tIN\tA" in first
    assert "flags: qr rd ra;" in second and "\t298\tIN\tA" in second


def test_caches_survive_a_state_round_trip(forwarder_net):
    net = forwarder_net
    net.run("A", "echo nameserver 192.165.1.1 > /etc/resolv.conf")
    net.run("A", "dig www.example.com")
    restored = Network.from_dict(net.to_dict())
    assert "flags: qr rd ra;" in restored.run("A", "dig www.example.com").stdout


def test_forwarders_forwarding_to_each_other_end_in_servfail():
    from names_scenarios import build

    net = build(
        {
            "segments": ["lan"],
            "hosts": {
                "A": {
                    "interfaces": {"eth0": {"segment": "lan", "address": "10.0.0.1/24"}},
                    "resolv_conf": "nameserver 10.0.0.2\n",
                },
                "F1": {
                    "interfaces": {"eth0": {"segment": "lan", "address": "10.0.0.2/24"}},
                    "dns": {"forwarders": ["10.0.0.3"]},
                },
                "F2": {
                    "interfaces": {"eth0": {"segment": "lan", "address": "10.0.0.3/24"}},
                    "dns": {"forwarders": ["10.0.0.2"]},
                },
            },
        }
    )
    assert "status: SERVFAIL" in net.run("A", "dig example.com").stdout


def test_servers_delegating_to_each_other_end_in_servfail():
    from names_scenarios import build

    def lame(address, other):
        zone = f"$TTL 300\na NS ns{other}.example.\nns{other} A 10.0.0.{other}\n"
        return {
            "interfaces": {"eth0": {"segment": "lan", "address": f"10.0.0.{address}/24"}},
            "dns": {"zones": {"example": zone}},
        }

    net = build(
        {
            "segments": ["lan"],
            "hosts": {
                "A": {
                    "interfaces": {"eth0": {"segment": "lan", "address": "10.0.0.1/24"}},
                    "resolv_conf": "nameserver 10.0.0.1\n",
                    "dns": {"recursive": True, "root_hints": ["10.0.0.2"]},
                },
                "X": lame(2, 3),
                "Y": lame(3, 2),
            },
        }
    )
    assert MAX_REFERRALS < 100
    assert "status: SERVFAIL" in net.run("A", "dig www.a.example").stdout


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=1, max_value=24), st.booleans())
def test_delegation_chains_of_any_depth_end(depth, glue):
    """d0.test delegates d1.d0.test, which delegates d2.d1.d0.test, ... each on its own server;
    deep enough chains end in SERVFAIL (MAX_REFERRALS), never in a hang or an exception."""
    from names_scenarios import build

    names = [".".join(f"d{j}" for j in range(i, -1, -1)) + ".test" for i in range(depth + 1)]
    hosts = {
        "A": {
            "interfaces": {"eth0": {"segment": "lan", "address": "10.1.0.1/16"}},
            "resolv_conf": "nameserver 10.1.0.1\n",
            "dns": {"recursive": True, "root_hints": ["10.1.1.0"]},
        }
    }
    for i, zone in enumerate(names):
        text = "$TTL 60\n"
        if i + 1 < len(names):
            child = names[i + 1]
            text += f"{child}. NS ns.{child}.\n"
            if glue:
                text += f"ns.{child}. A 10.1.1.{i + 1}\n"
        else:
            text += "www A 192.0.2.1\n"
        text += f"ns A 10.1.1.{i}\n"
        hosts[f"s{i}"] = {
            "interfaces": {"eth0": {"segment": "lan", "address": f"10.1.1.{i}/16"}},
            "dns": {"zones": {zone: text, **({"test": "$TTL 60\n"} if i == 0 else {})}},
        }
    hosts["s0"]["dns"]["zones"] = {
        ".": f"$TTL 60\ntest. NS ns.{names[0]}.\nns.{names[0]}. A 10.1.1.0\n",
        names[0]: hosts["s0"]["dns"]["zones"][names[0]],
    }
    net = build({"segments": ["lan"], "hosts": hosts})
    out = net.run("A", f"dig +short www.{names[-1]}")
    assert out.status == 0
    if depth + 1 < MAX_REFERRALS and glue:
        assert out.stdout == "192.0.2.1\n"


def test_dns_and_http_state_survives_a_json_round_trip(forwarder_net):
    import json

    net = forwarder_net
    net.run("A", "echo nameserver 192.165.1.1 > /etc/resolv.conf")
    net.run("A", "dig www.example.com")
    net.run("A", "sleep 10")
    restored = Network.from_dict(json.loads(json.dumps(net.to_dict())))
    out = restored.run("A", "dig www.example.com").stdout
    assert "www.example.com.\t290\tIN\tA\t192.165.2.10" in out


def set_zone(host, name: str, text: str) -> None:
    """An edited zone reaching the server, as a reload does (the caches elsewhere keep theirs)."""
    host.services["dns"]["zones"][name] = text
