"""grep on RE2: the same lines and exit statuses as GNU grep for the patterns learners type, in
time linear in the input whatever the pattern (netlearn/sim/regex.py)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from netlearn.sim import Network
from netlearn.sim.regex import RegexError, translate

TEXT = (
    "127.0.0.1\tlocalhost\n"
    "::1\t\tlocalhost ip6-localhost ip6-loopback\n"
    "ff02::1\t\tip6-allnodes\n"
    "ff02::2\t\tip6-allrouters\n"
    "192.165.2.10 db db.example.com\n"
    "10.0.0.1 gateway # the router\n"
    "default via 192.165.1.1 dev eth0 \n"
    "192.165.1.0/24 dev eth0 proto kernel scope link src 192.165.1.10 \n"
    "Nameserver 8.8.8.8\n"
    "nameserver 1.1.1.1\n"
    "foo foobar foo_bar (foo) a+b a{2} aaa\n"
    "\n"
)

CASES = [
    ["localhost"],
    ["-c", "dev"],
    ["-v", "via"],
    ["-n", "eth0"],
    ["-i", "nameserver"],
    ["-w", "foo"],
    ["-ow", "foo"],
    ["-x", "nameserver 1.1.1.1"],
    ["-o", "[0-9]\\+\\.[0-9]\\+"],
    ["-oE", "[0-9]+(\\.[0-9]+){3}"],
    ["-E", "ip6-(allnodes|allrouters)"],
    ["ip6-\\(allnodes\\|allrouters\\)"],
    ["^default"],
    ["0 $"],
    ["-E", "a{2}"],
    ["a{2}"],
    ["-E", "a+b"],
    ["a+b"],
    ["-F", "a+b"],
    ["-F", "(foo)"],
    ["(foo)"],
    ["-E", "\\(foo\\)"],
    ["-c", "^$"],
    ["-E", "[[:digit:]]{3}\\.[[:digit:]]{3}"],
    ["-oE", "a|ab|abc"],
    ["-o", "fo*"],
    ["-E", "^[^#]*#"],
    ["-e", "db", "-e", "gateway"],
    ["-q", "router"],
    ["-q", "nothing here"],
    ["nothing here"],
    ["-l", "eth0"],
    ["-iw", "LOCALHOST"],
    ["-E", "\\<db\\>"],
    ["[.]"],
    ["-c", "."],
    ["*via"],
]


@pytest.fixture(scope="module")
def net() -> Network:
    scenario = {"hosts": {"A": {"files": {"/tmp/text": TEXT}}}}
    return Network.from_scenario(scenario)


@pytest.mark.skipif(shutil.which("grep") is None, reason="no GNU grep to compare with")
@pytest.mark.parametrize("args", CASES, ids=" ".join)
def test_grep_prints_what_gnu_grep_prints(net, tmp_path, args):
    path = tmp_path / "text"
    path.write_text(TEXT)
    real = subprocess.run(
        ["grep", *args, str(path)],
        capture_output=True,
        text=True,
        env={"LC_ALL": "C.UTF-8"},
        check=False,
    )
    quoted = " ".join("'" + a.replace("'", "'\\''") + "'" for a in args)
    simulated = net.run("A", f"grep {quoted} /tmp/text")
    expected = real.stdout.replace(str(path), "/tmp/text")
    assert (simulated.stdout, simulated.status) == (expected, real.returncode)


@pytest.mark.parametrize(
    "pattern",
    ["^(a|a)*$", "(a*)*$", "(a|aa)+$", "^(a+)+$", "(.*a){20}", "((a*)*b)*c", "(x+x+)+y"],
)
def test_catastrophic_patterns_take_linear_time(net, pattern):
    import time

    line = "a" * 60 + "!"
    started = time.process_time()
    result = net.run("A", f"echo {line} | grep -cE '{pattern}'")
    assert time.process_time() - started < 0.2
    assert result.status in (0, 1) and result.stdout in ("0\n", "1\n")


@pytest.mark.parametrize("pattern", ["\\(a\\)\\1", "-E (a)\\1", "-E (a)(b)\\2"])
def test_back_references_are_refused_with_a_clear_message(net, pattern):
    *flags, regex = pattern.split(" ")
    result = net.run("A", f"grep {' '.join(flags)} '{regex}' /tmp/text")
    assert result.status == 2
    assert "back-references such as" in result.stderr and "not supported" in result.stderr


def test_an_invalid_pattern_is_grep_status_2(net):
    assert net.run("A", "grep -E '(' /tmp/text").output == "grep: Invalid regular expression\n"
    too_big = net.run("A", "grep -E '(a{1000}){1000}' /tmp/text")
    assert (too_big.stderr, too_big.status) == ("grep: regular expression too big\n", 2)


def test_translation_keeps_brackets_and_leading_stars_literal():
    assert translate("[\\.]x", extended=False) == "[\\\\.]x"
    assert translate("*a", extended=True) == "\\*a"
    assert translate("a\\{2\\}", extended=False) == "a{2}"
    with pytest.raises(RegexError):
        translate("(x)\\3", extended=True)
