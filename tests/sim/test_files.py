"""Virtual files: /etc/hosts, /etc/resolv.conf, /etc/hostname and /proc/sys/net/ipv4/ip_forward."""

from __future__ import annotations

import pytest

from netlearn.sim import Network
from netlearn.sim.limits import MAX_FILE


def test_echo_appends_to_etc_hosts(sh):
    sh("echo '192.165.1.11    myname' >> /etc/hosts")
    assert sh("cat /etc/hosts").stdout.endswith(
        "ff02::2\t\tip6-allrouters\n192.165.1.11    myname\n"
    )


def test_echo_replaces_resolv_conf(sh):
    sh("echo 'nameserver 192.165.1.100' > /etc/resolv.conf")
    assert sh("cat /etc/resolv.conf").stdout == "nameserver 192.165.1.100\n"


def test_tee_appends_from_a_pipe(sh):
    res = sh("echo 'nameserver 10.0.0.53' | tee -a /etc/resolv.conf")
    assert res.stdout == "nameserver 10.0.0.53\n"
    assert sh("cat /etc/resolv.conf").stdout.endswith("nameserver 10.0.0.53\n")


def test_etc_hostname_is_the_host_name(sh):
    assert sh("cat /etc/hostname").stdout == "A\n"


def test_a_missing_file_is_an_error_with_status_1(sh):
    res = sh("cat /etc/nosuchfile")
    assert (res.stderr, res.status) == ("cat: /etc/nosuchfile: No such file or directory\n", 1)


def test_cat_of_a_directory_says_so(sh):
    assert sh("cat /etc").stderr == "cat: /etc: Is a directory\n"


def test_writing_into_a_missing_directory_fails_like_bash(sh):
    res = sh("echo x > /nowhere/file")
    assert (res.stderr, res.status) == ("bash: /nowhere/file: No such file or directory\n", 1)


def test_new_files_can_be_created_in_tmp_and_read_back(sh):
    sh("echo note > /tmp/n.txt")
    assert sh("cat /tmp/n.txt").stdout == "note\n"


def test_relative_paths_live_in_the_home_directory(sh):
    sh("echo hi > notes")
    assert sh("cat /root/notes").stdout == "hi\n"


@pytest.mark.parametrize("value", ["1", "0", "2", "  1  "])
def test_ip_forward_accepts_any_integer_and_reads_it_back(sh, reference, value):
    assert sh(f"echo '{value}' > /proc/sys/net/ipv4/ip_forward", "R").status == 0
    assert sh("cat /proc/sys/net/ipv4/ip_forward", "R").stdout == f"{int(value)}\n"
    assert reference.hosts["R"].forwarding == (int(value) != 0)


@pytest.mark.parametrize("value", ["yes", "1x", "", "1.5"])
def test_ip_forward_rejects_what_the_kernel_rejects(sh, reference, value):
    res = sh(f"echo '{value}' > /proc/sys/net/ipv4/ip_forward", "R")
    assert (res.stderr, res.status) == ("bash: echo: write error: Invalid argument\n", 1)
    assert reference.hosts["R"].ip_forward == 1


def test_echo_into_ip_forward_enables_forwarding_on_that_host_only(lan):
    lan.run("A", "echo 1 > /proc/sys/net/ipv4/ip_forward")
    assert lan.hosts["A"].forwarding and not lan.hosts["B"].forwarding


def test_files_are_bounded(sh):
    chunk = "x" * 1000
    for _ in range(MAX_FILE // 1000 + 2):
        res = sh(f"echo {chunk} >> /tmp/grow")
    assert res.status == 1 and "File too large" in res.stderr
    assert len(sh("cat /tmp/grow").stdout) <= MAX_FILE


def test_scenario_files_are_installed():
    net = Network.from_scenario(
        {
            "hosts": {
                "A": {
                    "hosts_file": "10.0.0.2 db",
                    "resolv_conf": "nameserver 10.0.0.53\n",
                    "files": {"/etc/motd": "hello"},
                }
            }
        }
    )
    assert net.run("A", "cat /etc/hosts /etc/resolv.conf /etc/motd").stdout == (
        "10.0.0.2 db\nnameserver 10.0.0.53\nhello\n"
    )


@pytest.mark.parametrize(("written", "read"), [("0x1f", "31"), ("010", "8"), ("-0x2", "-2")])
def test_ip_forward_parses_integers_like_the_kernel(sh, written, read):
    sh(f"echo {written} > /proc/sys/net/ipv4/ip_forward", "R")
    assert sh("cat /proc/sys/net/ipv4/ip_forward", "R").stdout == read + "\n"


def test_an_invalid_octal_digit_is_rejected(sh):
    assert sh("echo 08 > /proc/sys/net/ipv4/ip_forward", "R").status == 1


def test_cat_n_numbers_lines(sh):
    assert sh("cat -n /etc/hostname").stdout == "     1\tA\n"


def test_grep_filters_a_pipe_with_the_usual_options(sh):
    assert sh("ip r | grep default").stdout == "default via 192.165.1.1 dev eth0 \n"
    assert sh("ip r | grep -c dev").stdout == "2\n"
    assert sh("ip r | grep -v via").stdout.startswith("192.165.1.0/24")
    assert sh("grep 'ip6-\\(allnodes\\|allrouters\\)' /etc/hosts").stdout.count("\n") == 2
    assert sh("grep -E 'ip6-(allnodes|allrouters)' /etc/hosts").stdout.count("\n") == 2


def test_grep_statuses_are_0_1_and_2(sh):
    assert sh("grep localhost /etc/hosts").status == 0
    assert sh("grep nothing-here /etc/hosts").status == 1
    res = sh("grep x /nonexist")
    assert (res.stderr, res.status) == ("grep: /nonexist: No such file or directory\n", 2)


def test_head_tail_and_wc(sh):
    assert sh("ip a | head -1").stdout.startswith("1: lo:")
    assert sh("tail -n 1 /etc/hosts").stdout == "ff02::2\t\tip6-allrouters\n"
    assert sh("cat /etc/hosts | wc -l").stdout == "5\n"
    assert sh("wc -l /etc/hosts").stdout == "5 /etc/hosts\n"


def test_cat_a_shows_tabs_and_line_ends(sh):
    assert sh("cat -A /etc/hosts").stdout.splitlines()[1] == "127.0.0.1^Ilocalhost$"
