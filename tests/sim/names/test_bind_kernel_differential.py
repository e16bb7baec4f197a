"""Differential test: delegation from the root and recursion, against BIND 9.18 in namespaces.

The delegation scenario (A, a recursive resolver, root, ``com`` and ``example.com`` servers on
one segment) is built by the core's KernelLab; ``named`` runs authoritative-only on the three
zone servers and as a recursive resolver with root hints on ``resolver``. dig, host, nslookup and
getent on A must print what the simulator prints, up to query ids, times and dates. The named
processes are ours (stopped by their Popen handle), the namespaces are KernelLab's and deleted.

Needs root, ``ip``, ``named`` (apt-get install bind9) and ``dig``; skipped with the reason
otherwise.
"""

from __future__ import annotations

import copy
import difflib
import os
import re
import shutil
import signal
import subprocess
import time

import pytest
from kernel import KernelLab, unavailable_reason
from names_scenarios import DELEGATED_EXAMPLE, build, delegation

pytestmark = [pytest.mark.kernel, pytest.mark.slow]

# BIND refuses a primary zone without SOA and NS at the apex: the root zone gets both here.
ROOT = """\
$TTL 518400
@                   IN SOA a.root-servers.net. nstld.verisign-grs.com. (
                           2026112800 1800 900 604800 86400 )
@                   IN NS  a.root-servers.net.
a.root-servers.net. IN A   198.41.0.4
com.         172800 IN NS  a.gtld-servers.net.
a.gtld-servers.net. 172800 IN A 192.5.6.30
"""
COM = """\
$TTL 172800
@            IN SOA a.gtld-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400
@            IN NS  a.gtld-servers.net.
example      IN NS  ns1.example.com.
ns1.example  IN A   199.43.135.53
"""
SERVERS = {"root": (".", ROOT), "tld": ("com", COM), "ns1": ("example.com", DELEGATED_EXAMPLE)}
ADDRESSES = {
    "root": "198.41.0.4",
    "tld": "192.5.6.30",
    "ns1": "199.43.135.53",
    "resolver": "10.0.0.53",
}

COMMANDS = [
    "dig www.example.com",
    "dig nosuch.example.com",
    "dig www.example.com AAAA",
    "dig +short flowers.example.com",
    "dig flowers.example.com",
    "dig loop1.example.com",
    "dig ext.example.com",
    "dig @198.41.0.4 www.example.com",
    "dig @192.5.6.30 www.example.com",
    "dig @199.43.135.53 www.example.com",
    "dig @199.43.135.53 nosuch.example.com",
    "dig @199.43.135.53 www.example.com AAAA",
    "dig +norec @199.43.135.53 www.example.com",
    "dig @199.43.135.53 loop1.example.com",
    "dig @198.41.0.4 example.org",
    "dig @198.41.0.4 example.com NS",
    "dig +trace www.example.com",
    "dig +trace deep.example.com",
    "dig @199.43.135.53 example.com MX",
    "dig @199.43.135.53 example.com SOA",
    "dig @199.43.135.53 example.com NS",
    "dig +norec @199.43.135.53 example.com MX",
    "dig @199.43.135.53 deep.example.com",
    "dig @199.43.135.53 a.b.c.example.com AAAA",
    "dig @199.43.135.53 b.c.example.com",
    "dig @199.43.135.53 x.a.b.c.example.com",
    "dig @199.43.135.53 flowers.example.com",
    "dig @199.43.135.53 ext.example.com",
    "dig +norec @198.41.0.4 www.example.com",
    "dig @192.5.6.30 ns1.example.com",
    "dig +norec @192.5.6.30 example.com NS",
    "dig @192.5.6.30 nosuch.com",
    "dig deep.example.com",
    "dig example.com MX",
    "host example.com",
    "host -t SOA example.com",
    "host -t NS example.com",
    "nslookup -type=MX example.com",
    "nslookup -type=SOA example.com",
    "nslookup -type=NS example.com",
    "host www.example.com",
    "host nosuch.example.com",
    "nslookup www.example.com",
    "nslookup nosuch.example.com",
    "getent hosts flowers.example.com",
]
MASKS = (
    (re.compile(r"id: \d+"), "id: ID"),
    (re.compile(r";; Query time: \d+ msec"), ";; Query time: N msec"),
    (re.compile(r";; WHEN: .*"), ";; WHEN: DATE"),
    (re.compile(r" in \d+ ms$", re.M), " in N ms"),
)


def mask(text: str) -> str:
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def scenario() -> dict:
    data = copy.deepcopy(delegation())
    data["hosts"]["root"]["dns"] = {"zones": {".": ROOT}}
    data["hosts"]["tld"]["dns"] = {"zones": {"com": COM}}
    return data


def _named_conf(tmp: str, name: str) -> str:
    common = f"""
  directory "{tmp}";
  pid-file "{tmp}/{name}.pid";
  session-keyfile "{tmp}/{name}.key";
  managed-keys-directory "{tmp}";
  listen-on {{ {ADDRESSES[name]}; }};
  listen-on-v6 {{ none; }};
  dnssec-validation no;
  answer-cookie no;
  notify no;
"""
    if name == "resolver":
        subprocess.run(
            ["rndc-confgen", "-a", "-c", f"{tmp}/rndc.key"],
            check=True,
            capture_output=True,
            timeout=30,
        )
        with open(f"{tmp}/hints", "w") as fh:
            fh.write(
                ".  3600000 NS a.root-servers.net.\na.root-servers.net. 3600000 A 198.41.0.4\n"
            )
        return (
            f"options {{ {common} recursion yes; allow-recursion {{ any; }}; "
            "qname-minimization off; };\n"
            f'zone "." {{ type hint; file "{tmp}/hints"; }};\n'
            f'include "{tmp}/rndc.key";\n'
            'controls { inet 127.0.0.1 allow { 127.0.0.1; } keys { "rndc-key"; }; };\n'
        )
    zone, text = SERVERS[name]
    path = f"{tmp}/{name}.zone"
    with open(path, "w") as fh:
        fh.write(text)
    return (
        f"options {{ {common} recursion no; allow-query {{ any; }}; }};\n"
        f'zone "{zone}" {{ type primary; file "{path}"; }};\n'
    )


def _unavailable() -> str | None:
    reason = unavailable_reason()
    if reason:
        return reason
    for tool in ("named", "rndc", "rndc-confgen", "dig", "nslookup", "host", "getent"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install bind9 dnsutils)"
    return None


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    reason = _unavailable()
    if reason:
        pytest.skip(reason)
    tmp = str(tmp_path_factory.mktemp("bind"))
    os.chmod(tmp, 0o755)
    procs: list[subprocess.Popen] = []
    with KernelLab(scenario()) as lab:
        try:
            for name in ("root", "tld", "ns1", "resolver"):
                conf = f"{tmp}/{name}.conf"
                with open(conf, "w") as fh:
                    fh.write(_named_conf(tmp, name))
                procs.append(
                    subprocess.Popen(
                        [
                            "ip",
                            "netns",
                            "exec",
                            lab.host_ns[name],
                            "named",
                            "-f",
                            "-n",
                            "1",
                            "-c",
                            conf,
                        ],
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )
            _wait_until_answering(lab)
            lab.tmp = tmp
            yield lab
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            for proc in procs:
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()


def _wait_until_answering(lab) -> None:
    for _ in range(50):
        ready = all(
            lab.run("A", f"dig +time=1 +tries=1 +short @{address} . SOA").status == 0
            and lab.run("A", f"dig +time=1 +tries=1 +short @{address} . SOA").stdout
            for address in ("198.41.0.4",)
        )
        if (
            ready
            and lab.run("A", "dig +short +time=1 +tries=1 @199.43.135.53 www.example.com").stdout
        ):
            return
        time.sleep(0.2)
    pytest.fail("named did not start in time")


def _simulated(command: str) -> tuple[str, str, int]:
    net = build(scenario())
    result = net.run("A", command)
    return result.stdout, result.stderr, result.status


@pytest.mark.parametrize("command", COMMANDS)
def test_the_simulator_resolves_like_bind(lab, command):
    # Each command starts from an empty resolver cache, as in a fresh simulated network.
    flush = lab.run("resolver", f"rndc -k {lab.tmp}/rndc.key -s 127.0.0.1 flush")
    assert flush.status == 0, flush.stderr
    real = lab.run("A", command, timeout=30)
    sim = _simulated(command)
    expected = (mask(real.stdout), mask(real.stderr), real.status)
    actual = (mask(sim[0]), mask(sim[1]), sim[2])
    diff = "".join(
        difflib.unified_diff(
            expected[0].splitlines(keepends=True),
            actual[0].splitlines(keepends=True),
            "bind",
            "simulator",
        )
    )
    assert actual == expected, diff
