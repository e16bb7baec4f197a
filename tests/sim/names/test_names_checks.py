"""The resolves, dns_answer and http goals: verdicts with the cause named for the learner."""

from __future__ import annotations

import json

import pytest
from names_scenarios import EXAMPLE_COM

from netlearn.sim.errors import ScenarioError


def check(net, **goal):
    return net.check(goal)


def test_a_name_that_resolves_passes(names_net):
    outcome = check(names_net, check="resolves", on="A", name="www.example.com", to="192.165.2.10")
    assert (outcome.passed, outcome.cause) == (True, None)
    assert outcome.message == "www.example.com resolves to 192.165.2.10 on A."


def test_resolves_sees_the_hosts_file_first(names_net):
    outcome = check(names_net, check="resolves", on="A", name="myname", to="192.165.1.11")
    assert outcome.passed


def test_a_missing_name_is_nxdomain_naming_the_zone_and_server(names_net):
    outcome = check(names_net, check="resolves", on="A", name="nosuch.example.com")
    assert outcome.cause == "nxdomain"
    assert "the zone example.com on NS1 has no record for it" in outcome.message


def test_a_name_without_an_address_record_says_which_server(names_net):
    set_zone(names_net.hosts["NS1"], "example.com", EXAMPLE_COM + "mail IN MX 10 www\n")
    outcome = check(names_net, check="resolves", on="A", name="mail.example.com")
    assert outcome.cause == "no-records"
    assert "mail.example.com has no A record on NS1" in outcome.message


def test_an_unreachable_nameserver_is_named(names_net):
    names_net.run("A", "echo nameserver 10.0.0.53 > /etc/resolv.conf")
    names_net.run("A", "ip route del default")
    outcome = check(names_net, check="resolves", on="A", name="www.example.com")
    assert outcome.cause == "nameserver-unreachable"
    assert "A sends DNS queries to 10.0.0.53, which it cannot reach" in outcome.message


def test_a_silent_nameserver_is_unreachable_too(names_net):
    names_net.run("A", "echo nameserver 192.165.2.53 > /etc/resolv.conf")
    outcome = check(names_net, check="resolves", on="A", name="www.example.com")
    assert outcome.cause == "nameserver-unreachable"


def test_a_host_without_a_dns_server_refuses(names_net):
    names_net.run("A", "echo nameserver 192.165.1.11 > /etc/resolv.conf")
    outcome = check(names_net, check="resolves", on="A", name="www.example.com")
    assert outcome.cause == "nameserver-refused"
    assert "no DNS server runs on B" in outcome.message


def test_no_nameserver_line_is_its_own_cause(names_net):
    names_net.run("A", "echo '# empty' > /etc/resolv.conf")
    outcome = check(names_net, check="resolves", on="A", name="www.example.com")
    assert outcome.cause == "no-nameserver"


def test_a_wrong_hosts_line_is_a_wrong_address(names_net):
    names_net.run("A", "echo '192.165.1.11 www.example.com' >> /etc/hosts")
    outcome = check(names_net, check="resolves", on="A", name="www.example.com", to="192.165.2.10")
    assert outcome.cause == "wrong-address"
    assert "(from /etc/hosts)" in outcome.message


def test_a_cached_old_answer_is_a_stale_cache_until_the_ttl_runs_out(forwarder_net):
    net = forwarder_net
    net.run("A", "echo nameserver 192.165.1.1 > /etc/resolv.conf")
    net.run("A", "getent hosts www.example.com")
    set_zone(net.hosts["NS1"], "example.com", EXAMPLE_COM.replace("192.165.2.10", "192.165.2.99"))
    outcome = check(net, check="resolves", on="A", name="www.example.com", to="192.165.2.99")
    assert outcome.cause == "stale-cache"
    assert "R still serves its cached answer for 300 more seconds" in outcome.message
    net.run("A", "sleep 300")
    assert check(net, check="resolves", on="A", name="www.example.com", to="192.165.2.99").passed


def test_a_cname_loop_is_reported_as_such(delegation_net):
    outcome = check(delegation_net, check="resolves", on="A", name="loop1.example.com")
    assert outcome.cause == "cname-loop"
    assert "loop1.example.com -> loop2.example.com -> loop1.example.com" in outcome.message


def test_dns_answer_compares_the_servers_records(names_net):
    ok = check(
        names_net,
        check="dns_answer",
        server="NS1",
        name="shop.example.com",
        type="CNAME",
        values=["flowers.example.com."],
    )
    assert ok.passed
    wrong = check(
        names_net,
        check="dns_answer",
        server="192.165.1.100",
        name="www.example.com",
        values=["192.165.2.11"],
    )
    assert wrong.cause == "wrong-answer"
    assert wrong.message == (
        "NS1 answers www.example.com A with 192.165.2.10, expected 192.165.2.11."
    )


def test_dns_answer_without_the_type_says_so(names_net):
    outcome = check(
        names_net, check="dns_answer", server="NS1", name="www.example.com", type="AAAA"
    )
    assert (outcome.cause, outcome.message) == (
        "no-records",
        "www.example.com has no AAAA record on NS1.",
    )


def test_a_cname_beside_other_data_is_a_cname_conflict(names_net):
    set_zone_text = EXAMPLE_COM + "www IN CNAME example.com.\n"
    names_net.hosts["NS1"].services["dns"]["zones"]["example.com"] = set_zone_text
    outcome = check(names_net, check="dns_answer", server="NS1", name="www.example.com")
    assert outcome.cause == "cname-conflict"
    assert "www.example.com has a CNAME and other data (A)" in outcome.message


def test_a_host_without_dns_has_no_answer(names_net):
    outcome = check(names_net, check="dns_answer", server="B", name="www.example.com")
    assert outcome.cause == "no-dns-server"


def test_http_through_the_reverse_proxy_hides_the_client(web_net):
    outcome = check(
        web_net,
        check="http",
        **{"from": "A"},
        url="http://www.example.com/",
        served_by=["web1", "web2"],
        via="proxy",
        origin_sees="proxy",
    )
    assert outcome.passed, outcome.message


def test_http_straight_to_the_origin_exposes_it(web_net):
    outcome = check(
        web_net, check="http", **{"from": "A"}, url="http://web1.example.com/", origin_sees="proxy"
    )
    assert outcome.cause == "origin-exposed"
    assert outcome.message.startswith("web1 sees the client's own address 192.165.1.10")


def test_http_not_via_the_expected_proxy(web_net):
    outcome = check(
        web_net, check="http", **{"from": "A"}, url="http://web1.example.com/", via="gw"
    )
    assert outcome.cause == "not-via-proxy"
    web_net.run("A", "export http_proxy=http://gw.example.com:3128")
    assert check(
        web_net, check="http", **{"from": "A"}, url="http://web1.example.com/", via="gw"
    ).passed


def test_http_checks_leave_logs_and_caches_untouched(web_net):
    before = json.dumps(web_net.to_dict(), sort_keys=True)
    check(web_net, check="http", **{"from": "A"}, url="http://www.example.com/")
    assert json.dumps(web_net.to_dict(), sort_keys=True) == before


@pytest.mark.parametrize(
    ("url", "cause"),
    [
        ("http://nosuch.example.com/", "name-unresolved"),
        ("http://192.165.2.10:81/", "connection-refused"),
    ],
)
def test_http_failures_have_causes(web_net, url, cause):
    assert check(web_net, check="http", **{"from": "A"}, url=url).cause == cause


def test_a_goal_missing_a_key_is_a_scenario_error(names_net):
    with pytest.raises(ScenarioError, match="goal.name"):
        check(names_net, check="resolves", on="A")


def test_a_goal_with_an_unknown_key_is_a_scenario_error(names_net):
    with pytest.raises(ScenarioError, match="goal.address"):
        check(names_net, check="resolves", on="A", name="www.example.com", address="1.2.3.4")


def test_a_scenario_with_a_bad_zone_is_rejected_naming_the_path():
    from names_scenarios import build

    bad = {
        "segments": ["lan"],
        "hosts": {
            "ns1": {
                "interfaces": {"eth0": {"segment": "lan", "address": "10.0.0.53/24"}},
                "dns": {"zones": {"example.com": "www 300 A 10.0.0.1\nwww 300 CNAME @\n"}},
            }
        },
    }
    with pytest.raises(ScenarioError) as err:
        build(bad)
    assert str(err.value).startswith(
        "hosts.ns1.dns.zones.example.com: line 2: www.example.com has a CNAME and other data (A)"
    )


def test_a_server_whose_configuration_does_not_load_refuses_instead_of_crashing(names_net):
    # A saved state edited by hand (or an older format) must not crash the commands.
    names_net.hosts["NS1"].services["dns"] = {"zones": {"example.com": "www 300 A 10.0.0.300\n"}}
    names_net.hosts["C"].services["http"] = {"origin": "yes"}
    assert "status: REFUSED" in names_net.run("A", "dig www.example.com").stdout
    assert names_net.run("A", "curl http://192.165.2.10/").status == 7


def test_http_from_the_proxy_cache_still_knows_what_the_origin_saw(web_net):
    web_net.run("A", "curl -s http://www.example.com/")  # fills the proxy's cache
    outcome = check(
        web_net,
        check="http",
        **{"from": "A"},
        url="http://www.example.com/",
        served_by="web1",
        via="proxy",
        origin_sees="proxy",
    )
    assert outcome.passed, outcome.message


def set_zone(host, name: str, text: str) -> None:
    """An edited zone reaching the server, as a reload does (the caches elsewhere keep theirs)."""
    host.services["dns"]["zones"][name] = text
