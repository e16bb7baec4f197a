"""Fuzzing the shell: whatever a learner types, ``Network.run`` answers with a bounded ``Result``.

Two generators feed sequences of lines to one network (the names reference topology: hosts,
a router, a DNS server; or the web topology: proxies and origins):

- random text: any unicode, control characters, quotes, pipes, redirections, ``$( )``,
  backquotes, very long lines and many words;
- grammar-aware lines built from the simulator's own command set (``ip link|addr|route|neigh``
  with abbreviations and options, ``route``, ``ifconfig``, ``ping``, ``traceroute``,
  ``sysctl -w``, ``echo > /proc/...``, ``/etc/hosts`` edits, ``getent``, ``dig``, ``nslookup``,
  ``host``, ``curl``, pipes into ``grep``/``head``...), with valid and invalid addresses,
  prefixes and devices, so that most lines reach deep into the commands instead of stopping at
  "command not found".

After every line: it answered within seconds, the result is a ``Result`` of two strings within
``MAX_OUTPUT`` (plus the truncation notice) and an exit status in 0..255, and no command failed
with the shell's "internal simulator error" (an exception that the shell caught). Numbers come
mistyped too (``¹``, ``٣``, ``+-5``, ``4294967297``): that is how these fuzzers found the
``int("¹")`` crashes and the unbounded DNS retries listed in ``FOUND_BY_FUZZING``. After every
sequence the network survives a JSON round trip unchanged and the restored copy answers the next
line exactly as the original does.

How many examples run is set by the Hypothesis profile (tests/sim/conftest.py): ``ci`` (the
default) runs the counts below, a few thousand lines in all; ``HYPOTHESIS_PROFILE=fuzz`` runs
twenty times as many::

    HYPOTHESIS_PROFILE=fuzz .venv/bin/pytest tests/sim/test_fuzz_shell.py -n 2 -p no:django
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent / "names"))

from fuzzing import fuzz_settings
from names_scenarios import reference_names, web

from netlearn.sim import Network, Result
from netlearn.sim.limits import MAX_LINE, MAX_OUTPUT
from netlearn.sim.shell import TRUNCATED

TOPOLOGIES = {"names": reference_names(forwarder=True), "web": web()}
HOSTS = {name: list(data["hosts"]) for name, data in TOPOLOGIES.items()}


def _network(topology: str) -> Network:
    return Network.from_scenario(json.loads(json.dumps(TOPOLOGIES[topology])))


def _run_one(net: Network, host: str, line: str) -> None:
    started = time.perf_counter()
    result = net.run(host, line)
    # Generous for a loaded 2-CPU machine; a command that loops on its input takes far longer.
    assert time.perf_counter() - started < 5.0, f"{line!r} took too long"
    _assert_bounded(result, line)


def _assert_bounded(result: Result, line: str) -> None:
    assert isinstance(result, Result), line
    assert isinstance(result.stdout, str) and isinstance(result.stderr, str), line
    assert type(result.status) is int and 0 <= result.status <= 255, (line, result.status)
    assert len(result.stdout) <= MAX_OUTPUT + len(TRUNCATED), line
    assert len(result.stderr) <= MAX_OUTPUT + len(TRUNCATED), line
    assert "internal simulator error" not in result.stderr, (line, result.stderr)


def _run_all(topology: str, runs: list[tuple[int, str]], after: str) -> None:
    """Run each (host index, line) on one network, then check the JSON round trip."""
    net = _network(topology)
    hosts = HOSTS[topology]
    for index, line in runs:
        _run_one(net, hosts[index % len(hosts)], line)
    state = net.to_dict()
    restored = Network.from_dict(json.loads(json.dumps(state)))
    assert restored.to_dict() == state
    host = hosts[0]
    assert restored.run(host, after) == net.run(host, after), after


# -- random text ----------------------------------------------------------------------------------

SHELLISH = list("'\"\\$`|;&<>()[]{}*?~#!=%^\n\t\r\x00\x1b") + [
    "$(", "`", "$((1+1))", "${X}", "${", "$?", "2>&1", "&>", ">>", "2>", "<", "<<<", "| ", "||",
    "&&", " > /etc/hosts", " >> /etc/resolv.conf", " > /proc/sys/net/ipv4/ip_forward",
    " | grep ", " | head -n 1", "ip ", "echo ", "sudo ", "X=", " -", "--", "/", "..", "\u202e",
    "\ufeff", "\u00a0", "\U0001f600", "ß", "İ",
]  # fmt: skip

random_text = st.one_of(
    st.text(max_size=200),
    st.text(st.characters(codec="utf-8"), max_size=80),
    st.text(st.characters(max_codepoint=0x7F), max_size=300),
    st.lists(st.sampled_from(SHELLISH) | st.text(max_size=6), max_size=40).map("".join),
    # long lines and many words: around and beyond MAX_LINE and MAX_ARGS
    st.builds(lambda w, n: " ".join([w] * n), st.sampled_from(["a", "ip", "-4", "$X", "'x'"]),
              st.integers(100, 700)),
    st.builds(lambda c, n: c * n, st.sampled_from(["x", "(", "$(", "'", "\\", "|", " "]),
              st.integers(MAX_LINE - 2, MAX_LINE + 2)),
)  # fmt: skip


@fuzz_settings(300)
@given(
    topology=st.sampled_from(sorted(TOPOLOGIES)),
    runs=st.lists(st.tuples(st.integers(0, 9), random_text), min_size=1, max_size=12),
)
def test_random_text_never_escapes_and_stays_bounded(topology, runs):
    _run_all(topology, runs, "ip a; ip r; cat /etc/hosts")


# -- grammar-aware lines --------------------------------------------------------------------------

GOOD_ADDRESSES = [
    "192.165.1.1", "192.165.1.10", "192.165.1.11", "192.165.1.100", "192.165.2.1",
    "192.165.2.10", "192.165.2.11", "192.165.2.20", "192.165.1.3", "127.0.0.1", "0.0.0.0",
    "255.255.255.255", "10.0.0.1", "8.8.8.8",
]  # fmt: skip
BAD_ADDRESSES = [
    "1.2.3.300", "192.165.1", "192.165.1.", "::1", "2001:db8::1", "abc", "", "-1", "01.02.03.04",
    "0x7f.1", "1e3", "999999999999", "192.165.1.1.1", "localhost", "@", "ff:ff",
]  # fmt: skip
address = st.one_of(
    st.sampled_from(GOOD_ADDRESSES),
    st.ip_addresses(v=4).map(str),
    st.sampled_from(BAD_ADDRESSES),
)
# Numbers as a learner might mistype them: signs, hex, exponents, and digits that Python's
# str.isdigit() accepts but int() does not ("¹", "①") or that only int() accepts ("٣").
ODD_NUMBERS = ["-1", "x", "", "¹", "٣", "①", "+-5", "--5", "1e3", "0x10", "007", "9" * 30]
number = st.one_of(st.integers(0, 2**32 + 1).map(str), st.sampled_from(ODD_NUMBERS))
prefix_len = st.one_of(st.integers(0, 32).map(str), st.sampled_from(["33", "024", *ODD_NUMBERS]))
network = st.one_of(
    st.builds(lambda a, p: f"{a}/{p}", address, prefix_len),
    st.sampled_from(["default", "192.165.2.0/24", "192.165.1.0/24", "0.0.0.0/0", "10.0.0.0/8"]),
    address,
)
device = st.sampled_from(["eth0", "eth1", "lo", "eth9", "eth0.100", "any", "", "x" * 20, "eth0:1"])
metric = number
name = st.sampled_from([
    "www.example.com", "example.com", "flowers.example.com", "shop.example.com", "myname",
    "nosuch.example.com", "localhost", "x.wildcard.test", ".", "..", "a" * 70 + ".com",
    "10.2.165.192.in-addr.arpa", "web1.example.com", "gw.example.com", "-x", "",
])  # fmt: skip
rtype = st.sampled_from(["A", "AAAA", "CNAME", "NS", "SOA", "MX", "PTR", "ANY", "TXT", "BOGUS"])


def _words(*parts) -> st.SearchStrategy[str]:
    """A line from strategies and literal words; empty words vanish like unquoted ones."""
    return st.tuples(*(p if isinstance(p, st.SearchStrategy) else st.just(p) for p in parts)).map(
        lambda ws: " ".join(w for w in ws if w)
    )


def _opt(strategy) -> st.SearchStrategy[str]:
    strategy = strategy if isinstance(strategy, st.SearchStrategy) else st.just(strategy)
    return st.one_of(st.just(""), strategy)


ip_options = st.lists(
    st.sampled_from(["-4", "-6", "-br", "-brief", "-s", "-d", "-o", "-j", "-p", "-c", "-n", "-f"]),
    max_size=2,
).map(" ".join)
ip_link = _words(
    "ip", ip_options, st.sampled_from(["link", "l", "li", "lin"]),
    st.one_of(
        _words(st.sampled_from(["show", "sh", "list", "ls", ""]), _opt(device)),
        _words("set", _opt("dev"), device, st.sampled_from(["up", "down", "mtu 1400", "mtu",
               "address 02:00:00:00:00:99", "name eth7", "promisc on", ""])
               | _words(st.sampled_from(["mtu", "txqueuelen"]), number)),
        _words(st.sampled_from(["add", "del", "delete"]), device, _opt("type dummy")),
    ),
)  # fmt: skip
ip_addr = _words(
    "ip", ip_options, st.sampled_from(["addr", "a", "ad", "address"]),
    st.one_of(
        _words(st.sampled_from(["show", "s", "list", "lst", ""]), _opt(_words("dev", device))),
        _words(st.sampled_from(["add", "del", "change", "replace"]), network,
               _opt(_words("brd", st.sampled_from(["+", "-", "192.165.1.255"]))),
               _opt("dev"), device, _opt(st.sampled_from(["label eth0:1", "scope link"]))),
        _words("flush", _opt("dev"), device),
    ),
)  # fmt: skip
ip_route = _words(
    "ip", ip_options, st.sampled_from(["route", "r", "ro", "rou", "rout"]),
    st.one_of(
        _words(st.sampled_from(["show", "list", ""]), _opt(network)),
        _words(st.sampled_from(["add", "del", "delete", "replace", "append", "change", "a", "d"]),
               network, _opt(_words("via", address)), _opt(_words("dev", device)),
               _opt(_words("metric", metric)), _opt(st.sampled_from(["onlink", "proto static",
               "scope link", "src 192.165.1.10", "table main", "table 7"]))),
        _words("get", address, _opt(_words("from", address)), _opt(_words("oif", device))),
        _words("flush", st.sampled_from(["all", "dev eth0", "cache", ""])),
    ),
)  # fmt: skip
ip_neigh = _words(
    "ip", ip_options, st.sampled_from(["neigh", "n", "ne", "neighbour", "neighbor"]),
    st.one_of(
        _words(st.sampled_from(["show", ""]), _opt(_words("dev", device))),
        _words(st.sampled_from(["add", "del", "replace"]), address, "lladdr",
               st.sampled_from(["02:00:00:00:00:01", "zz", ""]), "dev", device),
        _words("flush", st.sampled_from(["all", "dev eth0", ""])),
    ),
)  # fmt: skip
route_cmd = _words(
    "route",
    st.one_of(
        st.sampled_from(["", "-n", "-e", "-ne", "-A inet", "-x"]),
        _words(st.sampled_from(["add", "del"]),
               st.sampled_from(["-net", "-host", "default", ""]), address,
               _opt(_words("netmask", st.sampled_from(["255.255.255.0", "255.0.255.0", "x"]))),
               _opt(_words(st.sampled_from(["gw", "gateway"]), address)),
               _opt(_words("dev", device)), _opt(_words("metric", metric))),
    ),
)  # fmt: skip
ifconfig = _words(
    "ifconfig", st.sampled_from(["", "-a", "-s"]), _opt(device),
    _opt(st.one_of(st.sampled_from(["up", "down"]), _words(address, _opt(_words("netmask",
         st.sampled_from(["255.255.255.0", "255.255.0.0", "1.2.3.4"])))), network)),
)  # fmt: skip
ping = _words(
    "ping", _opt(_words("-c", st.sampled_from(["1", "2", "100000"]) | number)),
    _opt(_words("-W", st.sampled_from(["1", "0.5"]) | number)),
    _opt(st.sampled_from(["-q", "-n", "-4", "-I eth0", "-t 1", "-i 0.2", "-s 56"])),
    st.one_of(address, name),
)  # fmt: skip
traceroute = _words(
    "traceroute", _opt(st.sampled_from(["-n", "-m 3", "-m 0", "-m 300", "-q 1", "-w 1", "-I"])),
    _opt(_words(st.sampled_from(["-m", "-q", "-w", "-f"]), number)),
    st.one_of(address, name),
)  # fmt: skip
sysctl = _words(
    "sysctl",
    st.one_of(
        _words(st.sampled_from(["-w", ""]), st.sampled_from([
            "net.ipv4.ip_forward=1", "net.ipv4.ip_forward=0", "net.ipv4.ip_forward=2",
            "net.ipv4.ip_forward", "net/ipv4/ip_forward=1", "net.ipv4.ip_forward = 1",
            "net.ipv4.conf.all.forwarding=1", "kernel.nosuch=1", "=", ""])),
        st.sampled_from(["-a", "-p", "-p /etc/sysctl.conf", "-n net.ipv4.ip_forward", "--system"]),
    ),
)  # fmt: skip
files = st.one_of(
    _words("echo", st.sampled_from(["1", "0", "2", "", "-n 1", "yes"]),
           st.sampled_from([">", ">>", "2>"]),
           st.sampled_from(["/proc/sys/net/ipv4/ip_forward", "/proc/sys/net/ipv4/nosuch",
                            "/proc/sys/net/ipv4/conf/all/forwarding"])),
    _words("echo", st.builds(lambda a, n: f"'{a} {n}'", address, name),
           st.sampled_from([">", ">>"]), st.sampled_from(["/etc/hosts", "/etc/resolv.conf"])),
    _words("echo", st.builds(lambda a: f"nameserver {a}", address), ">>", "/etc/resolv.conf"),
    _words(st.one_of(st.sampled_from(["cat", "head -n 2", "tail -1", "wc -l", "grep -v '#'"]),
                     st.builds(lambda t, n: f"{t} {n}", st.sampled_from(["head -n", "tail -n",
                               "head -", "tail -n +", "grep -m"]), number).map(
                                   lambda w: w.replace("- ", "-").replace("+ ", "+"))),
           st.sampled_from(["/etc/hosts", "/etc/resolv.conf", "/etc/hostname", "/nosuch",
                            "/proc/sys/net/ipv4/ip_forward", "/etc", ""])),
    _words("printf", st.sampled_from(["'%s %s\\n'", "'%d'", "'%'", "x"]), address, name,
           st.sampled_from(["| tee -a /etc/hosts", "> /etc/hosts", ""])),
)  # fmt: skip
names = st.one_of(
    _words("getent", st.sampled_from(["hosts", "ahosts", "ahostsv4", "passwd", ""]),
           st.one_of(name, address)),
    _words("dig", _opt(st.builds(lambda a: f"@{a}", address)), st.one_of(name, address),
           _opt(rtype), _opt(st.sampled_from(["+short", "+trace", "+norec", "+tries=1",
           "-x 192.165.2.10", "-t MX"])),
           _opt(st.builds(lambda o, n: f"+{o}={n}", st.sampled_from(["time", "tries", "retry",
                          "ndots"]), number))),
    _words("nslookup", _opt(st.sampled_from(["-type=A", "-type=MX", "-retry=1"])),
           _opt(st.builds(lambda o, n: f"-{o}={n}", st.sampled_from(["retry", "timeout"]), number)),
           name,
           _opt(address)),
    _words("host", _opt(st.sampled_from(["-t A", "-t AAAA", "-a", "-v"])),
           _opt(_words(st.sampled_from(["-R", "-W"]), number)),
           st.one_of(name, address), _opt(address)),
    _words("curl", _opt(st.sampled_from(["-s", "-I", "-v", "-i", "-k", "-m 1", "-L"])),
           _opt(_words("-x", st.sampled_from(["http://gw.example.com:3128", "http://gw:3128",
                "http://192.165.1.3:3128", "nosuch:1", "http://x:99999"]))),
           _opt(_words("-H", st.sampled_from(["'Host: www.example.com'", "'X: y'", "bad"]))),
           st.builds(lambda s, h, p, path: f"{s}{h}{p}{path}",
                     st.sampled_from(["http://", "https://", "ftp://", ""]),
                     st.one_of(name, address),
                     st.sampled_from(["", ":80", ":443", ":3128", ":0", ":99999", ":x"]),
                     st.sampled_from(["", "/", "/index.html", "/a?b=c", "/%zz"]))),
    _words("hostname", _opt(st.sampled_from(["-I", "-i", "-f", "new-name", "-x"]))),
)  # fmt: skip
other = st.sampled_from([
    "help", "help ip", "arp", "arp -n", "netstat -rn", "env", "export X=1", "unset X",
    "echo $X $? ${HOSTNAME}", "sleep 1", "sleep 100000", "sleep -1", "true", "false", "clear",
    "ipp", "ip", "ip help", "ip -V", "ip nosuch", "ip route help", "wc", "sudo", "sudo -E",
])  # fmt: skip
simple_command = st.one_of(
    ip_link,
    ip_addr,
    ip_route,
    ip_neigh,
    route_cmd,
    ifconfig,
    ping,
    traceroute,
    sysctl,
    files,
    names,
    other,
)
pipe_tail = st.sampled_from([
    "| grep eth0", "| grep -c via", "| grep -i -v x", "| head -n 3", "| head -1", "| tail -n 2",
    "| wc -l", "| grep", "| head -n -x", "| tee /etc/hosts", "| cat", "2>&1 | grep -o ms",
    "> /dev/null", "2> /dev/null", "&> /tmp/out", "> /etc/hostname",
])  # fmt: skip
command_line = st.one_of(
    simple_command,
    _words(simple_command, pipe_tail),
    st.builds(lambda a, op, b: f"{a} {op} {b}", simple_command,
              st.sampled_from([";", "&&", "||", "|"]), simple_command),
    st.builds(lambda a: f"echo $({a})", simple_command),
    st.builds(lambda a: f"X=$({a}); echo \"$X\" | head -n 1", simple_command),
)  # fmt: skip


FOUND_BY_FUZZING = [
    "ip route add 10.1.0.0/16 dev eth0 metric ¹", "route add -net 10.2.0.0/¹ dev eth0",
    "route add -net 10.2.0.0 netmask 255.255.0.0 metric ¹ dev eth0", "ifconfig eth0 10.0.0.5/¹",
    "ip link set eth0 mtu ¹", "dig +time=¹ x", "nslookup -retry=¹ x", "host -R ¹ x",
    "host -R --5 x", "head -¹ /etc/hosts", "head -n ¹ /etc/hosts", "tail -n +¹ /etc/hosts",
    "head -n +-5 /etc/hosts",
    # each try timed out against an absent server, 4 billion times
    "dig +tries=4294967297 @192.165.1.99 x", "dig +retry=4294967296 @192.165.1.99 x",
    "nslookup -retry=4294967297 x 192.165.1.99", "host -R 4294967297 x 192.165.1.99",
]  # fmt: skip


@fuzz_settings(250)
@given(
    topology=st.sampled_from(sorted(TOPOLOGIES)),
    runs=st.lists(st.tuples(st.integers(0, 9), command_line), min_size=5, max_size=25),
)
@example(  # found by this fuzzer: "¹".isdigit() but int("¹") raises; retries without bound
    topology="names",
    runs=[(0, line) for line in FOUND_BY_FUZZING],
)
def test_command_sequences_never_escape_and_the_network_stays_serialisable(topology, runs):
    _run_all(topology, runs, "ip -4 a; ip r; ip neigh; sysctl net.ipv4.ip_forward")


@fuzz_settings(150)
@given(
    lines=st.lists(st.one_of(command_line, random_text), min_size=5, max_size=20),
)
def test_mixed_lines_on_the_router_never_escape(lines):
    _run_all("names", [(3, line) for line in lines], "ip r; cat /etc/resolv.conf")
