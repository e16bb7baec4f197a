"""The routing table: kernel ordering, longest prefix then metric, and lookup that scales."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

import pytest

from netlearn.sim import CommandError
from netlearn.sim.limits import MAX_ROUTES
from netlearn.sim.routing import Route, RouteTable


def route(dst: str, gw: str | None = "10.0.0.1", metric: int = 0, dev: str = "eth0") -> Route:
    return Route(IPv4Network(dst), IPv4Address(gw) if gw else None, dev, metric)


def test_longest_prefix_wins():
    table = RouteTable()
    for dst in ("0.0.0.0/0", "10.0.0.0/8", "10.1.0.0/16"):
        table.add(route(dst))
    assert table.lookup(IPv4Address("10.1.2.3")).dst == IPv4Network("10.1.0.0/16")
    assert table.lookup(IPv4Address("10.2.2.3")).dst == IPv4Network("10.0.0.0/8")
    assert table.lookup(IPv4Address("11.0.0.1")).dst == IPv4Network("0.0.0.0/0")


def test_lowest_metric_wins_for_the_same_prefix():
    table = RouteTable()
    table.add(route("10.0.0.0/8", "10.0.0.1", 100))
    table.add(route("10.0.0.0/8", "10.0.0.2", 50))
    assert table.lookup(IPv4Address("10.9.9.9")).gateway == IPv4Address("10.0.0.2")


def test_no_route_is_none():
    assert RouteTable().lookup(IPv4Address("1.2.3.4")) is None


def test_iteration_is_ip_route_order():
    table = RouteTable()
    for r in (route("192.168.0.0/16"), route("10.0.0.0/8", metric=5), route("0.0.0.0/0"),
              route("10.0.0.0/8", metric=1), route("10.0.0.0/24")):  # fmt: skip
        table.add(r)
    assert [(str(r.dst), r.metric) for r in table] == [
        ("0.0.0.0/0", 0),
        ("10.0.0.0/24", 0),
        ("10.0.0.0/8", 1),
        ("10.0.0.0/8", 5),
        ("192.168.0.0/16", 0),
    ]


def test_route_text_has_the_iproute2_field_order_and_trailing_space():
    r = Route(IPv4Network("10.0.0.0/8"), None, "eth0", 7, "kernel", "link",
              IPv4Address("10.0.0.1"), linkdown=True)  # fmt: skip
    assert str(r) == "10.0.0.0/8 dev eth0 proto kernel scope link src 10.0.0.1 metric 7 linkdown "


def test_removing_routes_keeps_lookup_consistent():
    table = RouteTable()
    a, b = route("10.0.0.0/8"), route("10.1.0.0/16")
    table.add(a)
    table.add(b)
    table.remove(b)
    assert table.lookup(IPv4Address("10.1.0.1")) == a
    table.remove(a)
    assert table.lookup(IPv4Address("10.1.0.1")) is None and len(table) == 0


def test_the_table_is_bounded(monkeypatch):
    import netlearn.sim.routing as routing

    monkeypatch.setattr(routing, "MAX_ROUTES", 3)
    table = RouteTable()
    for k in range(3):
        table.add(route(f"10.{k}.0.0/16"))
    with pytest.raises(CommandError):
        table.add(route("10.9.0.0/16"))
    assert MAX_ROUTES >= 20_000


def test_show_match_on_a_big_table_lists_exactly_the_covering_routes():
    from netlearn.sim import Network

    net = Network.from_scenario(
        {
            "segments": ["s"],
            "hosts": {"A": {"interfaces": {"eth0": {"segment": "s", "address": "10.0.0.1/24"}}}},
        }  # fmt: skip
    )
    host = net.hosts["A"]
    for k in range(5000):
        host.add_route(route(f"172.{16 + k // 256}.{k % 256}.0/24", "10.0.0.2"))
    host.add_route(route("172.16.0.0/12", "10.0.0.3"))
    assert net.run("A", "ip route show match 172.17.5.9").stdout == (
        "172.16.0.0/12 via 10.0.0.3 dev eth0 \n172.17.5.0/24 via 10.0.0.2 dev eth0 \n"
    )
    assert (
        net.run("A", "ip route show 172.17.5.0/24").stdout
        == "172.17.5.0/24 via 10.0.0.2 dev eth0 \n"
    )
