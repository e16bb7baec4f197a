"""No command line of the names family can crash the simulator or print without bound."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netlearn.sim.limits import MAX_OUTPUT

WORDS = st.sampled_from(
    [
        "dig",
        "nslookup",
        "host",
        "getent",
        "curl",
        "sleep",
        "export",
        "hosts",
        "ahosts",
        "ahostsv6",
        "www.example.com",
        "example.com",
        "flowers.example.com",
        "nosuch",
        ".",
        "..",
        "-x",
        "-t",
        "-v",
        "-I",
        "-s",
        "-x",
        "-H",
        "Host:",
        "-m",
        "1",
        "+short",
        "+trace",
        "+tries=0",
        "+time=x",
        "+norec",
        "@192.165.1.100",
        "@nosuch",
        "@::1",
        "AAAA",
        "MX",
        "ANY",
        "PTR",
        "-type=MX",
        "-retry=1",
        "192.165.2.10",
        "2001:db8::1",
        "http://",
        "https://",
        "http://www.example.com/",
        "https://192.165.2.10:99999/",
        "ftp://x",
        "-W",
        "-R",
        "http_proxy=http://x:1",
        "1d",
        "-1",
        "'",
        "a" * 70 + ".com",
    ]
)


@settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(WORDS, min_size=1, max_size=6))
def test_any_names_command_line_answers_without_a_simulator_error(names_net, words):
    result = names_net.run("A", " ".join(words))
    assert "internal simulator error" not in result.stderr
    assert isinstance(result.status, int)
    assert len(result.stdout) <= MAX_OUTPUT + 200
