"""Per-host virtual files: /etc/hosts, /etc/resolv.conf, /etc/hostname and the procfs ip_forward.

Ordinary files live in ``host.files`` (path -> text). /proc/sys/net/ipv4/ip_forward is not stored:
it reads and writes ``host.ip_forward`` with the kernel's parsing (an integer, else EINVAL).
"""

from __future__ import annotations

import posixpath
import re

from .limits import MAX_FILE, MAX_FILES
from .model import Host

IP_FORWARD = "/proc/sys/net/ipv4/ip_forward"
HOME = "/root"

DEFAULT_HOSTS = (
    "127.0.0.1\tlocalhost\n"
    "::1\t\tlocalhost ip6-localhost ip6-loopback\n"
    "ff02::1\t\tip6-allnodes\n"
    "ff02::2\t\tip6-allrouters\n"
)
DEFAULT_RESOLV = ""
NSSWITCH = (
    "passwd:         files\n"
    "group:          files\n"
    "shadow:         files\n"
    "gshadow:        files\n"
    "\n"
    "hosts:          files dns\n"
    "networks:       files\n"
    "\n"
    "protocols:      db files\n"
    "services:       db files\n"
    "ethers:         db files\n"
    "rpc:            db files\n"
    "\n"
    "netgroup:       nis\n"
)

# Directories that exist on every host (so `echo x > /etc/new` works but `/nowhere/x` does not).
DIRECTORIES = frozenset({"/", "/etc", "/tmp", "/root", "/home", "/var", "/var/tmp", "/proc"})
# proc_dointvec: optional sign, then a C integer of any base (0x1f, 017, 42), then whitespace.
_INT = re.compile(r"\s*([-+]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)(\s.*)?", re.DOTALL)


class FileError(Exception):
    """errno-style failure: ``reason`` is strerror ("No such file or directory")."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class WriteError(FileError):
    """The file opened but the write itself failed (bash: `echo: write error: ...`)."""


def default_files(host_name: str) -> dict[str, str]:
    return {
        "/etc/hosts": DEFAULT_HOSTS,
        "/etc/resolv.conf": DEFAULT_RESOLV,
        "/etc/hostname": host_name + "\n",
        "/etc/nsswitch.conf": NSSWITCH,
    }


def normalize(path: str) -> str:
    """Absolute, normalised path; relative paths start in /root (the learner's home)."""
    if not path.startswith("/"):
        path = posixpath.join(HOME, path)
    path = posixpath.normpath(path)
    return "/" + path.lstrip("/")


def exists(host: Host, path: str) -> bool:
    path = normalize(path)
    return path == IP_FORWARD or path in host.files or path in DIRECTORIES


def read(host: Host, path: str) -> str:
    """The text of a file, or FileError like open(2) would fail."""
    path = normalize(path)
    if path == IP_FORWARD:
        return f"{host.ip_forward}\n"
    if path in host.files:
        return host.files[path]
    if path in DIRECTORIES:
        raise FileError(path, "Is a directory")
    raise FileError(path, "No such file or directory")


def write(host: Host, path: str, text: str, *, append: bool = False) -> None:
    """`> path` / `>> path`: create or truncate (or append), with procfs validation."""
    path = normalize(path)
    if path == IP_FORWARD:
        _write_ip_forward(host, text)
        return
    if path in DIRECTORIES:
        raise FileError(path, "Is a directory")
    if path.startswith("/proc/") or path.startswith("/sys/"):
        raise FileError(path, "No such file or directory")
    parent = posixpath.dirname(path)
    if parent not in DIRECTORIES and not any(p.startswith(parent + "/") for p in host.files):
        raise FileError(path, "No such file or directory")
    if path not in host.files and len(host.files) >= MAX_FILES:
        raise FileError(path, "No space left on device")
    new = host.files.get(path, "") + text if append else text
    if len(new) > MAX_FILE:
        if not append:
            host.files[path] = ""
        raise WriteError(path, "File too large")
    host.files[path] = new


def _write_ip_forward(host: Host, text: str) -> None:
    """proc_dointvec: one integer, optionally followed by whitespace; else EINVAL."""
    match = _INT.fullmatch(text)
    if not match:
        raise WriteError(IP_FORWARD, "Invalid argument")
    digits = match.group(2)
    if digits[:2].lower() == "0x":
        value = int(digits[2:], 16)
    elif digits.startswith("0"):
        value = int(digits, 8)
    else:
        value = int(digits)
    if match.group(1) == "-":
        value = -value
    if not -(2**31) <= value < 2**31:
        raise WriteError(IP_FORWARD, "Invalid argument")
    host.ip_forward = value
