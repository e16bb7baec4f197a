"""glibc's /etc/hosts and /etc/resolv.conf rules, and the files-then-DNS order."""

from __future__ import annotations

from ipaddress import ip_address

from netlearn.sim.names import hostsfile, resolvconf, resolver


def test_hosts_comments_and_several_names_per_line():
    entries = hostsfile.parse("# a comment\n192.0.2.7 web www  # the web server\n\n")
    assert hostsfile.by_name(entries, "www", 4).canonical == "web"
    assert hostsfile.by_name(entries, "WWW", 4).aliases == ("www",)


def test_hosts_lines_with_bad_addresses_or_no_name_are_skipped():
    entries = hostsfile.parse("192.0.2.300 bad\n192.0.2.8\n192.0.2.9 good\n")
    assert [e.names for e in entries] == [("good",)]


def test_hosts_first_line_wins_for_the_name_and_collects_addresses():
    entries = hostsfile.parse("192.0.2.1 www\n192.0.2.2 www other\n")
    match = hostsfile.by_name(entries, "www", 4)
    assert match.addresses == (ip_address("192.0.2.1"), ip_address("192.0.2.2"))
    assert hostsfile.by_address(entries, ip_address("192.0.2.2")).canonical == "www"


def test_resolv_conf_keeps_three_nameservers_in_order():
    conf = resolvconf.parse("".join(f"nameserver 192.0.2.{i}\n" for i in range(1, 6)))
    assert conf.nameservers == ("192.0.2.1", "192.0.2.2", "192.0.2.3")


def test_resolv_conf_ignores_comments_and_bad_addresses_and_reads_options():
    conf = resolvconf.parse(
        "; old\n# new\nnameserver 300.1.1.1\nnameserver 192.0.2.53\n"
        "domain a.test\nsearch b.test c.test\noptions timeout:1 attempts:9 ndots:2\n"
    )
    assert conf.nameservers == ("192.0.2.53",)
    assert conf.search == ("b.test", "c.test")
    assert (conf.timeout, conf.attempts, conf.ndots) == (1, 5, 2)


def test_without_nameserver_glibc_asks_localhost_and_bind_tools_ask_ipv6_first():
    conf = resolvconf.parse("")
    assert conf.glibc_servers == ("127.0.0.1",)
    assert conf.bind_servers == ("::1", "127.0.0.1")


def test_etc_hosts_overrides_dns_for_getent_but_not_for_dig(names_net):
    names_net.run("A", "echo '192.165.1.11 www.example.com' >> /etc/hosts")
    assert names_net.run("A", "getent hosts www.example.com").stdout == (
        "192.165.1.11    www.example.com\n"
    )
    assert names_net.run("A", "dig +short www.example.com").stdout == "192.165.2.10\n"


def test_search_domains_complete_short_names(names_net):
    names_net.run("A", "echo 'search example.com' >> /etc/resolv.conf")
    assert names_net.run("A", "getent hosts www").stdout == "192.165.2.10    www.example.com\n"


def test_a_missing_name_is_permanent_and_a_dead_server_temporary(names_net):
    found = resolver.resolve_for_connect(names_net, names_net.hosts["A"], "nosuch.example.com")
    assert found.error_text() == "Name or service not known"
    names_net.run("A", "echo nameserver 192.165.1.11 > /etc/resolv.conf")
    found = resolver.resolve_for_connect(names_net, names_net.hosts["A"], "www.example.com")
    assert found.error_text() == "Temporary failure in name resolution"


def test_reverse_lookups_use_the_first_hosts_line_then_ptr(names_net):
    net, a = names_net, names_net.hosts["A"]
    assert resolver.reverse_name(net, a, "192.165.1.11") == "myname"
    assert resolver.reverse_name(net, a, "192.165.2.10") == "www.example.com"
    assert resolver.reverse_name(net, a, "192.165.2.99") is None


def test_getent_without_key_lists_the_hosts_file(names_net):
    out = names_net.run("A", "getent hosts").stdout
    assert out.splitlines()[0] == "127.0.0.1       localhost"


def test_getent_with_an_unknown_database_says_so(names_net):
    result = names_net.run("A", "getent foo bar")
    assert (result.stderr.splitlines()[0], result.status) == ("Unknown database: foo", 1)
