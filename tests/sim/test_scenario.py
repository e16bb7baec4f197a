"""Scenario loading: valid scenarios build the network; every error names its path."""

from __future__ import annotations

import pytest
import yaml

from netlearn.sim import Network, ScenarioError

DESIGN_EXAMPLE = """
segments: [net1, net2]
hosts:
  A:
    interfaces:
      eth0: {segment: net1}
  R:
    forwarding: true
    interfaces:
      eth0: {segment: net1, address: 192.165.1.1/24}
      eth1: {segment: net2, address: 192.165.2.1/24}
    routes: ["default via 192.165.2.254"]
  C:
    interfaces: {eth0: {segment: net2, address: 192.165.2.10/24}}
    hosts_file: |
      192.165.2.11  db
    resolv_conf: |
      nameserver 192.165.2.53
  ns1:
    interfaces: {eth0: {segment: net2, address: 192.165.2.53/24}}
    dns:
      zones:
        example.com: |
          @        300 IN A      93.184.215.14
"""


def error_of(data) -> str:
    with pytest.raises(ScenarioError) as info:
        Network.from_scenario(data)
    return str(info.value)


def test_the_design_example_loads():
    net = Network.from_scenario(yaml.safe_load(DESIGN_EXAMPLE))
    assert net.hosts["R"].forwarding is True
    assert net.run("R", "ip r").stdout == (
        "default via 192.165.2.254 dev eth1 \n"
        "192.165.1.0/24 dev eth0 proto kernel scope link src 192.165.1.1 \n"
        "192.165.2.0/24 dev eth1 proto kernel scope link src 192.165.2.1 \n"
    )
    assert net.hosts["C"].files["/etc/hosts"] == "192.165.2.11  db\n"
    assert "zones" in net.hosts["ns1"].services["dns"]


def test_interfaces_are_up_unless_told_otherwise():
    net = Network.from_scenario(
        {
            "segments": ["s"],
            "hosts": {
                "A": {
                    "interfaces": {"eth0": {"segment": "s"}, "eth1": {"segment": "s", "up": False}}
                }
            },
        }  # fmt: skip
    )
    assert net.hosts["A"].interfaces["eth0"].admin_up
    assert not net.hosts["A"].interfaces["eth1"].admin_up


def test_a_bad_address_names_its_path():
    assert (
        error_of(
            {
                "segments": ["n"],
                "hosts": {
                    "R": {"interfaces": {"eth1": {"segment": "n", "address": "10.0.0.300/24"}}}
                },
            }  # fmt: skip
        )
        == "hosts.R.interfaces.eth1.address: '10.0.0.300/24' is not an IPv4 interface"
    )


def test_an_unknown_key_is_rejected_with_its_path():
    message = error_of({"hosts": {"A": {"interfaces": {"eth0": {"adress": "10.0.0.1/24"}}}}})
    assert message.startswith("hosts.A.interfaces.eth0.adress: unknown key")


def test_an_unknown_segment_is_rejected():
    message = error_of(
        {"segments": ["lan"], "hosts": {"A": {"interfaces": {"eth0": {"segment": "wan"}}}}}
    )
    assert message == "hosts.A.interfaces.eth0.segment: unknown segment 'wan' (segments: lan)"


def test_scenario_routes_get_the_kernels_errors():
    message = error_of(
        {
            "segments": ["n"],
            "hosts": {
                "A": {
                    "interfaces": {"eth0": {"segment": "n", "address": "10.0.0.1/24"}},
                    "routes": ["default via 10.9.9.9"],
                }
            },
        }  # fmt: skip
    )
    assert message == "hosts.A.routes[0]: Error: Nexthop has invalid gateway."


def test_scenario_route_syntax_errors_are_iproute2s():
    message = error_of({"hosts": {"A": {"routes": ["10.0.0.0/8 gw 1.2.3.4"]}}})
    assert message == 'hosts.A.routes[0]: Error: either "to" is duplicate, or "gw" is a garbage.'


def test_a_duplicate_address_is_rejected():
    message = error_of(
        {
            "hosts": {
                "A": {
                    "interfaces": {"eth0": {"address": "10.0.0.1/24", "addresses": ["10.0.0.1/24"]}}
                }
            }
        }  # fmt: skip
    )
    assert message == (
        "hosts.A.interfaces.eth0.addresses[0]: Error: ipv4: Address already assigned."
    )


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ([], "scenario"),
        ({"hosts": {}}, "hosts"),
        ({"hosts": {"A": {"forwarding": "yes"}}}, "hosts.A.forwarding"),
        ({"hosts": {"A": {"interfaces": {"lo": {}}}}}, "hosts.A.interfaces.lo"),
        (
            {"hosts": {"A": {"interfaces": {"eth0": {"mac": "01:00:00:00:00:01"}}}}},
            "hosts.A.interfaces.eth0.mac",
        ),  # fmt: skip
        ({"hosts": {"A": {"interfaces": {"eth0": {"up": 1}}}}}, "hosts.A.interfaces.eth0.up"),
        ({"hosts": {"bad name": {}}}, "hosts.bad name"),
        (
            {"hosts": {"A": {"interfaces": {"averyveryverylongname": {}}}}},
            "hosts.A.interfaces.averyveryverylongname",
        ),  # fmt: skip
        ({"segments": "net1", "hosts": {"A": {}}}, "segments"),
        ({"segments": ["a", "a"], "hosts": {"A": {}}}, "segments[1]"),
        ({"hosts": {"A": {"routes": "default via 1.1.1.1"}}}, "hosts.A.routes"),
        ({"hosts": {"A": {"routes": [42]}}}, "hosts.A.routes[0]"),
        ({"hosts": {"A": {"dns": "ns"}}}, "hosts.A.dns"),
        ({"hosts": {"A": {"hosts_file": 3}}}, "hosts.A.hosts_file"),
        ({"hosts": {"A": {}}, "extra": 1}, "extra"),
        (
            {"hosts": {"A": {"interfaces": {"eth0": {"address": "fe80::1/64"}}}}},
            "hosts.A.interfaces.eth0.address",
        ),  # fmt: skip
    ],
)
def test_each_error_names_the_offending_path(data, path):
    assert error_of(data).startswith(path + ": ")


def test_an_interface_without_a_segment_has_no_carrier():
    net = Network.from_scenario(
        {"hosts": {"A": {"interfaces": {"eth0": {"address": "10.0.0.1/24"}}}}}
    )
    eth0 = net.hosts["A"].interfaces["eth0"]
    assert eth0.admin_up and not eth0.carrier and not eth0.oper_up
    assert net.run("A", "ip r").stdout.endswith("linkdown \n")


def test_service_sections_are_validated_when_the_scenario_loads():
    message = error_of(
        {"hosts": {"ns1": {"dns": {"zones": {"example.com": "www 300 IN A 1.2.3.400"}}}}}
    )
    assert message.startswith("hosts.ns1.dns.zones.example.com: ")
