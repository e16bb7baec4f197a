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

# Values a command can grow (the first layer of the budget: memory stays small by construction).
MAX_VARIABLE = 4 * 1024  # characters in one shell variable's value
MAX_ENV = 64  # variables in one host's environment
MAX_ENV_CHARS = 16 * 1024  # characters of all of one host's variables (names and values)
MAX_EXPANSION = 64 * 1024  # characters of one command's words once variables are expanded
MAX_PRINTF_WIDTH = 1024  # a printf field width or precision (`%0999999999d` is refused)
MAX_PIPE = 64 * 1024  # characters one pipeline stage hands to the next (a Linux pipe's buffer)
MAX_SCENARIO_BYTES = 256 * 1024  # JSON bytes of a scenario once every YAML alias is expanded
MAX_STATE_BYTES = 256 * 1024  # JSON bytes of Network.to_dict(), checked after every command
