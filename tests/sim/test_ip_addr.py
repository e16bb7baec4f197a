"""`ip addr`: listing, adding and deleting addresses, replayed against the reference transcripts."""

from __future__ import annotations

import pytest
from transcripts import as_params, cases_for


@pytest.mark.parametrize("case", as_params(cases_for("2-")))
def test_it_matches_the_kernel_transcript(case):
    actual = case.actual
    assert (actual.stdout, actual.stderr, actual.status) == (
        case.expected.stdout,
        case.expected.stderr,
        case.expected.status,
    )


def test_abbreviations_all_mean_ip_address_show(sh):
    full = sh("ip address show").stdout
    for line in ("ip a", "ip ad", "ip addr", "ip a s", "ip addr list", "ip -c a", "ip a ls"):
        assert sh(line).stdout == full, line


def test_brief_output_pads_name_and_state_columns(sh):
    assert sh("ip -br -4 a").stdout == (
        "lo               UNKNOWN        127.0.0.1/8 \n"
        "eth0             UP             192.165.1.10/24 \n"
    )


def test_ip_minus_4_hides_link_lines_and_ipv6(sh):
    out = sh("ip -4 a show dev eth0").stdout
    assert "link/ether" not in out and "inet6" not in out
    assert "    inet 192.165.1.10/24 scope global eth0\n" in out


def test_link_local_ipv6_is_derived_from_the_mac_by_eui64(sh):
    assert "inet6 fe80::c0ff:fea5:10a/64 scope link \n" in sh("ip a show eth0").stdout


def test_adding_an_address_adds_its_connected_route(lan):
    lan.run("A", "ip addr add 172.16.0.1/16 dev eth0")
    assert (
        "172.16.0.0/16 dev eth0 proto kernel scope link src 172.16.0.1 \n"
        in lan.run("A", "ip route").stdout
    )


def test_a_slash_32_address_adds_no_connected_route(lan):
    lan.run("A", "ip addr add 172.16.0.1/32 dev eth0")
    assert "172.16" not in lan.run("A", "ip route").stdout


def test_deleting_the_last_address_removes_routes_through_the_link(sh):
    sh("ip route add 10.9.0.0/16 via 192.165.1.1")
    sh("ip addr del 192.165.1.10/24 dev eth0")
    assert sh("ip route").stdout == ""


def test_deleting_a_secondary_keeps_the_connected_route(sh):
    sh("ip addr add 192.165.1.20/24 dev eth0")
    sh("ip addr del 192.165.1.20/24 dev eth0")
    assert "192.165.1.0/24 dev eth0 proto kernel" in sh("ip route").stdout


def test_brd_plus_sets_the_broadcast_address(sh):
    sh("ip addr add 10.1.0.5/16 brd + dev eth0")
    assert "inet 10.1.0.5/16 brd 10.1.255.255 scope global eth0" in sh("ip a").stdout


def test_a_netmask_is_accepted_instead_of_a_prefix_length(sh):
    assert sh("ip addr add 10.1.0.5/255.255.0.0 dev eth0").status == 0
    assert "inet 10.1.0.5/16 " in sh("ip a").stdout


def test_ip_minus_4_prefix_errors_name_the_inet_family(sh):
    res = sh("ip -4 addr add 1.2.3.400/24 dev eth0")
    assert res.stderr == 'Error: inet prefix is expected rather than "1.2.3.400/24".\n'
    assert res.status == 1


def test_flush_removes_every_ipv4_address_of_the_device(sh):
    assert sh("ip addr flush dev eth0").status == 0
    assert "inet " not in sh("ip a show eth0").stdout


def test_flush_without_arguments_is_refused(sh):
    res = sh("ip addr flush")
    assert (res.stderr, res.status) == ("Flush requires arguments.\n", 1)


def test_a_label_replaces_the_device_name_on_its_line(sh):
    sh("ip addr add 10.0.0.9/24 dev eth0 label eth0:1")
    assert "    inet 10.0.0.9/24 scope global eth0:1\n" in sh("ip a show eth0").stdout


def test_scope_orders_primaries_host_then_link_then_global(sh):
    sh("ip addr add 10.0.7.1/24 dev eth0 scope link")
    sh("ip addr add 127.0.0.2/8 dev eth0")
    inet = [line.split()[1] for line in sh("ip -4 a show eth0").stdout.splitlines()
            if line.startswith("    inet ")]  # fmt: skip
    assert inet == ["127.0.0.2/8", "10.0.7.1/24", "192.165.1.10/24"]


def test_a_bad_scope_is_an_invalid_argument(sh):
    res = sh("ip addr add 10.0.0.9/24 dev eth0 scope bogus")
    assert (res.stderr, res.status) == (
        'Error: argument "bogus" is wrong: invalid scope value.\n',
        255,
    )


def test_ip4_del_without_address_deletes_the_first_one(sh):
    assert sh("ip -4 addr del dev eth0").status == 0
    assert "inet 192.165.1.10" not in sh("ip a").stdout
    res = sh("ip -4 addr add dev eth0")
    assert (res.stderr, res.status) == ("Error: ipv4: Local address is not supplied.\n", 2)


def test_oneline_addresses(sh):
    assert sh("ip -o -4 a show eth0").stdout == (
        "2: eth0    inet 192.165.1.10/24 scope global eth0\\"
        "       valid_lft forever preferred_lft forever\n"
    )


def test_ip6_header_has_no_qdisc_nor_group(sh):
    assert sh("ip -6 a").stdout.splitlines()[0] == (
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 state UNKNOWN qlen 1000"
    )


def test_addresses_of_a_down_link_stay_local(sh):
    sh("ip link set eth0 down")
    assert sh("ip route get 192.165.1.10").stdout.startswith("local 192.165.1.10 dev lo ")


def test_delete_with_a_label_must_match_it(sh):
    sh("ip addr add 10.0.0.9/24 dev eth0 label eth0:1")
    assert sh("ip addr del 10.0.0.9/24 label eth0:2 dev eth0").status == 2
    assert sh("ip addr del 10.0.0.9/24 label eth0:1 dev eth0").status == 0


def test_the_wildcard_warning_comes_before_a_device_error(sh):
    res = sh("ip addr del 10.2.0.1 dev eth9")
    assert res.stderr.startswith("Warning: Executing wildcard deletion")
    assert res.stderr.endswith('Cannot find device "eth9"\n') and res.status == 1


def test_same_subnet_with_another_scope_is_an_invalid_scope(sh):
    sh("ip addr add 10.0.0.1/24 dev eth0 scope link")
    res = sh("ip addr add 10.0.0.5/24 dev eth0")
    assert (res.stderr, res.status) == ("Error: ipv4: Invalid scope value.\n", 2)


def test_a_zero_address_is_silently_ignored_and_default_is_refused(sh):
    assert sh("ip addr add 0.0.0.0/8 dev eth0").status == 0
    assert "0.0.0.0" not in sh("ip a show eth0").stdout
    res = sh("ip addr add default dev eth0")
    assert (res.stderr, res.status) == ("RTNETLINK answers: Operation not supported\n", 2)


def test_a_multicast_address_gets_no_connected_route(sh):
    assert sh("ip addr add 224.0.0.9/24 dev eth0").status == 0
    assert "224." not in sh("ip r").stdout


def test_show_filters_by_scope_prefix_and_secondary(sh):
    sh("ip addr add 192.165.1.20/24 dev eth0")
    assert "inet6" not in sh("ip a show scope global").stdout
    assert "inet " not in sh("ip a show scope link").stdout
    to = sh("ip a show to 192.165.1.20").stdout
    assert "link/ether" not in to and "192.165.1.10" not in to and "192.165.1.20/24" in to
    assert [line.split()[1] for line in sh("ip a show secondary").stdout.splitlines()
            if line.startswith("    inet ")] == ["192.165.1.20/24"]  # fmt: skip


def test_a_label_filter_prints_bare_address_lines(sh):
    sh("ip addr add 10.0.9.1/24 dev eth0 label eth0:web")
    assert sh("ip a show label 'eth0:*'").stdout == (
        "    inet 10.0.9.1/24 scope global eth0:web\n"
        "       valid_lft forever preferred_lft forever\n"
    )


def test_json_addresses_carry_addr_info(sh):
    import json

    data = json.loads(sh("ip -j a show eth0").stdout)
    assert data[0]["ifname"] == "eth0" and data[0]["qdisc"] == "fq_codel"
    assert data[0]["addr_info"][0] == {
        "family": "inet",
        "local": "192.165.1.10",
        "prefixlen": 24,
        "scope": "global",
        "label": "eth0",
        "valid_life_time": 4294967295,
        "preferred_life_time": 4294967295,
    }
