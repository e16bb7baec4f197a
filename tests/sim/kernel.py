"""Build a simulator scenario in real Linux network namespaces, run commands there, and
normalise what the kernel prints so it compares with `netlearn.sim`'s physical-host form.

The topology is built exactly like the reference transcripts
(`tests/data/linux-networking-transcripts.md`, "How it was captured"):

- one namespace per host and one per segment; a segment is a bridge `br0` (STP off, up) in its
  own namespace, like a switch;
- one veth pair per interface: the host end carries the interface's name and MAC, the switch end
  is a port of `br0`; an interface without a segment (no cable) gets its peer parked, down, in
  a "void" namespace, so the host end shows NO-CARRIER like an unplugged NIC;
- `lo` up, `ip link set dev IF up` unless `up: false`, `ip addr add` per address,
  `net.ipv4.ip_forward` per namespace, then the scenario's `ip route add` arguments in order;
- `/etc/netns/<ns>/{hosts,resolv.conf,nsswitch.conf}`, which `ip netns exec` bind-mounts over
  `/etc`, so each host has its own name files.

Sysctls set in every namespace we create, each for determinism only:

- `net.ipv4.icmp_ratemask=0`: ICMP errors (time exceeded, port/host unreachable) are never
  rate-limited per destination (burst 6, then 1/s, would turn back-to-back "unreachable" answers
  into silence). `icmp_ratelimit=0` is *not* equivalent: it empties the per-peer bucket that the
  router's "no route" path (`ip_error`: burst 5, then 1/s, not tunable per namespace) shares, so a
  Net Unreachable right after a Time Exceeded to the same host would be dropped. `ip_error`'s own
  limit stays: keep "no route at a router" probes from one source below 5 per second.
- `net.ipv6.conf.*.accept_dad=0`: the IPv6 link-local address is final at once instead of
  `tentative` for the first second after a link comes up (the simulator has no clock for DAD).
- `rp_filter` and `promote_secondaries` pinned to the kernel defaults (0), in case the root
  namespace was configured otherwise and new namespaces inherited it.

Safety: every name starts with ``nlt-<pid>-<random>-``; nothing runs in the root namespace except
`ip netns add/del` and `ip -n <our namespace> ...`; every namespace and `/etc/netns` directory we
made is removed on exit, and `cleanup_stale()` removes those left behind by dead processes
(recognised by the pid in the name), never another live run's.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import shutil
import signal
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

PREFIX = "nlt-"
NETNS_RUN = Path("/run/netns")
NETNS_ETC = Path("/etc/netns")
TOOLS = ("ip", "ping", "traceroute", "bash")
DEFAULT_TIMEOUT = 10.0
SETUP_TIMEOUT = 30.0
ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}

# Debian's default /etc/hosts and an empty resolver configuration, as in the transcripts.
DEFAULT_HOSTS = (
    "127.0.0.1\tlocalhost\n"
    "::1\t\tlocalhost ip6-localhost ip6-loopback\n"
    "ff02::1\t\tip6-allnodes\n"
    "ff02::2\t\tip6-allrouters\n"
)
DEFAULT_RESOLV = ""
NSSWITCH = "passwd: files\ngroup: files\nshadow: files\nhosts:          files dns\n"

# Pinned in every namespace we create (see the module docstring for why).
SYSCTLS = {
    "net.ipv4.icmp_ratemask": "0",
    "net.ipv4.conf.all.rp_filter": "0",
    "net.ipv4.conf.default.rp_filter": "0",
    "net.ipv4.conf.all.promote_secondaries": "0",
    "net.ipv4.conf.default.promote_secondaries": "0",
    "net.ipv6.conf.all.accept_dad": "0",
    "net.ipv6.conf.default.accept_dad": "0",
}

_STALE = re.compile(rf"^{PREFIX}(\d+)-[0-9a-f]+-")


class KernelLabError(RuntimeError):
    """Building or tearing down the namespaces failed; the message names the step."""


class Output(NamedTuple):
    """What one command printed, and its exit status (unpacks as ``stdout, stderr, status``)."""

    stdout: str
    stderr: str
    status: int


def _iface(segment: str, address: str, mac: str) -> dict[str, Any]:
    return {"segment": segment, "address": address, "mac": mac}


# The transcripts' topology, everything configured ("Setup: Everything right").
REFERENCE: dict[str, Any] = {
    "segments": ["net1", "net2"],
    "hosts": {
        "A": {
            "interfaces": {"eth0": _iface("net1", "192.165.1.10/24", "02:00:c0:a5:01:0a")},
            "routes": ["default via 192.165.1.1"],
        },
        "B": {
            "interfaces": {"eth0": _iface("net1", "192.165.1.11/24", "02:00:c0:a5:01:0b")},
            "routes": ["default via 192.165.1.1"],
        },
        "NS1": {
            "interfaces": {"eth0": _iface("net1", "192.165.1.100/24", "02:00:c0:a5:01:64")},
            "routes": ["default via 192.165.1.1"],
        },
        "R": {
            "forwarding": True,
            "interfaces": {
                "eth0": _iface("net1", "192.165.1.1/24", "02:00:c0:a5:01:01"),
                "eth1": _iface("net2", "192.165.2.1/24", "02:00:c0:a5:02:01"),
            },
        },
        "C": {
            "interfaces": {"eth0": _iface("net2", "192.165.2.10/24", "02:00:c0:a5:02:0a")},
            "routes": ["default via 192.165.2.1"],
        },
        "D": {
            "interfaces": {"eth0": _iface("net2", "192.165.2.11/24", "02:00:c0:a5:02:0b")},
            "routes": ["default via 192.165.2.1"],
        },
    },
}


# --- availability ---------------------------------------------------------------------------


def unavailable_reason() -> str | None:
    """Why namespaces cannot be used here, or None when they can."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "not running as root"
    missing = [tool for tool in TOOLS if shutil.which(tool, path=ENV["PATH"]) is None]
    if missing:
        return "missing tools: " + ", ".join(missing)
    name = f"{PREFIX}{os.getpid()}-{secrets.token_hex(3)}-probe"
    try:
        added = _run(["ip", "netns", "add", name], timeout=10)
        if added.status != 0:
            return f"`ip netns add` failed: {added.stderr.strip()}"
        probe = _run(["ip", "netns", "exec", name, "ip", "link", "show", "lo"], timeout=10)
        if probe.status != 0:
            return f"`ip netns exec` failed: {probe.stderr.strip()}"
    except (OSError, subprocess.SubprocessError) as exc:
        return f"`ip netns` unavailable: {exc}"
    finally:
        _run(["ip", "netns", "del", name], timeout=10)
    return None


def cleanup_stale() -> list[str]:
    """Delete `nlt-<pid>-...` namespaces and /etc/netns dirs whose creating process is gone."""
    removed = []
    names = set()
    if NETNS_RUN.is_dir():
        names.update(p.name for p in NETNS_RUN.iterdir())
    if NETNS_ETC.is_dir():
        names.update(p.name for p in NETNS_ETC.iterdir())
    for name in sorted(names):
        match = _STALE.match(name)
        if not match or _pid_alive(int(match.group(1))):
            continue
        if (NETNS_RUN / name).exists():
            _run(["ip", "netns", "del", name], timeout=10)
        shutil.rmtree(NETNS_ETC / name, ignore_errors=True)
        removed.append(name)
    return removed


def own_namespaces() -> list[str]:
    """Namespaces this process created and has not deleted yet (for leak checks)."""
    if not NETNS_RUN.is_dir():
        return []
    mine = re.compile(rf"^{PREFIX}{os.getpid()}-")
    return sorted(p.name for p in NETNS_RUN.iterdir() if mine.match(p.name))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- the lab ----------------------------------------------------------------------------------


class KernelLab:
    """A scenario built in network namespaces. Use as a context manager.

    >>> with KernelLab(scenario) as lab:                      # doctest: +SKIP
    ...     lab.run("A", "ping -c 1 -W 1 192.165.1.11")
    Output(stdout='PING 192.165.1.11 ...', stderr='', status=0)

    ``macs`` maps ``(host, interface)`` to a MAC and wins over the scenario's ``mac:``; the
    differential test passes the simulator's MACs so both worlds print the same ones.
    """

    def __init__(
        self,
        scenario: Mapping[str, Any],
        *,
        macs: Mapping[tuple[str, str], str] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.scenario = scenario
        self.timeout = timeout
        self.run_id = f"{PREFIX}{os.getpid()}-{secrets.token_hex(3)}-"
        self.segments = _segment_names(scenario)
        self.hosts: dict[str, Mapping[str, Any]] = dict(scenario.get("hosts") or {})
        self._macs = dict(macs or {})
        self.host_ns = {h: f"{self.run_id}h{i}" for i, h in enumerate(self.hosts)}
        self.segment_ns = {s: f"{self.run_id}s{i}" for i, s in enumerate(self.segments)}
        self.void_ns = f"{self.run_id}void"
        self._created: list[str] = []
        self.setup_log: list[tuple[str, str, Output]] = []

    # context manager

    def __enter__(self) -> KernelLab:
        try:
            self._build()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Delete every namespace and /etc/netns directory this lab created (idempotent)."""
        errors = []
        for name in reversed(self._created):
            result = _run(["ip", "netns", "del", name], timeout=SETUP_TIMEOUT)
            if result.status != 0 and (NETNS_RUN / name).exists():
                errors.append(f"{name}: {result.stderr.strip()}")
            shutil.rmtree(NETNS_ETC / name, ignore_errors=True)
        self._created.clear()
        if errors:
            raise KernelLabError("could not delete namespaces: " + "; ".join(errors))

    # running commands

    def run(self, host: str, command: str, *, timeout: float | None = None) -> Output:
        """Run one shell command line on ``host``, like `ip netns exec NS bash -c CMD`."""
        ns = self.host_ns[host]
        return _run(
            ["ip", "netns", "exec", ns, "bash", "-c", command],
            timeout=self.timeout if timeout is None else timeout,
        )

    def run_many(
        self, jobs: Iterable[tuple[str, str]], *, timeout: float | None = None
    ) -> list[Output]:
        """Run ``(host, command)`` jobs concurrently (pings wait; the CPU does not)."""
        jobs = list(jobs)
        procs = [_start(["ip", "netns", "exec", self.host_ns[h], "bash", "-c", c]) for h, c in jobs]
        limit = self.timeout if timeout is None else timeout
        return [_finish(p, limit) for p in procs]

    def mac(self, host: str, iface: str) -> str:
        """The MAC the lab gives ``host``'s ``iface``."""
        if (host, iface) in self._macs:
            return self._macs[(host, iface)]
        spec = self.hosts[host]["interfaces"][iface] or {}
        if spec.get("mac"):
            return str(spec["mac"])
        return derived_mac(host, iface)

    # building

    def _build(self) -> None:
        if NETNS_RUN.is_dir():
            clash = [n for n in NETNS_RUN.iterdir() if n.name.startswith(self.run_id)]
            if clash:
                raise KernelLabError(f"namespace prefix {self.run_id} already in use")
        needs_void = any(
            not (spec or {}).get("segment")
            for host in self.hosts.values()
            for spec in (host.get("interfaces") or {}).values()
        )
        names = [*self.segment_ns.values(), *self.host_ns.values()]
        if needs_void:
            names.append(self.void_ns)
        for name in names:
            self._root(["ip", "netns", "add", name], f"create namespace {name}")
            self._created.append(name)
            self._sysctls(name, SYSCTLS)

        for seg, ns in self.segment_ns.items():
            self._batch(
                ns,
                ["link add name br0 type bridge", "link set dev lo up", "link set dev br0 up"],
                f"switch {seg}",
            )

        ports: dict[str, list[str]] = {ns: [] for ns in self.segment_ns.values()}
        for h_index, (host, spec) in enumerate(self.hosts.items()):
            ns = self.host_ns[host]
            cables = []
            for i_index, (iface, ispec) in enumerate((spec.get("interfaces") or {}).items()):
                ispec = ispec or {}
                segment = ispec.get("segment")
                peer_ns = self.segment_ns[segment] if segment else self.void_ns
                port = f"p{h_index}x{i_index}"
                peer_mac = f"02:00:00:00:{h_index:02x}:{i_index:02x}"
                cables.append(
                    f"link add {iface} address {self.mac(host, iface)} type veth "
                    f"peer name {port} address {peer_mac} netns {peer_ns}"
                )
                if segment:
                    ports[peer_ns].append(port)
            self._batch(ns, cables, f"cables of host {host}")
        for seg, ns in self.segment_ns.items():
            lines = []
            for port in ports[ns]:
                lines += [f"link set dev {port} master br0", f"link set dev {port} up"]
            self._batch(ns, lines, f"ports of switch {seg}")

        for host, spec in self.hosts.items():
            ns = self.host_ns[host]
            lines = ["link set dev lo up"]
            for iface, ispec in (spec.get("interfaces") or {}).items():
                ispec = ispec or {}
                if ispec.get("up", True):
                    lines.append(f"link set dev {iface} up")
                lines += [f"addr add {a} dev {iface}" for a in _addresses(ispec)]
            self._batch(ns, lines, f"interfaces of host {host}")
            forwarding = "1" if spec.get("forwarding") else "0"
            self._sysctls(ns, {"net.ipv4.ip_forward": forwarding})
            routes = [f"route add {r}" for r in spec.get("routes") or []]
            self._batch(ns, routes, f"routes of host {host}")
            self._name_files(host, spec)

    def _name_files(self, host: str, spec: Mapping[str, Any]) -> None:
        etc = NETNS_ETC / self.host_ns[host]
        etc.mkdir(parents=True, exist_ok=True)
        (etc / "hosts").write_text(spec.get("hosts_file") or DEFAULT_HOSTS)
        (etc / "resolv.conf").write_text(spec.get("resolv_conf") or DEFAULT_RESOLV)
        if Path("/etc/nsswitch.conf").exists():
            (etc / "nsswitch.conf").write_text(NSSWITCH)

    def _sysctls(self, ns: str, values: Mapping[str, str]) -> None:
        args = [f"{key}={value}" for key, value in values.items()]
        self._root(["ip", "netns", "exec", ns, "sysctl", "-q", "-w", *args], f"sysctl in {ns}")

    def _batch(self, ns: str, lines: list[str], what: str) -> None:
        if not lines:
            return
        result = _run(["ip", "-n", ns, "-batch", "-"], stdin="\n".join(lines) + "\n")
        self.setup_log.append((ns, "\n".join(lines), result))
        if result.status != 0:
            raise KernelLabError(
                f"{what} ({ns}) failed: {result.stderr.strip()}\n" + "\n".join(lines)
            )

    def _root(self, argv: list[str], what: str) -> None:
        result = _run(argv, timeout=SETUP_TIMEOUT)
        self.setup_log.append(("", " ".join(argv), result))
        if result.status != 0:
            raise KernelLabError(f"{what} failed: {result.stderr.strip()}")


def derived_mac(host: str, iface: str) -> str:
    """A stable locally administered unicast MAC for scenarios that set none."""
    digest = hashlib.sha256(f"{host}/{iface}".encode()).digest()
    return "02:" + ":".join(f"{b:02x}" for b in digest[:5])


def _segment_names(scenario: Mapping[str, Any]) -> list[str]:
    segments = scenario.get("segments") or []
    if isinstance(segments, Mapping):
        return list(segments)
    return [str(s) for s in segments]


def _addresses(ispec: Mapping[str, Any]) -> list[str]:
    found = []
    if ispec.get("address"):
        found.append(str(ispec["address"]))
    found += [str(a) for a in ispec.get("addresses") or []]
    return found


# --- processes ----------------------------------------------------------------------------


def _start(argv: list[str], stdin: str | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        argv,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        start_new_session=True,  # so a timeout can kill everything the command started
    )


def _finish(proc: subprocess.Popen[str], timeout: float, stdin: str | None = None) -> Output:
    try:
        out, err = proc.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        return Output(out, err + f"[timed out after {timeout:g}s]\n", 124)
    return Output(out, err, proc.returncode)


def _run(argv: list[str], *, timeout: float = SETUP_TIMEOUT, stdin: str | None = None) -> Output:
    return _finish(_start(argv, stdin), timeout, stdin)


# --- normalisation ------------------------------------------------------------------------

_VETH_NAME = re.compile(r"^(\d+: )([^\s:@]+)@if\d+:", re.M)
_BRIEF_NAME = re.compile(r"^([^\s@]+)@if\d+ +", re.M)
_LINK_NETNS = re.compile(r" link-netns \S+")
# iproute2 names a veth peer's namespace by asking the kernel about every /run/netns entry; one
# being deleted by a concurrent run answers with this extack message.
_NETNS_RACE = re.compile(r"^Error: Peer netns reference is invalid\.\n", re.M)
_LOWERLAYER = re.compile(r" state LOWERLAYERDOWN ")
_BRIEF_LOWERLAYER = re.compile(r"^(\S+ +)LOWERLAYERDOWN ", re.M)
_NOQUEUE = re.compile(r"^(\d+: (?!lo:)\S+: <[^>]*> mtu \d+ qdisc )noqueue ", re.M)
_PING_TIME = re.compile(r"time=\d+(?:\.\d+)? ms")
_PING_TOTAL = re.compile(r", time \d+ms$", re.M)
_RTT = re.compile(r"^(rtt min/avg/max/mdev = ).*$", re.M)
_TRACE_TIME = re.compile(r"  \d+\.\d+ ms")

# What `ip link` prints as the qdisc of an ethernet NIC that has been up (the physical-host form).
PHYSICAL_QDISC = "fq_codel"


def normalise_kernel(text: str) -> str:
    """The transcripts' capture artifacts turned into the physical-host form, then timings masked.

    >>> print(normalise_kernel("2: eth0@if3: <UP> mtu 1500 qdisc noqueue state UP\\n"
    ...     "    link/ether 02:00:c0:a5:01:0a brd ff:ff:ff:ff:ff:ff link-netns x\\n"), end="")
    2: eth0: <UP> mtu 1500 qdisc fq_codel state UP
        link/ether 02:00:c0:a5:01:0a brd ff:ff:ff:ff:ff:ff
    >>> normalise_kernel("eth0@if3         UP             10.0.0.1/24 \\n")
    'eth0             UP             10.0.0.1/24 \\n'
    """
    text = _VETH_NAME.sub(r"\1\2:", text)
    text = _BRIEF_NAME.sub(lambda m: m.group(1).ljust(16) + " ", text)
    text = _LINK_NETNS.sub("", text)
    text = _NETNS_RACE.sub("", text)
    # A veth without carrier reports LOWERLAYERDOWN when its peer's ifindex happens to name a
    # carrier-less device in the same namespace; a physical NIC without cable says DOWN.
    text = _LOWERLAYER.sub(" state DOWN ", text)
    text = _BRIEF_LOWERLAYER.sub(lambda m: m.group(1) + "DOWN".ljust(14) + " ", text)
    text = _NOQUEUE.sub(rf"\g<1>{PHYSICAL_QDISC} ", text)
    return mask_timings(text)


def mask_timings(text: str) -> str:
    """Replace what differs between runs (round-trip times) by placeholders.

    >>> mask_timings("64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=0.045 ms\\n")
    '64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=<t> ms\\n'
    >>> mask_timings("1 packets transmitted, 1 received, 0% packet loss, time 0ms\\n")
    '1 packets transmitted, 1 received, 0% packet loss, time <T>ms\\n'
    """
    text = _PING_TIME.sub("time=<t> ms", text)
    text = _PING_TOTAL.sub(", time <T>ms", text)
    text = _RTT.sub(r"\g<1><rtt>", text)
    return _TRACE_TIME.sub("  <t> ms", text)
