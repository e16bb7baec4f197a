"""The reference topology of the transcripts (section 5), as a scenario.

NS1's dnsmasq (``--local=/#/`` and host records) is modelled as a server that offers recursion,
is authoritative for the root (so every other name is NXDOMAIN, as ``--local=/#/`` makes it) and
holds SOA-less zones (so negative answers carry no ``aa`` flag and no SOA, as dnsmasq's do).
R runs the caching forwarder of transcripts 5.85-5.95 (``--server=192.165.1.100``).
"""

from __future__ import annotations

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


def scenario(*, forwarder: bool = False) -> dict:
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
                "dns": {
                    "recursive": True,
                    "zones": {
                        ".": "",
                        "example.com": EXAMPLE_COM,
                        "2.165.192.in-addr.arpa": REVERSE,
                    },
                },
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
