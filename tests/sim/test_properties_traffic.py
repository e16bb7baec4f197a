"""Properties of traffic on random topologies: nothing raises, every walk ends, checks agree."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netlearn.sim import Network, ScenarioError
from netlearn.sim.forwarding import ping_once
from netlearn.sim.limits import MAX_TTL

SUBNETS = ["10.0.0", "10.0.1", "10.0.2", "10.0.3"]
HOST_NAMES = ["A", "B", "C", "D", "E", "F"]

addresses = st.builds(
    lambda net, host: f"{net}.{host}", st.sampled_from(SUBNETS), st.integers(1, 6)
)
prefixes = st.sampled_from(
    [f"{s}.0/24" for s in SUBNETS] + ["default", "10.0.0.0/16", "10.0.9.0/24"]
)


@st.composite
def networks(draw) -> Network:
    segments = [f"s{i}" for i in range(draw(st.integers(1, 4)))]
    names = HOST_NAMES[: draw(st.integers(2, len(HOST_NAMES)))]
    hosts = {}
    for name in names:
        interfaces = {}
        for index in range(draw(st.integers(1, 2))):
            iface = {"up": draw(st.booleans()) or draw(st.booleans())}
            if draw(st.integers(0, 9)):
                iface["segment"] = draw(st.sampled_from(segments))
            if draw(st.integers(0, 5)):
                iface["address"] = draw(addresses) + "/24"
            interfaces[f"eth{index}"] = iface
        hosts[name] = {"interfaces": interfaces, "forwarding": draw(st.booleans())}
    try:
        net = Network.from_scenario({"segments": segments, "hosts": hosts})
    except ScenarioError:  # a scenario the loader rejects: start from bare hosts
        net = Network.from_scenario(
            {"segments": segments, "hosts": {n: {"interfaces": {}} for n in names}}
        )
    for _ in range(draw(st.integers(0, 8))):
        host = draw(st.sampled_from(names))
        line = f"ip route add {draw(prefixes)} via {draw(addresses)}"
        if draw(st.booleans()):
            line += f" metric {draw(st.integers(0, 3))}"
        net.run(host, line)
    return net


traffic_settings = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@traffic_settings
@given(net=networks(), data=st.data())
def test_ping_never_raises_and_ends_within_max_ttl(net, data):
    sender = data.draw(st.sampled_from(list(net.hosts)))
    target = data.draw(addresses)
    result = net.run(sender, f"ping -c 1 {target}")
    assert result.status in (0, 1, 2)
    assert "internal simulator error" not in result.output
    outcome = result.trace
    assert outcome.request.routers <= MAX_TTL
    if outcome.reply is not None:
        assert outcome.reply.routers <= MAX_TTL


@traffic_settings
@given(net=networks(), data=st.data())
def test_the_reachable_check_agrees_with_ping(net, data):
    sender = data.draw(st.sampled_from(list(net.hosts)))
    target = data.draw(addresses)
    status = net.run(sender, f"ping -c 1 {target}").status
    outcome = net.check({"check": "reachable", "from": sender, "to": target})
    assert outcome.passed == (status == 0)
    assert (outcome.cause is None) == outcome.passed
    assert outcome.message
    assert net.check({"check": "unreachable", "from": sender, "to": target}).passed != (
        outcome.passed
    )


@traffic_settings
@given(net=networks(), data=st.data())
def test_traceroute_never_raises_and_stays_bounded(net, data):
    sender = data.draw(st.sampled_from(list(net.hosts)))
    result = net.run(sender, f"traceroute -n {data.draw(addresses)}")
    assert result.status in (0, 1)
    assert len(result.output.splitlines()) <= 31


@traffic_settings
@given(net=networks(), data=st.data())
def test_every_failed_ping_has_a_known_cause(net, data):
    from netlearn.sim.trace import CAUSES

    sender = data.draw(st.sampled_from(list(net.hosts)))
    outcome = ping_once(net, sender, data.draw(addresses))
    if not outcome.ok:
        assert outcome.cause in CAUSES
        assert outcome.message


@traffic_settings
@given(net=networks(), data=st.data())
def test_route_and_sysctl_commands_never_raise(net, data):
    host = data.draw(st.sampled_from(list(net.hosts)))
    for line in ["route", "route -n", "netstat -rn", "sysctl -a", "sysctl net.ipv4.ip_forward"]:
        result = net.run(host, line)
        assert result.status == 0, (line, result.output)


@traffic_settings
@given(net=networks(), data=st.data())
def test_traceroute_probes_are_exactly_the_packets_sent_with_each_ttl(net, data):
    from netlearn.sim.forwarding import probes, send

    sender = data.draw(st.sampled_from(list(net.hosts)))
    target = data.draw(addresses)
    last = data.draw(st.integers(1, 12))
    every = list(probes(net, sender, target, first=1, last=last))
    assert every == [send(net, sender, target, ttl=k) for k in range(1, last + 1)]


@traffic_settings
@given(net=networks(), data=st.data())
def test_the_forwarding_caches_agree_with_the_hosts_local_table(net, data):
    from ipaddress import IPv4Address

    from netlearn.sim.forwarding import Segments

    for _ in range(3):
        net.run(
            data.draw(st.sampled_from(list(net.hosts))),
            data.draw(
                st.sampled_from(
                    [
                        "ip addr add 10.0.1.7/24 brd + dev eth0",
                        "ip addr add 10.0.2.9/16 dev eth0",
                        "ip link set eth0 down",
                        "ip addr add 10.0.3.3/24 broadcast 10.0.3.77 dev eth0",
                    ]
                )
            ),
        )
    segments = Segments(net)
    candidates = [*(f"{s}.{h}" for s in SUBNETS for h in (0, 1, 2, 3, 255)), "10.0.255.255"]
    candidates += ["127.0.0.1", "127.5.5.5", "10.0.3.77", "255.255.255.255"]
    for host in net.hosts.values():
        for text in candidates:
            ip = IPv4Address(text)
            assert segments.owns(host, ip) == (host.local_interface_for(ip) is not None)
            expected = text == "255.255.255.255" or host.broadcast_owner(ip) is not None
            assert segments.is_broadcast(host, ip) == expected, (host.name, text)
