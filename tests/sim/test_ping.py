"""ping: the reference transcripts, iputils' option errors, statistics and the name hook."""

from __future__ import annotations

import pytest
from traffic_transcripts import KNOWN_DIFFERENCES, cases_of, expected, masked

from netlearn.sim import Network
from netlearn.sim.commands.ping import USAGE, inet_aton

PING_CASES = cases_of("ping")


@pytest.mark.parametrize(
    ("item", "result"),
    [
        pytest.param(
            item,
            result,
            id=f"{item['id']}-{item['host']}-{item['command']}",
            marks=[pytest.mark.xfail(reason=KNOWN_DIFFERENCES[item["id"]], strict=True)]
            if item["id"] in KNOWN_DIFFERENCES
            else [],
        )
        for item, result in PING_CASES
    ],
)
def test_ping_prints_what_iputils_printed_in_the_reference_capture(item, result):
    assert masked(result) == masked(expected(item))


def test_the_reference_capture_has_ping_cases():
    assert len(PING_CASES) >= 25


def test_a_reply_through_one_router_has_ttl_63(sh):
    assert "ttl=63" in sh("ping -c 1 192.165.2.10").stdout


def test_without_count_the_simulator_sends_four_packets(sh):
    result = sh("ping 192.165.1.11")
    assert "icmp_seq=4" in result.stdout
    assert "4 packets transmitted, 4 received, 0% packet loss, time 3042ms" in result.stdout


def test_three_replies_give_plausible_statistics(sh):
    lines = sh("ping -c 3 192.165.1.11").stdout.splitlines()
    assert lines[-2] == "3 packets transmitted, 3 received, 0% packet loss, time 2028ms"
    low, avg, high, mdev = lines[-1].removeprefix("rtt min/avg/max/mdev = ").split()[0].split("/")
    assert float(low) <= float(avg) <= float(high)
    assert float(mdev) > 0


def test_quiet_prints_only_the_header_and_the_statistics(sh):
    out = sh("ping -q -c 2 192.165.2.10").stdout
    assert "bytes from" not in out
    assert out.startswith("PING 192.165.2.10 (192.165.2.10) 56(84) bytes of data.\n\n---")


def test_size_changes_both_byte_counts(sh):
    out = sh("ping -c 1 -s 100 127.0.0.1").stdout
    assert "100(128) bytes of data." in out
    assert "108 bytes from 127.0.0.1" in out


def test_options_may_follow_the_destination(sh):
    assert sh("ping 192.165.1.11 -c 1").stdout.count("icmp_seq=") == 1


def test_an_unknown_option_prints_iputils_usage_with_status_2(sh):
    result = sh("ping -z 10.0.0.1")
    assert result.stderr == "ping: invalid option -- 'z'\n" + USAGE
    assert result.status == 2


@pytest.mark.parametrize(
    ("line", "stderr", "status"),
    [
        (
            "ping -c 0 10.0.0.1",
            "ping: invalid argument: '0': out of range: 1 <= value <= 9223372036854775807\n",
            1,
        ),
        ("ping -c abc 10.0.0.1", "ping: invalid argument: 'abc'\n", 1),
        (
            "ping -t 256 10.0.0.1",
            "ping: invalid argument: '256': out of range: 0 <= value <= 255\n",
            1,
        ),
        ("ping -t 0 10.0.0.1", "ping: cannot set unicast time-to-live: Invalid argument\n", 2),
        ("ping -W -1 -c 1 10.0.0.1", "ping: bad linger time: -1\n", 2),
        ("ping", "ping: usage error: Destination address required\n", 1),
    ],
)
def test_bad_arguments_fail_like_iputils(sh, line, stderr, status):
    result = sh(line)
    assert (result.stdout, result.stderr, result.status) == ("", stderr, status)


def test_garbage_in_a_wait_is_only_a_warning(sh):
    result = sh("ping -W x -c 1 127.0.0.1")
    assert result.stderr.startswith("ping: option argument contains garbage: x\n")
    assert result.status == 0


def test_pinging_a_subnet_broadcast_needs_b(sh):
    result = sh("ping -c 1 192.165.1.255")
    assert result.status == 2
    assert "Do you want to ping broadcast? Then -b." in result.stderr


def test_inet_aton_forms_are_numeric_targets(sh):
    assert inet_aton("127.1") == inet_aton("127.0.0.1")
    assert inet_aton("0x7f.1") == inet_aton("127.0.0.1")
    out = sh("ping -c 1 127.1").stdout
    assert out.startswith("PING 127.1 (127.0.0.1)")
    assert "64 bytes from 127.0.0.1: icmp_seq=1" in out


def test_a_name_from_etc_hosts_is_shown_with_its_address(sh):
    sh("echo '192.165.2.10 web' >> /etc/hosts")
    out = sh("ping -c 1 web").stdout
    assert out.startswith("PING web (192.165.2.10) 56(84) bytes of data.\n")
    assert "64 bytes from web (192.165.2.10): icmp_seq=1 ttl=63" in out
    assert "--- web ping statistics ---" in out


def test_an_unknown_name_without_nameserver_is_a_temporary_failure(sh):
    result = sh("ping -c 1 nosuchhost")
    assert result.stderr == "ping: nosuchhost: Temporary failure in name resolution\n"
    assert result.status == 2


def test_the_result_keeps_the_packet_trace(reference):
    result = reference.run("A", "ping -c 1 192.165.2.10")
    assert result.trace.ok
    assert result.trace.request.path() == ["A", "R", "C"]
    assert result.trace.reply.path() == ["C", "R", "A"]


def test_a_failed_ping_says_why_in_its_trace(reference):
    reference.run("R", "sysctl -w net.ipv4.ip_forward=0")
    trace = reference.run("A", "ping -c 1 192.165.2.10").trace
    assert trace.cause == "forwarding-off"
    assert "net.ipv4.ip_forward is 0 on R" in trace.message


def test_a_host_without_an_address_cannot_connect():
    net = Network.from_scenario(
        {"segments": ["lan"], "hosts": {"A": {"interfaces": {"eth0": {"segment": "lan"}}}}}
    )
    result = net.run("A", "ping -c 1 10.0.0.2")
    assert (result.stderr, result.status) == ("ping: connect: Network is unreachable\n", 2)
    assert result.trace.cause == "no-address"


def test_an_arp_failure_shows_only_with_a_long_enough_wait(sh):
    assert "Destination Host Unreachable" not in sh("ping -c 1 -W 1 192.165.1.98").stdout
    assert (
        "From 192.165.1.10 icmp_seq=1 Destination Host Unreachable"
        in sh("ping -c 1 192.165.1.98").stdout
    )


def test_many_packets_are_capped(sh):
    out = sh("ping -c 100000 -q 127.0.0.1").stdout
    assert "100 packets transmitted" in out


def test_the_limited_broadcast_needs_a_route_first(lan):
    assert lan.run("A", "ping -c 1 255.255.255.255").stderr == (
        "ping: connect: Network is unreachable\n"
    )


def test_traceroute_to_a_broadcast_is_permission_denied(sh):
    result = sh("traceroute -n 192.165.1.255")
    assert (result.stderr, result.status) == ("\nconnect: Permission denied\n", 1)


# -- against the real kernel (network namespaces; skipped where unavailable) ----------------------

LAN_WITH_ROUTE = {
    "segments": ["lan"],
    "hosts": {
        "A": {"interfaces": {"eth0": {"segment": "lan", "address": "10.0.0.1/24"}}},
        "B": {
            "interfaces": {"eth0": {"segment": "lan", "address": "10.0.0.2/24"}},
            "routes": ["default via 10.0.0.1"],
        },
    },
}
KERNEL_CASES = [
    ("A", "ping -c 1 -W 1 255.255.255.255"),
    ("B", "ping -c 1 -W 1 255.255.255.255"),
    ("A", "ping -c 1 -W 1 10.0.0.255"),
    ("A", "ping -c 1 -W 1 10.0.0.0"),
    ("A", "ping -c 1 -W 1 224.0.0.1"),
    ("A", "ping -c 1 -W 1 0.0.0.0"),
    ("A", "ping -c 2 -i 0.2 -W 1 10.0.0.2"),
    ("A", "traceroute -n -q 1 -m 2 10.0.0.255"),
    ("B", "ping -c 1 -W 1 10.9.9.9"),  # A does not forward: silent
    ("A", "ping -w 2 10.0.0.2"),
    ("A", "ping -c 5 -w 1 10.0.0.2"),  # the deadline stops it short of 5 replies: status 1
    ("A", "ping -c 2 -W 1 10.0.0.9"),
    ("A", "ping -c 1 -s 8 10.0.0.2"),  # too small for a timestamp: no time=, no rtt line
]


@pytest.mark.kernel
@pytest.mark.slow
def test_special_destinations_agree_with_the_kernel():
    import kernel
    from traffic_transcripts import mask_times

    reason = kernel.unavailable_reason()
    if reason:
        pytest.skip(reason)
    net = Network.from_scenario(LAN_WITH_ROUTE)
    with kernel.KernelLab(LAN_WITH_ROUTE) as lab:
        for host, line in KERNEL_CASES:
            real = lab.run(host, line, timeout=30)
            sim = net.run(host, line)
            assert (mask_times(sim.stdout), sim.stderr, sim.status) == (
                mask_times(real.stdout),
                real.stderr,
                real.status,
            ), (host, line)


def test_ping_b_to_a_broadcast_warns_and_gets_no_answer(lan):
    result = lan.run("A", "ping -b -c 1 -W 1 10.0.0.255")
    assert result.stderr == "WARNING: pinging broadcast address\n"
    assert "1 packets transmitted, 0 received, 100% packet loss" in result.stdout
    assert result.status == 1
    assert result.trace.cause == "broadcast"
