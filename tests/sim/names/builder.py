"""Build small networks for the names tests from a scenario-like mapping.

Uses ``Network.from_scenario`` once the scenario loader knows the names keys; until then it wires
hosts through the model API and stores ``dns``/``http``/``hosts_file``/``resolv_conf`` itself.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Interface, IPv4Network

from netlearn.sim.files import default_files
from netlearn.sim.names.service import load_dns
from netlearn.sim.network import Network
from netlearn.sim.routing import Route


def build(data: dict) -> Network:
    try:
        from netlearn.sim.scenario import build as core_build  # noqa: F401
    except ImportError:
        core_build = None
    if core_build is not None:
        net = Network.from_scenario(data)
        # The scenario loader stores the names keys verbatim; validate them as the loader should.
        for name, host in net.hosts.items():
            if "dns" in host.services:
                host.services["dns"] = load_dns(f"hosts.{name}.dns", host.services["dns"])
            if "http" in host.services:
                from netlearn.sim.http import load_http

                host.services["http"] = load_http(f"hosts.{name}.http", host.services["http"])
        return net
    net = Network()
    for name, spec in data.get("hosts", {}).items():
        host = net.add_host(name)
        host.files.update(default_files(name))
        host.forwarding = bool(spec.get("forwarding", False))
        for ifname, ispec in spec.get("interfaces", {}).items():
            host.add_interface(ifname, segment=ispec.get("segment"))
            if ispec.get("address"):
                host.add_address(ifname, IPv4Interface(ispec["address"]))
            host.set_link(ifname, ispec.get("up", True))
        for route in spec.get("routes", []):
            words = route.split()
            dst = IPv4Network("0.0.0.0/0" if words[0] == "default" else words[0])
            host.add_route(Route(dst, IPv4Address(words[2]), ""))
        if "hosts_file" in spec:
            host.files["/etc/hosts"] = spec["hosts_file"]
        if "resolv_conf" in spec:
            host.files["/etc/resolv.conf"] = spec["resolv_conf"]
        if "dns" in spec:
            host.services["dns"] = load_dns(f"hosts.{name}.dns", spec["dns"])
        if "http" in spec:
            from netlearn.sim.http import load_http

            host.services["http"] = load_http(f"hosts.{name}.http", spec["http"])
    return net
