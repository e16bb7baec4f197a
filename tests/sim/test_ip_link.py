"""`ip link`: listing and setting links, replayed against the reference transcripts."""

from __future__ import annotations

import pytest
from transcripts import as_params, cases_for

from netlearn.sim import Network


@pytest.mark.parametrize("case", as_params(cases_for("1-")))
def test_it_matches_the_kernel_transcript(case):
    actual = case.actual
    assert (actual.stdout, actual.stderr, actual.status) == (
        case.expected.stdout,
        case.expected.stderr,
        case.expected.status,
    )


def test_a_booted_host_has_lo_up_and_a_never_up_nic_with_qdisc_noop(bare):
    out = bare.run("A", "ip link").stdout.splitlines()
    assert out[0].startswith("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN")
    assert out[2] == (
        "2: eth0: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT "
        "group default qlen 1000"
    )


def test_a_nic_that_has_been_up_keeps_its_qdisc_when_down(bare):
    bare.run("A", "ip link set eth0 up")
    bare.run("A", "ip link set eth0 down")
    assert "qdisc fq_codel state DOWN" in bare.run("A", "ip link show eth0").stdout


def test_an_interface_without_a_cable_shows_no_carrier():
    net = Network.from_scenario({"hosts": {"A": {"interfaces": {"eth0": {}}}}})
    out = net.run("A", "ip -br link show eth0").stdout
    assert out == "eth0             DOWN           " + net.hosts["A"].interfaces["eth0"].mac + (
        " <NO-CARRIER,BROADCAST,MULTICAST,UP> \n"
    )


def test_ip_link_show_up_lists_only_admin_up_links(bare):
    assert [
        line.split(":")[1].strip()
        for line in bare.run("A", "ip link show up").stdout.split("\n")
        if line[:1].isdigit()
    ] == ["lo"]


def test_link_set_without_a_device_is_an_error_with_status_255(sh):
    res = sh("ip link set up")
    assert res.stderr == 'Not enough information: "dev" argument is required.\n'
    assert res.status == 255


def test_link_set_dev_without_a_name_says_the_command_line_is_incomplete(sh):
    res = sh("ip link set dev")
    assert res.stderr == 'Command line is not complete. Try option "help"\n'
    assert res.status == 255


def test_unknown_link_subcommands_point_at_help(sh):
    res = sh("ip link frobnicate")
    assert res.stderr == 'Command "frobnicate" is unknown, try "ip link help".\n'
    assert res.status == 255


def test_macs_come_from_the_scenario_or_are_stable_and_locally_administered():
    scenario = {"hosts": {"A": {"interfaces": {"eth0": {}, "eth1": {"mac": "02:AA:00:00:00:01"}}}}}
    one, two = Network.from_scenario(scenario), Network.from_scenario(scenario)
    eth0 = one.hosts["A"].interfaces["eth0"].mac
    assert eth0 == two.hosts["A"].interfaces["eth0"].mac
    assert int(eth0[:2], 16) & 0b10 and not int(eth0[:2], 16) & 1
    assert one.hosts["A"].interfaces["eth1"].mac == "02:aa:00:00:00:01"


def test_interfaces_are_numbered_after_lo_in_scenario_order():
    net = Network.from_scenario({"hosts": {"R": {"interfaces": {"eth1": {}, "eth0": {}}}}})
    assert [(i.name, i.index) for i in net.hosts["R"].interfaces.values()] == [
        ("lo", 1),
        ("eth1", 2),
        ("eth0", 3),
    ]


def test_ip_link_s_is_set_like_iproute2_abbreviations(sh):
    assert sh("ip li s eth0 down").status == 0
    assert "state DOWN" in sh("ip l sh eth0").stdout


def test_mtu_can_be_changed_within_the_device_limits(sh):
    assert sh("ip link set dev eth0 mtu 1400").status == 0
    assert " mtu 1400 " in sh("ip link show eth0").stdout
    res = sh("ip link set dev eth0 mtu 20")
    assert (res.stderr, res.status) == ("Error: mtu less than device minimum.\n", 2)


def test_the_mac_can_be_changed_and_the_link_local_stays_until_down_up(sh):
    assert sh("ip link set eth0 address 02:00:00:00:00:99").status == 0
    out = sh("ip a show eth0").stdout
    assert "link/ether 02:00:00:00:00:99 " in out and "inet6 fe80::c0ff:fea5:10a/64" in out
    res = sh("ip link set eth0 address 01:00:00:00:00:01")
    assert (res.stderr, res.status) == ("RTNETLINK answers: Cannot assign requested address\n", 2)


def test_oneline_joins_each_link_on_one_line(sh):
    first = sh("ip -o link").stdout.splitlines()[0]
    assert first.endswith("qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00")


def test_stats_print_zero_counters(sh):
    out = sh("ip -s link show lo").stdout
    assert "    RX:  bytes packets errors dropped  missed   mcast           \n" in out


def test_ip_help_and_unknown_options(sh):
    assert sh("ip help").stderr.startswith("Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n")
    res = sh("ip -x a")
    assert (res.stderr, res.status) == ('Option "-x" is unknown, try "ip -help".\n', 255)
    assert sh("ip -V").stdout == "ip utility, iproute2-6.1.0, libbpf 1.1.2\n"
