"""Checks: reachable, unreachable, route, forwarding; messages, cause codes and goal validation."""

from __future__ import annotations

import pytest
import yaml

from netlearn.sim import ScenarioError
from netlearn.sim.checks import CHECKS, Outcome, check_kind


def test_reachable_passes_and_names_both_paths(reference):
    outcome = reference.check({"check": "reachable", "from": "A", "to": "192.165.2.10"})
    assert outcome.passed
    assert outcome.cause is None
    assert outcome.message == "A reaches 192.165.2.10: request A -> R -> C, reply C -> R -> A."


def test_reachable_fails_when_the_router_does_not_forward(reference):
    reference.run("R", "sysctl -w net.ipv4.ip_forward=0")
    outcome = reference.check({"check": "reachable", "from": "A", "to": "192.165.2.10"})
    assert not outcome.passed
    assert outcome.cause == "forwarding-off"
    assert outcome.message == (
        "A cannot reach 192.165.2.10: R dropped the packet: net.ipv4.ip_forward is 0 on R."
    )


def test_reachable_fails_when_the_reply_has_no_way_back(reference):
    reference.run("C", "ip route del default")
    outcome = reference.check({"check": "reachable", "from": "A", "to": "192.165.2.10"})
    assert outcome.cause == "no-return-route"
    assert "C has no route back to 192.165.1.0/24" in outcome.message


def test_reachable_fails_when_the_sender_has_no_route(reference):
    reference.run("A", "ip route del default")
    outcome = reference.check({"check": "reachable", "from": "A", "to": "192.165.2.10"})
    assert outcome.cause == "no-route"
    assert "A has no route to 192.165.2.0/24" in outcome.message


def test_reachable_by_name_goes_through_the_resolver(reference):
    reference.run("A", "echo '192.165.2.10 web' >> /etc/hosts")
    outcome = reference.check({"check": "reachable", "from": "A", "to": "web"})
    assert outcome.passed
    assert "web (192.165.2.10)" in outcome.message


def test_reachable_to_an_unresolvable_name_says_so(reference):
    outcome = reference.check({"check": "reachable", "from": "A", "to": "nosuch"})
    assert (outcome.passed, outcome.cause) == (False, "name-not-resolved")
    assert outcome.message == "A cannot resolve nosuch: Temporary failure in name resolution"


def test_reachable_keeps_the_ping_trace(reference):
    outcome = reference.check({"check": "reachable", "from": "A", "to": "192.165.2.10"})
    assert outcome.trace.request.path() == ["A", "R", "C"]


def test_unreachable_is_the_opposite(reference):
    goal = {"check": "unreachable", "from": "A", "to": "192.165.2.10"}
    outcome = reference.check(goal)
    assert (outcome.passed, outcome.cause) == (False, "still-reachable")
    reference.run("R", "sysctl -w net.ipv4.ip_forward=0")
    assert reference.check(goal).passed


def test_route_reports_what_ip_route_get_chooses(reference):
    goal = {"check": "route", "on": "A", "to": "192.165.2.10", "via": "192.165.1.1", "dev": "eth0"}
    assert reference.check(goal).passed


def test_route_names_the_gateway_actually_used(reference):
    reference.run("A", "ip route add 192.165.2.0/24 via 192.165.1.11")
    outcome = reference.check(
        {"check": "route", "on": "A", "to": "192.165.2.10", "via": "192.165.1.1"}
    )
    assert outcome.cause == "wrong-gateway"
    assert outcome.message == (
        "A sends 192.165.2.10 via 192.165.1.11 by the route "
        "'192.165.2.0/24 via 192.165.1.11 dev eth0', not via 192.165.1.1."
    )


def test_route_without_any_route_is_no_route(reference):
    reference.run("C", "ip route del default")
    outcome = reference.check({"check": "route", "on": "C", "to": "192.165.1.10"})
    assert outcome.cause == "no-route"
    assert outcome.message.startswith("C has no route to 192.165.1.0/24")


def test_route_to_a_connected_host_has_no_gateway(reference):
    outcome = reference.check(
        {"check": "route", "on": "A", "to": "192.165.1.11", "via": "192.165.1.1"}
    )
    assert outcome.cause == "wrong-gateway"
    assert "straight out eth0 (no gateway)" in outcome.message


def test_route_with_the_wrong_device(reference):
    outcome = reference.check({"check": "route", "on": "R", "to": "192.165.2.10", "dev": "eth0"})
    assert outcome.cause == "wrong-device"


def test_forwarding_checks_ip_forward(reference):
    assert reference.check({"check": "forwarding", "on": "R"}).passed
    outcome = reference.check({"check": "forwarding", "on": "A", "enabled": True})
    assert (outcome.passed, outcome.cause) == (False, "forwarding-off")
    assert "sysctl -w net.ipv4.ip_forward=1" in outcome.message
    assert reference.check({"check": "forwarding", "on": "A", "enabled": False}).passed
    assert reference.check({"check": "forwarding", "on": "R", "enabled": False}).cause == (
        "forwarding-on"
    )


def test_yaml_on_key_works_although_pyyaml_reads_it_as_true(reference):
    goal = yaml.safe_load("{check: forwarding, on: R}")
    assert True in goal
    assert reference.check(goal).passed


@pytest.mark.parametrize(
    ("goal", "path"),
    [
        ({"check": "reachable", "from": "A"}, "goal.to"),
        ({"check": "reachable", "to": "192.165.2.10"}, "goal.from"),
        ({"check": "reachable", "from": "Z", "to": "192.165.2.10"}, "goal.from"),
        ({"check": "reachable", "from": "A", "to": "1.2.3.4", "form": "A"}, "goal.form"),
        ({"check": "route", "on": "A", "to": "not-an-address"}, "goal.to"),
        ({"check": "route", "on": "A", "to": "10.0.0.1", "via": "x"}, "goal.via"),
        ({"check": "route", "on": "A", "to": "10.0.0.1", "dev": "eth9"}, "goal.dev"),
        ({"check": "forwarding", "on": "R", "enabled": "yes please"}, "goal.enabled"),
        ({"check": "teleport", "from": "A"}, "goal.check"),
        ({"from": "A"}, "goal"),
    ],
)
def test_a_broken_goal_raises_scenario_error_naming_the_key(reference, goal, path):
    with pytest.raises(ScenarioError) as info:
        reference.check(goal)
    assert info.value.path == path


def test_the_builtin_kinds_and_the_names_kinds_are_registered(reference):
    reference.check({"check": "forwarding", "on": "R"})
    assert {"reachable", "unreachable", "route", "forwarding", "resolves", "dns_answer"} <= set(
        CHECKS
    )


def test_another_module_can_register_a_check_kind(reference):
    @check_kind("always")
    def always(net, goal):
        return Outcome(True, "always passes")

    try:
        assert reference.check({"check": "always"}).message == "always passes"
    finally:
        del CHECKS["always"]


def test_meta_keys_are_allowed_on_any_goal(reference):
    goal = {"check": "forwarding", "on": "R", "label": "R forwards", "points": 2}
    assert reference.check(goal).passed
