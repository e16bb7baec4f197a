"""traceroute: the reference transcripts, silent drops, !N / !H, names and cmdline errors."""

from __future__ import annotations

import pytest
from traffic_transcripts import cases_of, expected, mask_times, masked

from netlearn.sim.commands.traceroute import USAGE

CASES = cases_of("traceroute")


@pytest.mark.parametrize(
    ("item", "result"),
    [pytest.param(i, r, id=f"{i['id']}-{i['command']}") for i, r in CASES],
)
def test_traceroute_prints_what_the_real_tool_printed(item, result):
    assert masked(result) == masked(expected(item))


def test_the_reference_capture_has_traceroute_cases():
    assert len(CASES) >= 6


def test_each_router_appears_once_then_the_destination(sh):
    out = mask_times(sh("traceroute -n 192.165.2.11").stdout)
    assert out.splitlines()[1:] == [
        " 1  192.165.1.1  T ms  T ms  T ms",
        " 2  192.165.2.11  T ms  T ms  T ms",
    ]


def test_a_silent_drop_prints_stars_up_to_the_hop_limit(reference):
    reference.run("R", "sysctl -w net.ipv4.ip_forward=0")
    lines = reference.run("A", "traceroute -n 192.165.2.11").stdout.splitlines()
    assert len(lines) == 31
    assert lines[-1] == "30  * * *"


def test_a_missing_reply_route_shows_the_router_then_stars(reference):
    reference.run("C", "ip route del default")
    lines = mask_times(reference.run("A", "traceroute -n -m 4 192.165.2.10").stdout).splitlines()
    assert lines[1] == " 1  192.165.1.1  T ms  T ms  T ms"
    assert lines[2:] == [" 2  * * *", " 3  * * *", " 4  * * *"]


def test_an_unanswered_arp_at_the_router_ends_with_host_unreachable(sh):
    lines = sh("traceroute -n 192.165.2.99").stdout.splitlines()
    assert lines[-1].startswith(" 2  192.165.1.1  300")
    assert lines[-1].endswith("ms !H")


def test_a_short_wait_turns_host_unreachable_into_stars(sh):
    lines = sh("traceroute -n -m 2 -w 1 192.165.2.99").stdout.splitlines()
    assert lines[-1] == " 2  * * *"


def test_names_come_from_the_hosts_file(sh):
    sh("echo '192.165.1.1 router' >> /etc/hosts")
    out = sh("traceroute 192.165.2.11").stdout
    assert " 1  router (192.165.1.1)  " in out
    assert " 2  192.165.2.11 (192.165.2.11)  " in out


def test_loopback_is_one_hop_named_localhost(sh):
    out = mask_times(sh("traceroute 127.0.0.1").stdout)
    assert out.splitlines()[1] == " 1  localhost (127.0.0.1)  T ms  T ms  T ms"


def test_no_route_prints_the_header_then_connect_error(reference):
    reference.run("A", "ip route del default")
    result = reference.run("A", "traceroute -n 10.1.1.1")
    assert result.output == (
        "traceroute to 10.1.1.1 (10.1.1.1), 30 hops max, 60 byte packets\n"
        "connect: Network is unreachable\n"
    )
    assert result.status == 1


@pytest.mark.parametrize(
    ("line", "stderr"),
    [
        ("traceroute -m 0 127.0.0.1", "first hop out of range\n"),
        ("traceroute -m 300 127.0.0.1", "max hops cannot be more than 255\n"),
        ("traceroute -q 11 127.0.0.1", "no more than 10 probes per hop\n"),
        ("traceroute -Z 127.0.0.1", "Bad option `-Z' (argc 1)\n"),
        ("traceroute -w x 127.0.0.1", "Cannot handle `-w' option with arg `x' (argc 2)\n"),
        ("traceroute -m", "Option `-m' (argc 1) requires an argument: `-m max_ttl'\n"),
        ("traceroute 127.0.0.1 a b", "Extra arg `b' (position 3, argc 3)\n"),
        (
            "traceroute -n nosuchname",
            "nosuchname: Temporary failure in name resolution\n"
            'Cannot handle "host" cmdline arg `nosuchname\' on position 1 (argc 2)\n',
        ),
    ],
)
def test_cmdline_errors_match_traceroute_2_1_2(sh, line, stderr):
    result = sh(line)
    assert (result.stdout, result.stderr, result.status) == ("", stderr, 2)


def test_without_arguments_it_prints_its_usage(sh):
    result = sh("traceroute")
    assert (result.stderr, result.status) == (USAGE, 0)


def test_packet_length_appears_in_the_header(sh):
    assert "30 hops max, 28 byte packets" in sh("traceroute 127.0.0.1 10").stdout


def test_the_result_keeps_one_trace_per_hop(reference):
    result = reference.run("A", "traceroute -n 192.165.2.11")
    assert [trace.drop.cause if trace.drop else "delivered" for trace in result.trace] == [
        "ttl-exceeded",
        "delivered",
    ]


# -- against the real kernel (network namespaces; skipped where unavailable) ----------------------

KERNEL_CASES = [
    ("A", "traceroute -n 192.165.2.99"),  # R cannot ARP: !H from R after ~3 s
    ("A", "traceroute -n 192.165.1.99"),  # A cannot ARP: !H from A itself
    ("A", "traceroute -n -m 5 192.165.3.3"),  # R has no route: !N
    ("A", "traceroute 192.165.2.11"),
    ("A", "ping -c 3 -W 5 192.165.1.98"),  # three errors, pipe 3
    ("A", "ping -c 2 -W 5 192.165.2.98"),
    ("C", "ip route del default"),
    ("A", "traceroute -n -m 4 192.165.2.10"),  # the replies cannot come back
    ("A", "ping -c 1 -W 1 192.165.2.10"),
    ("C", "ip route add default via 192.165.2.1"),
    ("R", "sysctl -qw net.ipv4.ip_forward=0"),
    ("A", "traceroute -n -m 3 192.165.2.10"),  # silent drop: * * *
    ("A", "ping -c 1 192.165.2.1"),  # weak host: R still answers for eth1
]


@pytest.mark.kernel
@pytest.mark.slow
def test_traceroute_and_ping_agree_with_the_kernel_on_the_reference_topology():
    import kernel
    from transcripts import reference_scenario

    from netlearn.sim import Network

    reason = kernel.unavailable_reason()
    if reason:
        pytest.skip(reason)
    scenario = reference_scenario(configured=True)
    net = Network.from_scenario(scenario)
    with kernel.KernelLab(scenario) as lab:
        for host, line in KERNEL_CASES:
            real = lab.run(host, line, timeout=60)
            sim = net.run(host, line)
            assert (mask_times(sim.stdout), sim.stderr, sim.status) == (
                mask_times(real.stdout),
                real.stderr,
                real.status,
            ), (host, line)


def test_the_longest_traceroute_through_a_loop_stays_bounded(reference):
    # Its speed is measured in `make bench`, not asserted here.
    reference.run("R", "ip route add 10.9.0.0/16 via 192.165.1.10")
    reference.run("A", "ip route add 10.9.0.0/16 via 192.165.1.1")
    reference.run("A", "sysctl -w net.ipv4.ip_forward=1")
    result = reference.run("A", "traceroute -m 255 -q 10 -n 10.9.9.9")
    lines = result.stdout.splitlines()
    assert len(lines) == 256
    assert lines[1].startswith(" 1  192.165.1.1  ")


def test_probe_ttls_count_down_along_the_path(reference):
    traces = reference.run("A", "traceroute -n 192.165.2.11").trace
    assert [hop.ttl for hop in traces[0].hops] == [1, 1]
    assert [hop.ttl for hop in traces[1].hops] == [2, 2]
    assert traces[1].ttl == 1
