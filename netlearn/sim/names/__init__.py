"""Names: /etc/hosts, /etc/resolv.conf, the stub resolver, DNS servers (authoritative zones,
recursion from root hints, forwarding, TTL caching) over the simulated network.

One module per concept: ``hostsfile``, ``resolvconf``, ``zones``, ``server`` (authoritative
answers), ``recursive`` (exchanges, recursion), ``cache``, ``resolver`` (glibc and the bind tools),
``service`` (scenario keys and state), ``transport`` (packets over the simulated network).
"""
