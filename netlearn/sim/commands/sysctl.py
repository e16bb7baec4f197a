"""``sysctl`` (procps-ng 4.0.2) for the kernel parameters the simulator models.

``net.ipv4.ip_forward`` and its alias ``net.ipv4.conf.all.forwarding`` are read and written (any
integer is accepted, as by the kernel; non-zero means on; writing either flips every interface's
``forwarding`` and ``conf.all.accept_redirects``); ``conf.{all,IFACE}.send_redirects`` too (a
router sends ICMP redirects unless both are 0; kept in ``host.files`` at the procfs path).
Other parameters that shape the simulated behaviour are readable with the value the simulator
assumes (``rp_filter = 0``, ``arp_ignore = 0``, ``ip_default_ttl = 64``, ...). ``key=value`` works
without ``-w`` too. ``-p [FILE]`` applies /etc/sysctl.conf (or FILE) from the host's files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from netlearn.sim import files
from netlearn.sim.commands import command
from netlearn.sim.forwarding import conf_path
from netlearn.sim.model import Host
from netlearn.sim.result import Result
from netlearn.sim.topology import Topology

USAGE = (
    "\n"
    "Usage:\n"
    " sysctl [options] [variable[=value] ...]\n"
    "\n"
    "Options:\n"
    "  -a, --all            display all variables\n"
    "  -A                   alias of -a\n"
    "  -X                   alias of -a\n"
    "      --deprecated     include deprecated parameters to listing\n"
    "      --dry-run        Print the key and values but do not write\n"
    "  -b, --binary         print value without new line\n"
    "  -e, --ignore         ignore unknown variables errors\n"
    "  -N, --names          print variable names without values\n"
    "  -n, --values         print only values of the given variable(s)\n"
    "  -p, --load[=<file>]  read values from file\n"
    "  -f                   alias of -p\n"
    "      --system         read values from all system directories\n"
    "  -r, --pattern <expression>\n"
    "                       select setting that match expression\n"
    "  -q, --quiet          do not echo variable set\n"
    "  -w, --write          enable writing a value to variable\n"
    "  -o                   does nothing\n"
    "  -x                   does nothing\n"
    "  -d                   alias of -h\n"
    "\n"
    " -h, --help     display this help and exit\n"
    " -V, --version  output version information and exit\n"
    "\n"
    "For more details see sysctl(8).\n"
)
FORWARDING_KEYS = ("net.ipv4.ip_forward", "net.ipv4.conf.all.forwarding")
WRITABLE_CONF = ("send_redirects",)  # kept in host.files at their /proc/sys path
PER_CONF = {
    "accept_redirects": "1",
    "arp_filter": "0",
    "arp_ignore": "0",
    "forwarding": None,  # follows ip_forward
    "promote_secondaries": "0",
    "rp_filter": "0",
    "send_redirects": "1",
}


def parameters(host: Host) -> dict[str, str]:
    """Every parameter the simulator knows for ``host``, sorted by name."""
    values = {
        "kernel.hostname": host.name,
        "net.ipv4.icmp_echo_ignore_all": "0",
        "net.ipv4.ip_default_ttl": "64",
        "net.ipv4.ip_forward": str(host.ip_forward),
    }
    for conf in ("all", "default", *host.interfaces):
        for name, value in PER_CONF.items():
            if name == "forwarding":
                value = str(host.ip_forward)
            elif name in WRITABLE_CONF:
                value = host.files.get(conf_path(conf, name), f"{value}\n").strip()
            elif name == "accept_redirects" and conf == "all":
                value = "0" if host.forwarding else "1"
            values[f"net.ipv4.conf.{conf}.{name}"] = str(value)
    return dict(sorted(values.items()))


def _key(text: str) -> str:
    return text.replace("/", ".").strip(".") if "/" in text else text


class _Run:
    def __init__(
        self, host: Host, *, names_only: bool, values_only: bool, quiet: bool, ignore: bool
    ) -> None:
        self.host = host
        self.names_only = names_only
        self.values_only = values_only
        self.quiet = quiet
        self.ignore = ignore
        self.out: list[str] = []
        self.err: list[str] = []
        self.failures = 0

    def line(self, key: str, value: str) -> str:
        if self.names_only:
            return key
        if self.values_only:
            return value
        return f"{key} = {value}"

    def missing(self, key: str) -> None:
        if self.ignore:
            return
        self.err.append(
            f"sysctl: cannot stat /proc/sys/{key.replace('.', '/')}: No such file or directory"
        )
        self.failures += 1

    def read(self, text: str) -> None:
        key = _key(text)
        known = parameters(self.host)
        if key in known:
            self.out.append(self.line(key, known[key]))
            return
        below = [k for k in known if k.startswith(key + ".")]
        if below and key:
            self.out.extend(self.line(k, known[k]) for k in below)
            return
        self.missing(key)

    def write(self, setting: str) -> None:
        name, _, value = setting.partition("=")
        key = _key(name.strip())
        value = value.strip()
        if not key:
            self.failures += 1
            return
        known = parameters(self.host)
        if key not in known:
            self.missing(key)
            return
        parts = key.split(".")
        if len(parts) == 5 and parts[:3] == ["net", "ipv4", "conf"] and parts[4] in WRITABLE_CONF:
            if not re.fullmatch(r"[-+]?\d+", value) or not -(2**31) <= int(value) < 2**31:
                self.err.append(f'sysctl: setting key "{key}": Invalid argument')
                self.failures += 1
                return
            self.host.files[conf_path(parts[3], parts[4])] = f"{int(value)}\n"
            if not self.quiet:
                self.out.append(self.line(key, value))
            return
        if key not in FORWARDING_KEYS:
            self.err.append(
                f"sysctl: the simulator does not model changing {key} "
                f"(it stays {known[key]}); net.ipv4.ip_forward can be changed"
            )
            self.failures += 1
            return
        try:
            files.write(self.host, files.IP_FORWARD, value)
        except files.FileError:
            self.err.append(f'sysctl: setting key "{key}": Invalid argument')
            self.failures += 1
            return
        if not self.quiet:
            self.out.append(self.line(key, value))


# procps-ng's long options and the short letter each stands for.
_LONG = {
    "--all": "a",
    "--values": "n",
    "--names": "N",
    "--write": "w",
    "--quiet": "q",
    "--ignore": "e",
    "--load": "p",
}
_SYNONYMS = {"A": "a", "X": "a", "f": "p"}


@dataclass
class _Args:
    flags: dict[str, bool] = field(
        default_factory=lambda: dict.fromkeys(("a", "n", "N", "w", "q", "e", "p"), False)
    )
    operands: list[str] = field(default_factory=list)
    load_file: str | None = None


def _long_option(args: _Args, word: str) -> Result | None:
    head, _, arg = word.partition("=")
    if head not in _LONG:
        return Result(USAGE, f"sysctl: unrecognized option '{word}'\n", 0)
    args.flags[_LONG[head]] = True
    if head == "--load" and arg:
        args.load_file = arg
    return None


def _short_options(args: _Args, word: str) -> Result | None:
    for k, letter in enumerate(word[1:]):
        letter = _SYNONYMS.get(letter, letter)
        if letter in args.flags:
            args.flags[letter] = True
            if letter == "p" and word[k + 2 :]:
                args.load_file = word[k + 2 :]
                return None
        elif letter in "hd":
            return Result(USAGE)
        elif letter == "V":
            return Result("sysctl from procps-ng 4.0.2\n")
        elif letter not in "oxb":
            return Result(USAGE, f"sysctl: invalid option -- '{letter}'\n", 0)
    return None


def _parse(argv: list[str]) -> _Args | Result:
    args = _Args()
    for word in argv[1:]:
        answer = None
        if word.startswith("--"):
            answer = _long_option(args, word)
        elif word.startswith("-") and len(word) > 1 and not args.operands:
            answer = _short_options(args, word)
        else:
            args.operands.append(word)
        if answer is not None:
            return answer
    return args


@command("sysctl")
def sysctl(argv: list[str], host: Host, net: Topology) -> Result:
    """sysctl [-w] net.ipv4.ip_forward[=1]: read or set kernel parameters"""
    args = _parse(argv)
    if isinstance(args, Result):
        return args
    flags, operands = args.flags, args.operands
    run = _Run(
        host, names_only=flags["N"], values_only=flags["n"], quiet=flags["q"], ignore=flags["e"]
    )
    if flags["p"]:
        path = args.load_file or (operands[0] if operands else "/etc/sysctl.conf")
        return _load(run, path)
    if flags["a"]:
        for key, value in parameters(host).items():
            run.out.append(run.line(key, value))
        return _result(run)
    if not operands:
        if flags["w"]:
            return Result(
                "", "sysctl: no variables specified\nTry `sysctl --help' for more information.\n", 1
            )
        return Result("", USAGE, 1)
    for word in operands:
        if "=" in word:
            run.write(word)
        elif flags["w"]:
            run.err.append("sysctl: command line(0): invalid syntax, continuing...")
            run.failures += 1
        else:
            run.read(word)
    return _result(run)


def _load(run: _Run, path: str) -> Result:
    try:
        text = files.read(run.host, path)
    except files.FileError:
        run.err.append(f'sysctl: cannot open "{path}": No such file or directory')
        run.failures += 1
        return _result(run)
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        ignore = line.startswith("-")
        if "=" not in line:
            run.err.append(f"sysctl: {path}({len(run.out) + 1}): invalid syntax, continuing...")
            run.failures += 1
            continue
        saved = run.ignore
        run.ignore = run.ignore or ignore
        run.write(line.lstrip("-"))
        run.ignore = saved
    return _result(run)


def _result(run: _Run) -> Result:
    out = "".join(line + "\n" for line in run.out)
    err = "".join(line + "\n" for line in run.err)
    return Result(out, err, min(run.failures, 255))
