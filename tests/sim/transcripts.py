"""The reference transcripts (tests/data/, copied from the project's fidelity reference) replayed
on the simulator.

``replay()`` runs every transcript of sections 1-6 in order on one simulated copy of the
reference topology, so each case sees the state the earlier ones built (the groups' "Setup:"
lines). Commands of the core families (`ip link|addr|route`, `cat`, `echo`, shell errors) are
compared; commands of other families that change state (`route add/del`, `sysctl -w`, the
switch-side "cable" commands on SW1/SW2) are applied through their simulator equivalent; the rest
(ping, dig, ...) are left to their own tests. Capture artifacts (veth `eth0@ifN`, `link-netns`,
`qdisc noqueue`, non-interactive `bash: line 1:`) are normalised to the physical-host form.
"""

from __future__ import annotations

import functools
import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from netlearn.sim import Network, Result

# In the repository, so a fresh clone with nothing beside it replays every transcript.
REFERENCE = Path(__file__).resolve().parents[1] / "data"
JSON = REFERENCE / "linux-networking-transcripts.json"

# host -> (segment, last MAC byte) for every eth0; R also has eth1.
HOSTS = {
    "A": {"eth0": ("net1", 0x0A)},
    "B": {"eth0": ("net1", 0x0B)},
    "NS1": {"eth0": ("net1", 0x64)},
    "R": {"eth0": ("net1", 0x01), "eth1": ("net2", 0x01)},
    "C": {"eth0": ("net2", 0x0A)},
    "D": {"eth0": ("net2", 0x0B)},
}
ADDRESSES = {
    ("A", "eth0"): "192.165.1.10/24",
    ("B", "eth0"): "192.165.1.11/24",
    ("NS1", "eth0"): "192.165.1.100/24",
    ("R", "eth0"): "192.165.1.1/24",
    ("R", "eth1"): "192.165.2.1/24",
    ("C", "eth0"): "192.165.2.10/24",
    ("D", "eth0"): "192.165.2.11/24",
}
# Switch ports (SWn, port-x) -> the host interface at the other end of the cable.
PORTS = {
    ("SW1", "port-a"): ("A", "eth0"),
    ("SW1", "port-b"): ("B", "eth0"),
    ("SW1", "port-ns1"): ("NS1", "eth0"),
    ("SW1", "port-r"): ("R", "eth0"),
    ("SW2", "port-r"): ("R", "eth1"),
    ("SW2", "port-c"): ("C", "eth0"),
    ("SW2", "port-d"): ("D", "eth0"),
}
CORE_COMMANDS = ("ip", "cat", "echo", "printf")

# State changes the capture script made without recording a command: run before that id.
UNRECORDED_SETUP = {
    405: ("A", "the www.example.com line removed again from /etc/hosts"),
}

# Transcripts the simulator does not reproduce on purpose, with the reason.
ARTIFACTS = {
    30: "a fresh namespace has lo DOWN; a booted host (the simulator) has lo UP",
}


def mac(segment: str, last: int) -> str:
    return f"02:00:c0:a5:{int(segment[-1]):02x}:{last:02x}"


def hosts_file(host: str) -> str:
    return (
        f"# ref-{host.lower()} namespace hosts file (Debian default content)\n"
        "127.0.0.1\tlocalhost\n"
        "::1\t\tlocalhost ip6-localhost ip6-loopback\n"
        "ff02::1\t\tip6-allnodes\n"
        "ff02::2\t\tip6-allrouters\n"
    )


def reference_scenario(*, configured: bool = True) -> dict:
    """The transcripts' topology. ``configured``: links up, addresses, R's routes as in §4-5
    (R forwarding, default routes via R); otherwise every eth is down without an address, the
    state section 1 starts from."""
    hosts = {}
    for name, ifaces in HOSTS.items():
        interfaces = {}
        for iname, (segment, last) in ifaces.items():
            iface = {"segment": segment, "mac": mac(segment, last), "up": configured}
            if configured:
                iface["address"] = ADDRESSES[(name, iname)]
            interfaces[iname] = iface
        host = {
            "interfaces": interfaces,
            "hosts_file": hosts_file(name),
            "resolv_conf": f"# ref-{name.lower()} namespace resolv.conf: no nameserver "
            "configured yet\n",
        }
        if configured and name == "R":
            host["forwarding"] = True
        elif configured:
            gateway = "192.165.1.1" if HOSTS[name]["eth0"][0] == "net1" else "192.165.2.1"
            host["routes"] = [f"default via {gateway}"]
        hosts[name] = host
    return {"segments": ["net1", "net2"], "hosts": hosts}


def load() -> list[dict]:
    """Every captured transcript, in capture order (a fresh list each call: callers may edit it).
    A missing file is an error, not a skip: the fidelity tests are the point of this suite."""
    return json.loads(JSON.read_text())


_IFNAME = re.compile(r"\b(eth\d+)@if\d+")


def normalise(text: str) -> str:
    """Turn the transcripts' veth/namespace capture artifacts into the physical-host form."""
    lines = []
    for line in text.split("\n"):
        brief = re.match(r"^(eth\d+)@if\d+ +(.*)$", line)
        if brief:
            line = f"{brief.group(1):<16} {brief.group(2)}"
        line = _IFNAME.sub(r"\1", line)
        line = re.sub(r" link-netns ref-\w+", "", line)
        if re.match(r"^\d+: (?!lo:)", line):
            line = line.replace("qdisc noqueue", "qdisc fq_codel")
        line = line.replace("bash: line 1: ", "bash: ")
        lines.append(line)
    return "\n".join(lines)


@dataclass
class Case:
    id: int
    topic: str
    host: str
    command: str
    expected: Result
    actual: Result | None
    artifact: str | None  # why the simulator differs on purpose (ARTIFACTS), else None

    def __str__(self) -> str:
        return f"#{self.id} {self.host}$ {self.command}"


def _apply_equivalent(net: Network, host: str, command: str) -> None:
    """State-changing commands of other families, applied through the core."""
    argv = shlex.split(command)
    if host.startswith("SW"):
        if argv[:3] == ["ip", "link", "set"] and argv[-1] in ("up", "down"):
            port = argv[4] if argv[3] == "dev" else argv[3]
            target = PORTS.get((host, port))
            if target:
                hname, iname = target
                segment = HOSTS[hname][iname][0] if argv[-1] == "up" else None
                net.hosts[hname].set_segment(iname, segment)
        return
    h = net.hosts[host]
    if argv[:2] == ["route", "add"] or argv[:2] == ["route", "del"]:
        opts = dict(zip(argv[2::2], argv[3::2], strict=False))
        prefix = sum(bin(int(o)).count("1") for o in opts["netmask"].split("."))
        verb = "add" if argv[1] == "add" else "del"
        net.run(host, f"ip route {verb} {opts['-net']}/{prefix} via {opts['gw']}")
    elif argv[:2] == ["sysctl", "-w"] and len(argv) == 3 and "=" in argv[2]:
        key, _, value = argv[2].partition("=")
        if key == "net.ipv4.ip_forward" and re.fullmatch(r"-?\d+", value):
            h.ip_forward = int(value)


@functools.cache
def replay() -> tuple[Case, ...]:
    """Every transcript after the setup section, run in order on one simulated network."""
    data = load()
    net = Network.from_scenario(reference_scenario(configured=False))
    cases = []
    for item in data:
        if item["topic"] == "0-setup":
            continue
        host, command = item["host"], item["command"]
        if item["id"] in UNRECORDED_SETUP:
            h = net.hosts[UNRECORDED_SETUP[item["id"]][0]]
            lines = h.files["/etc/hosts"].splitlines(keepends=True)
            h.files["/etc/hosts"] = "".join(x for x in lines if "www.example.com" not in x)
        expected = Result(normalise(item["stdout"]), normalise(item["stderr"]), item["exit_status"])
        word = command.split()[0]
        if host.startswith("SW") or word not in CORE_COMMANDS + ("ipp",):
            _apply_equivalent(net, host, command)
            continue
        if command.startswith("ip neigh"):
            continue
        actual = net.run(host, command)
        artifact = ARTIFACTS.get(item["id"])
        cases.append(Case(item["id"], item["topic"], host, command, expected, actual, artifact))
    return tuple(cases)


def cases_for(topic_prefix: str) -> list[Case]:
    return [c for c in replay() if c.topic.startswith(topic_prefix)]


def as_params(cases: list[Case]) -> list:
    """The cases as pytest parameters. A capture artifact (ARTIFACTS) is a strict xfail rather than
    a skip: it still runs, must still differ, and fails the suite once it matches (then the entry
    in ARTIFACTS is stale)."""
    return [
        pytest.param(
            case,
            id=str(case),
            marks=[pytest.mark.xfail(reason=case.artifact, strict=True, raises=AssertionError)]
            if case.artifact
            else [],
        )
        for case in cases
    ]
