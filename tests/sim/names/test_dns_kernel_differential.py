"""Differential test: the simulator's DNS against dnsmasq, dig, nslookup, host and getent.

Two network namespaces of our own (``nlt-dns-<pid>-c`` and ``-s``) joined by a veth pair: the
client, and a server running dnsmasq with the records of the reference transcripts. The simulator
runs the same scenario (the server as a recursive host authoritative for the root and for
example.com, SOA-less zones: the dnsmasq model documented in docs/scenarios.md). Each command runs
in both worlds and must print the same, up to what varies between real runs (query id, query time,
date). Nothing leaves the two namespaces; both are deleted afterwards.

Needs root, ``ip``, ``dnsmasq`` and ``dig`` (apt-get install dnsmasq-base dnsutils); skipped with
the reason otherwise.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from names_scenarios import build

pytestmark = [pytest.mark.kernel, pytest.mark.slow]

CLIENT, SERVER = "10.99.53.10", "10.99.53.53"
NS = f"nlt-dns-{os.getpid()}"
DNSMASQ = [
    "dnsmasq",
    "--keep-in-foreground",
    "--conf-file=/dev/null",
    "--user=root",
    "--no-resolv",
    "--no-hosts",
    f"--listen-address={SERVER}",
    "--bind-interfaces",
    "--local=/#/",
    "--local-ttl=300",
    "--host-record=example.com,10.99.53.11,2001:db8:2::11",
    "--host-record=www.example.com,10.99.53.10",
    "--cname=flowers.example.com,example.com",
    "--cname=shop.example.com,flowers.example.com",
    "--pid-file=",
]
ZONE = """\
$TTL 300
@        IN A      10.99.53.11
@        IN AAAA   2001:db8:2::11
www      IN A      10.99.53.10
flowers  IN CNAME  example.com.
shop     IN CNAME  flowers.example.com.
"""
REVERSE = "$TTL 300\n10 IN PTR www.example.com.\n11 IN PTR example.com.\n"
HOSTS = "127.0.0.1\tlocalhost\n10.99.53.99    myname\n"

COMMANDS = [
    "dig example.com",
    "dig example.com AAAA",
    "dig -t AAAA example.com",
    "dig flowers.example.com",
    "dig shop.example.com",
    "dig www.example.com AAAA",
    "dig nosuch.example.com",
    "dig myname",
    f"dig @{SERVER} www.example.com",
    "dig +short shop.example.com",
    "dig +short CNAME flowers.example.com",
    "dig +short nosuch.example.com",
    "dig +short -x 10.99.53.11",
    "dig +noall +answer shop.example.com",
    "dig +nocomments example.com",
    "dig +nostats +nocmd www.example.com",
    "dig +noall +answer +question flowers.example.com",
    "dig +nocmd +noquestion nosuch.example.com",
    "dig -x 10.99.53.10",
    "dig example.com MX",
    "dig +short TXT example.com",
    "host -t MX example.com",
    "host -t TXT www.example.com",
    "nslookup -type=MX example.com",
    "nslookup -type=TXT www.example.com",
    "nslookup -type=NS example.com",
    "host -t AAAA www.example.com",
    "host -t CNAME shop.example.com",
    "nslookup example.com",
    "nslookup shop.example.com",
    "nslookup -type=AAAA www.example.com",
    "nslookup -type=CNAME flowers.example.com",
    "nslookup nosuch.example.com",
    "nslookup myname",
    "nslookup 10.99.53.10",
    "host example.com",
    "host flowers.example.com",
    "host -t AAAA example.com",
    "host nosuch.example.com",
    "host 10.99.53.10",
    "getent hosts example.com",
    "getent ahosts example.com",
    "getent ahostsv4 flowers.example.com",
    "getent hosts flowers.example.com",
    "getent hosts myname",
    "getent hosts 10.99.53.99",
    "getent hosts nosuch.example.com",
    "getent ahostsv6 example.com",
    "getent ahostsv6 www.example.com",
    "getent ahosts myname",
    "getent hosts localhost",
    "getent ahosts localhost",
    "getent hosts www.example.com example.com nosuch.example.com",
]
# Failures: a server address nobody answers on (refused), and one that is silent (timeout).
FAILURES = [
    ("nameserver 10.99.53.10\n", "dig +time=1 +tries=1 example.com"),
    ("nameserver 10.99.53.10\n", "dig +tries=2 +short example.com"),
    ("nameserver 10.99.53.10\n", "host example.com"),
    ("nameserver 10.99.53.10\n", "getent hosts example.com"),
    ("nameserver 10.99.53.77\n", "dig +time=1 +tries=1 example.com"),
    ("nameserver 10.99.53.77\n", "nslookup -timeout=1 -retry=1 example.com"),
    ("nameserver 10.77.0.53\n", "dig +time=1 +tries=1 example.com"),
    ("nameserver 10.77.0.53\n", "nslookup example.com"),
    (f"nameserver 10.99.53.77\nnameserver {SERVER}\n", "dig +time=1 example.com"),
    ("nameserver 10.99.53.77\nnameserver 10.99.53.78\n", "dig +time=1 +tries=2 example.com"),
    ("nameserver 10.99.53.10\nnameserver 10.99.53.77\n", "host -W 1 example.com"),
    (
        f"nameserver 10.99.53.77\nnameserver {SERVER}\noptions timeout:1\n",
        "getent hosts example.com",
    ),
    ("nameserver 10.77.0.53\n", "dig example.com"),
    ("nameserver 10.77.0.53\n", "dig -x 1.2.3.4"),
    ("nameserver 10.77.0.53\n", "host example.com"),
    ("nameserver 10.77.0.53\n", "host 1.2.3.4"),
    ("nameserver 10.77.0.53\n", "dig -t XX +tries=1 example.com"),
    ("nameserver 10.77.0.53\n", "nslookup -foo=1 x"),
    ("nameserver 10.77.0.53\n", "dig +foo"),
    ("nameserver 10.77.0.53\n", "dig -Z"),
    ("nameserver 10.77.0.53\n", "dig -t"),
    ("nameserver 10.77.0.53\n", "host"),
    ("nameserver 10.77.0.53\n", "host -t XX example.com"),
    ("nameserver 10.77.0.53\n", "getent"),
    ("nameserver 10.77.0.53\n", "getent foo bar"),
    ("nameserver 10.77.0.53\n", "curl -H"),
    ("nameserver 10.77.0.53\n", "curl --bogus"),
    ("nameserver 10.77.0.53\n", "sleep"),
    ("nameserver 10.77.0.53\n", "sleep x"),
    (f"nameserver {SERVER}\nsearch example.com\n", "nslookup www"),
    (f"nameserver {SERVER}\nsearch example.com\n", "host www"),
    (f"nameserver {SERVER}\nsearch example.com\n", "host shop"),
    (f"nameserver {SERVER}\nsearch example.com\n", "nslookup nosuch"),
    (f"nameserver {SERVER}\nsearch example.com\n", "dig +short www"),
    (f"nameserver {SERVER}\nsearch example.com\n", "getent hosts www"),
    (f"nameserver {SERVER}\nsearch test example.com\n", "getent ahostsv4 shop"),
]
MASKS = (
    (re.compile(r"id: \d+"), "id: ID"),
    (re.compile(r";; Query time: \d+ msec"), ";; Query time: N msec"),
    (re.compile(r";; WHEN: .*"), ";; WHEN: DATE"),
)


def mask(text: str) -> str:
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def _unavailable() -> str | None:
    if os.geteuid() != 0:
        return "needs root for network namespaces"
    for tool in ("ip", "dnsmasq", "dig", "nslookup", "host", "getent"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install dnsmasq-base dnsutils)"
    return None


def sh(*argv: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, timeout=30, check=check)


class Lab:
    """Client and server namespaces, with their own /etc/netns files."""

    def __init__(self) -> None:
        self.client, self.server = f"{NS}-c", f"{NS}-s"
        self.dnsmasq: subprocess.Popen | None = None

    def __enter__(self) -> Lab:
        try:
            for ns in (self.client, self.server):
                sh("ip", "netns", "add", ns)
                sh("ip", "-n", ns, "link", "set", "lo", "up")
            sh(
                "ip",
                "-n",
                self.client,
                "link",
                "add",
                "eth0",
                "type",
                "veth",
                "peer",
                "name",
                "eth0",
                "netns",
                self.server,
            )
            for ns, address in ((self.client, CLIENT), (self.server, SERVER)):
                sh("ip", "-n", ns, "addr", "add", f"{address}/24", "dev", "eth0")
                sh("ip", "-n", ns, "link", "set", "eth0", "up")
            self.files(HOSTS, f"nameserver {SERVER}\n")
            self.dnsmasq = subprocess.Popen(
                ["ip", "netns", "exec", self.server, *DNSMASQ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(0.5)
        except BaseException:
            self.close()
            raise
        return self

    def files(self, hosts: str, resolv: str) -> None:
        etc = Path("/etc/netns") / self.client
        etc.mkdir(parents=True, exist_ok=True)
        (etc / "hosts").write_text(hosts)
        (etc / "resolv.conf").write_text(resolv)
        (etc / "nsswitch.conf").write_text("hosts:          files dns\n")

    def run(self, command: str) -> tuple[str, str, int]:
        done = subprocess.run(
            ["ip", "netns", "exec", self.client, "bash", "-c", command],
            capture_output=True,
            text=True,
            timeout=60,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"},
        )
        return done.stdout, done.stderr, done.returncode

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.dnsmasq is not None:
            with contextlib.suppress(ProcessLookupError):
                self.dnsmasq.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.dnsmasq.wait(timeout=5)
        for ns in (self.client, self.server):
            sh("ip", "netns", "del", ns, check=False)
            shutil.rmtree(Path("/etc/netns") / ns, ignore_errors=True)


def scenario(resolv: str = f"nameserver {SERVER}\n", hosts: str = HOSTS) -> dict:
    return {
        "segments": ["wire"],
        "hosts": {
            "C": {
                "interfaces": {"eth0": {"segment": "wire", "address": f"{CLIENT}/24"}},
                "hosts_file": hosts,
                "resolv_conf": resolv,
            },
            "S": {
                "interfaces": {"eth0": {"segment": "wire", "address": f"{SERVER}/24"}},
                "dns": {
                    "recursive": True,
                    "zones": {".": "", "example.com": ZONE, "53.99.10.in-addr.arpa": REVERSE},
                },
            },
        },
    }


@pytest.fixture(scope="module")
def lab():
    reason = _unavailable()
    if reason:
        pytest.skip(reason)
    with Lab() as lab:
        yield lab


def simulated(
    command: str, resolv: str = f"nameserver {SERVER}\n", hosts: str = HOSTS
) -> tuple[str, str, int]:
    net = build(scenario(resolv, hosts))
    result = net.run("C", command)
    return result.stdout, result.stderr, result.status


def _same(real: tuple[str, str, int], sim: tuple[str, str, int]) -> None:
    assert (mask(sim[0]), mask(sim[1]), sim[2]) == (mask(real[0]), mask(real[1]), real[2])


@pytest.mark.parametrize("command", COMMANDS)
def test_the_simulator_answers_like_dnsmasq_and_the_real_tools(lab, command):
    lab.files(HOSTS, f"nameserver {SERVER}\n")
    _same(lab.run(command), simulated(command))


@pytest.mark.parametrize(("resolv", "command"), FAILURES)
def test_the_simulator_fails_like_the_real_tools(lab, resolv, command):
    lab.files(HOSTS, resolv)
    _same(lab.run(command), simulated(command, resolv))


# /etc/hosts cases: comments, aliases, case, several lines, and a name with only an IPv4 line in
# the file but an AAAA in DNS (glibc's files module does not match it for IPv6, DNS answers).
HOSTS_CASES = [
    ("10.99.53.98 example.com\n", "getent hosts example.com"),
    ("10.99.53.98 example.com\n", "getent ahosts example.com"),
    ("# c\n10.99.53.5  alpha beta   # two names\n", "getent hosts BETA"),
    ("10.99.53.5 alpha\n10.99.53.6 alpha\n", "getent hosts alpha"),
    ("10.99.53.5 alpha\n10.99.53.6 alpha\n", "getent ahostsv4 alpha"),
    ("10.99.53.300 bad\n10.99.53.7 bad\n", "getent hosts bad"),
    ("10.99.53.5 alpha beta\n", "getent hosts 10.99.53.5"),
    ("fe80::1%eth0 scoped\n2001:db8::5 six\n", "getent hosts six"),
    ("10.99.53.5 alpha\n", "getent hosts"),
]


@pytest.mark.parametrize(("hosts", "command"), HOSTS_CASES)
def test_the_hosts_file_reads_like_glibc(lab, hosts, command):
    lab.files(hosts, f"nameserver {SERVER}\n")
    _same(lab.run(command), simulated(command, hosts=hosts))
