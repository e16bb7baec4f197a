"""sysctl: the reference transcripts, writes through procfs validation, -n/-N/-q/-a/-p."""

from __future__ import annotations

import pytest
from traffic_transcripts import cases_of, expected, masked

from netlearn.sim.commands.sysctl import USAGE

CASES = cases_of("sysctl")


@pytest.mark.parametrize(
    ("item", "result"),
    [pytest.param(i, r, id=f"{i['id']}-{i['host']}-{i['command']}") for i, r in CASES],
)
def test_sysctl_prints_what_procps_printed(item, result):
    assert masked(result) == masked(expected(item))


def test_the_reference_capture_has_sysctl_cases():
    assert len(CASES) >= 15


def run(net, line):
    result = net.run("R", line)
    return result.stdout, result.stderr, result.status


def test_turning_forwarding_on_makes_r_route_between_its_networks(reference):
    reference.run("R", "sysctl -w net.ipv4.ip_forward=0")
    assert reference.run("A", "ping -c 1 192.165.2.10").status == 1
    assert run(reference, "sysctl net.ipv4.ip_forward=1") == ("net.ipv4.ip_forward = 1\n", "", 0)
    assert reference.run("A", "ping -c 1 192.165.2.10").status == 0


def test_the_conf_all_alias_changes_ip_forward_too(reference):
    run(reference, "sysctl -w net.ipv4.conf.all.forwarding=0")
    assert run(reference, "sysctl -n net.ipv4.ip_forward") == ("0\n", "", 0)
    assert run(reference, "cat /proc/sys/net/ipv4/ip_forward") == ("0\n", "", 0)


def test_accept_redirects_follows_forwarding(reference):
    assert run(reference, "sysctl -n net.ipv4.conf.all.accept_redirects")[0] == "0\n"
    run(reference, "sysctl -w net.ipv4.ip_forward=0")
    assert run(reference, "sysctl -n net.ipv4.conf.all.accept_redirects")[0] == "1\n"


def test_names_only_and_quiet(reference):
    assert run(reference, "sysctl -N net.ipv4.ip_forward") == ("net.ipv4.ip_forward\n", "", 0)
    assert run(reference, "sysctl -q -w net.ipv4.ip_forward=1") == ("", "", 0)


def test_slashes_work_as_dots(reference):
    assert run(reference, "sysctl net/ipv4/ip_forward")[0] == "net.ipv4.ip_forward = 1\n"


def test_a_directory_lists_every_parameter_below_it(reference):
    out = run(reference, "sysctl net.ipv4.conf.eth1")[0].splitlines()
    assert "net.ipv4.conf.eth1.forwarding = 1" in out
    assert "net.ipv4.conf.eth1.rp_filter = 0" in out
    assert all(line.startswith("net.ipv4.conf.eth1.") for line in out)


def test_all_lists_the_modelled_parameters_sorted(reference):
    keys = [line.split(" = ")[0] for line in run(reference, "sysctl -a")[0].splitlines()]
    assert keys == sorted(keys)
    assert "net.ipv4.ip_forward" in keys


def test_load_applies_etc_sysctl_conf(reference):
    reference.run("R", "echo 'net.ipv4.ip_forward = 0' > /etc/sysctl.conf")
    reference.run("R", "echo '# comment' >> /etc/sysctl.conf")
    assert run(reference, "sysctl -p") == ("net.ipv4.ip_forward = 0\n", "", 0)
    assert not reference.hosts["R"].forwarding


def test_load_of_a_missing_file_fails(reference):
    assert run(reference, "sysctl -p /etc/nope.conf") == (
        "",
        'sysctl: cannot open "/etc/nope.conf": No such file or directory\n',
        1,
    )


def test_a_parameter_the_simulator_does_not_model_is_not_silently_changed(reference):
    out, err, status = run(reference, "sysctl -w net.ipv4.conf.all.rp_filter=1")
    assert status == 1
    assert "does not model changing net.ipv4.conf.all.rp_filter" in err
    assert run(reference, "sysctl -n net.ipv4.conf.all.rp_filter")[0] == "0\n"


def test_no_arguments_prints_the_usage_with_status_1(reference):
    assert run(reference, "sysctl") == ("", USAGE, 1)


def test_write_mode_without_a_variable(reference):
    assert run(reference, "sysctl -w") == (
        "",
        "sysctl: no variables specified\nTry `sysctl --help' for more information.\n",
        1,
    )
