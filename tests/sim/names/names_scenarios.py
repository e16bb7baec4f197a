"""Scenarios for the names tests: the transcripts' topology with DNS, a delegation chain from
the root, and a small web site behind proxies.

The reference topology (section 5 of the transcripts):

NS1's dnsmasq (``--local=/#/`` and host records) is modelled as a server that offers recursion,
is authoritative for the root (so every other name is NXDOMAIN, as ``--local=/#/`` makes it) and
holds SOA-less zones (so negative answers carry no ``aa`` flag and no SOA, as dnsmasq's do).
R runs the caching forwarder of transcripts 5.85-5.95 (``--server=192.165.1.100``).
"""

from __future__ import annotations

import copy

from netlearn.sim import Network


def build(data: dict) -> Network:
    """``Network.from_scenario`` on a copy (the loader validates the names keys itself)."""
    return Network.from_scenario(copy.deepcopy(data))


EXAMPLE_COM = """\
$TTL 300
@        IN A      192.165.2.11
@        IN AAAA   2001:db8:2::11
www      IN A      192.165.2.10
flowers  IN CNAME  example.com.
shop     IN CNAME  flowers.example.com.
"""

REVERSE = """\
$TTL 300
10 IN PTR www.example.com.
11 IN PTR example.com.
"""

HOSTS = """\
# ref-a namespace hosts file (Debian default content)
127.0.0.1\tlocalhost
::1\t\tlocalhost ip6-localhost ip6-loopback
ff02::1\t\tip6-allnodes
ff02::2\t\tip6-allrouters
"""


NS1_DNS = {
    "recursive": True,
    "zones": {
        ".": "",
        "example.com": EXAMPLE_COM,
        "wildcard.test": "* 300 IN A 192.165.2.10\n",
        "2.165.192.in-addr.arpa": REVERSE,
    },
}


def reference_names(*, forwarder: bool = False) -> dict:
    return {
        "segments": ["net1", "net2"],
        "hosts": {
            "A": {
                "interfaces": {"eth0": {"segment": "net1", "address": "192.165.1.10/24"}},
                "routes": ["default via 192.165.1.1"],
                "hosts_file": HOSTS + "192.165.1.11    myname\n",
                "resolv_conf": "nameserver 192.165.1.100\n",
            },
            "B": {
                "interfaces": {"eth0": {"segment": "net1", "address": "192.165.1.11/24"}},
                "routes": ["default via 192.165.1.1"],
            },
            "NS1": {
                "interfaces": {"eth0": {"segment": "net1", "address": "192.165.1.100/24"}},
                "routes": ["default via 192.165.1.1"],
                "dns": NS1_DNS,
            },
            "R": {
                "forwarding": True,
                "interfaces": {
                    "eth0": {"segment": "net1", "address": "192.165.1.1/24"},
                    "eth1": {"segment": "net2", "address": "192.165.2.1/24"},
                },
                **({"dns": {"forwarders": ["192.165.1.100"]}} if forwarder else {}),
            },
            "C": {
                "interfaces": {"eth0": {"segment": "net2", "address": "192.165.2.10/24"}},
                "routes": ["default via 192.165.2.1"],
            },
            "D": {
                "interfaces": {"eth0": {"segment": "net2", "address": "192.165.2.11/24"}},
                "routes": ["default via 192.165.2.1"],
            },
        },
    }


ROOT_ZONE = """\
$TTL 518400
@                  IN NS  a.root-servers.net.
a.root-servers.net. IN A  198.41.0.4
com.        172800 IN NS  a.gtld-servers.net.
a.gtld-servers.net. 172800 IN A 192.5.6.30
"""

COM_ZONE = """\
$TTL 172800
@            IN SOA a.gtld-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400
@            IN NS  a.gtld-servers.net.
example      IN NS  ns1.example.com.
ns1.example  IN A   199.43.135.53
"""

DELEGATED_EXAMPLE = """\
$TTL 86400
@        IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@        IN NS  ns1
ns1      IN A   199.43.135.53
@        IN A   93.184.215.14
www  300 IN A   93.184.215.14
flowers  IN CNAME www
ext      IN CNAME www.example.org.
loop1    IN CNAME loop2
loop2    IN CNAME loop1
mail     IN A   93.184.215.25
@        IN MX  10 mail
a.b.c    IN A   93.184.215.15
deep     IN CNAME a.b.c
"""


def delegation() -> dict:
    """A (resolv.conf -> resolver) and the DNS hierarchy on one segment of the internet."""

    def server(address: str, dns: dict) -> dict:
        return {
            "interfaces": {"eth0": {"segment": "net", "address": address}},
            "routes": ["default dev eth0"],  # one flat segment: everything is on-link
            "dns": dns,
        }

    return {
        "segments": ["net"],
        "hosts": {
            "A": {
                "interfaces": {"eth0": {"segment": "net", "address": "10.0.0.10/8"}},
                "routes": ["default dev eth0"],
                "resolv_conf": "nameserver 10.0.0.53\n",
            },
            "resolver": server("10.0.0.53/8", {"recursive": True, "root_hints": ["198.41.0.4"]}),
            "root": server("198.41.0.4/8", {"zones": {".": ROOT_ZONE}}),
            "tld": server("192.5.6.30/8", {"zones": {"com": COM_ZONE}}),
            "ns1": server("199.43.135.53/8", {"zones": {"example.com": DELEGATED_EXAMPLE}}),
        },
    }


def web() -> dict:
    """A -> (gw: forward proxy) ; www.example.com = proxy (TLS, cache) -> web1, web2."""
    return {
        "segments": ["lan", "dmz"],
        "hosts": {
            "A": {
                "interfaces": {"eth0": {"segment": "lan", "address": "192.165.1.10/24"}},
                "routes": ["default via 192.165.1.1"],
                "resolv_conf": "nameserver 192.165.1.100\n",
            },
            "NS1": {
                "interfaces": {"eth0": {"segment": "lan", "address": "192.165.1.100/24"}},
                "routes": ["default via 192.165.1.1"],
                "dns": {
                    "zones": {
                        "example.com": "$TTL 300\nwww IN A 192.165.2.20\n"
                        "web1 IN A 192.165.2.10\nweb2 IN A 192.165.2.11\n"
                        "gw IN A 192.165.1.3\n"
                    }
                },
            },
            "gw": {
                "interfaces": {"eth0": {"segment": "lan", "address": "192.165.1.3/24"}},
                "routes": ["default via 192.165.1.1"],
                "resolv_conf": "nameserver 192.165.1.100\n",
                "http": {"forward_proxy": {"port": 3128}},
            },
            "R": {
                "forwarding": True,
                "interfaces": {
                    "eth0": {"segment": "lan", "address": "192.165.1.1/24"},
                    "eth1": {"segment": "dmz", "address": "192.165.2.1/24"},
                },
            },
            "proxy": {
                "interfaces": {"eth0": {"segment": "dmz", "address": "192.165.2.20/24"}},
                "routes": ["default via 192.165.2.1"],
                "http": {
                    "reverse_proxy": {
                        "upstreams": ["192.165.2.10", "192.165.2.11"],
                        "cache": True,
                        "tls": True,
                    }
                },
            },
            "web1": {
                "interfaces": {"eth0": {"segment": "dmz", "address": "192.165.2.10/24"}},
                "routes": ["default via 192.165.2.1"],
                "http": {"origin": True},
            },
            "web2": {
                "interfaces": {"eth0": {"segment": "dmz", "address": "192.165.2.11/24"}},
                "routes": ["default via 192.165.2.1"],
                "http": {"origin": True},
            },
        },
    }
