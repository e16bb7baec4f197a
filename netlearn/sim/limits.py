"""Every bound the simulator enforces, so that no input can make a request slow or huge."""

from __future__ import annotations

MAX_LINE = 1024  # characters in one command line
MAX_ARGS = 128  # words in one command line
MAX_OUTPUT = 64 * 1024  # characters of stdout (and of stderr) per command
MAX_TTL = 64  # the default and largest TTL a simulated packet starts with
MAX_HOPS = 64  # hops followed by one packet
MAX_CNAME_CHAIN = 16  # CNAMEs followed in one resolution
MAX_ROUTES = 50_000  # routes in one host's main table
MAX_ADDRESSES = 256  # IPv4 addresses on one interface
MAX_COMMANDS = 10_000  # commands run in one workspace (counted on the Network)
MAX_FILE = 64 * 1024  # characters in one virtual file
MAX_FILES = 64  # virtual files per host
MAX_HOSTS = 64  # hosts in one scenario
MAX_SEGMENTS = 64  # segments in one scenario
MAX_INTERFACES = 32  # interfaces on one host (lo included)
MAX_SCENARIO_ROUTES = 1_000  # routes listed in a scenario for one host
MAX_NAME = 64  # characters in a host, segment or interface name (IFNAMSIZ is 16)
MAX_IFNAME = 15  # Linux IFNAMSIZ - 1
MAX_YAML = 128 * 1024  # characters of scenario YAML
MAX_YAML_DEPTH = 64  # nesting of YAML collections
MAX_YAML_NODES = 100_000  # YAML nodes once every alias is expanded (a "billion laughs" stops here)
MAX_TRIES = 16  # tries of one DNS query by dig (+tries, +retry), nslookup (-retry), host (-R)
