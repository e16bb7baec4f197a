"""Differential test: the simulator's forward proxy against squid 5.7 (and nginx origins).

A, the proxy gw and the two origins are built in namespaces by the core's KernelLab; squid runs
on gw and nginx on web1/web2 (configured as in ``test_http_kernel_differential``). Names come from
/etc/hosts on A and gw (squid reads it too). curl on A, through the proxy, must print what the
simulator prints, up to dates; the origin's access log must match.

Needs root, ``ip``, ``squid``, ``nginx``, ``curl``, ``script``; skipped with the reason otherwise.
"""

from __future__ import annotations

import copy
import difflib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

import pytest
from kernel import KernelLab, unavailable_reason
from names_scenarios import build, web
from test_http_kernel_differential import (
    EPOCH,
    _certificates,
    _nginx,
    _origin_conf,
    _proxy_conf,
    _stop,
    mask,
)

pytestmark = [pytest.mark.kernel, pytest.mark.slow]

HOSTS = (
    "127.0.0.1\tlocalhost\n"
    "192.165.1.3\tgw.example.com\n"
    "192.165.2.20\twww.example.com\n"
    "192.165.2.10\tweb1.example.com\n"
    "192.165.2.11\tweb2.example.com\n"
)
PROXY = "http://gw.example.com:3128"
COMMANDS = [
    f"curl -x {PROXY} http://web1.example.com/",
    f"curl -v -x {PROXY} http://web1.example.com/",
    f"curl -I -x {PROXY} http://web2.example.com/",
    f"http_proxy={PROXY} curl -v http://web2.example.com/missing",
    # squid's error page: the headers match; the body is the template's text without its
    # style sheet (docs/scenarios.md), so compare the headers
    f"curl -sI -x {PROXY} http://192.165.2.10:81/",
    f"curl -s -o /dev/null -x {PROXY} http://192.165.2.10/",
    f"curl -v --cacert CA -x {PROXY} https://www.example.com/",
    f"curl -v -x {PROXY} https://web1.example.com/",
]


def scenario() -> dict:
    data = copy.deepcopy(web())
    del data["hosts"]["NS1"]
    for name in ("A", "gw"):
        data["hosts"][name]["hosts_file"] = HOSTS
        data["hosts"][name]["resolv_conf"] = "# no DNS\n"
    return data


def _squid_conf(tmp: str) -> str:
    return f"""
http_port 192.165.1.3:3128
visible_hostname gw
http_access allow all
cache deny all
pid_filename {tmp}/squid.pid
cache_log {tmp}/squid-cache.log
access_log {tmp}/squid-access.log squid
coredump_dir {tmp}
shutdown_lifetime 0 seconds
dns_nameservers 127.0.0.1
"""


def _unavailable() -> str | None:
    reason = unavailable_reason()
    if reason:
        return reason
    for tool in ("squid", "nginx", "curl", "script"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install squid nginx-light curl)"
    return None


@pytest.fixture(scope="module")
def lab():
    reason = _unavailable()
    if reason:
        pytest.skip(reason)
    # squid drops to the proxy user: a directory it can reach (pytest's tmp is root-only)
    tmp = tempfile.mkdtemp(prefix="nlt-squid-")
    os.chmod(tmp, 0o777)
    squid = None
    started = []
    with KernelLab(scenario()) as lab:
        try:
            for name in ("web1", "web2"):
                root = f"{tmp}/{name}-root"
                os.makedirs(root)
                os.chmod(root, 0o755)
                page = f"{root}/index.html"
                with open(page, "w") as fh:
                    fh.write(f"Hello from {name}\n")
                os.utime(page, (EPOCH, EPOCH))
                with open(f"{tmp}/{name}.conf", "w") as fh:
                    fh.write(_origin_conf(root, tmp, name))
                _nginx(lab, name, f"{tmp}/{name}.conf", tmp)
                started.append(name)
            _certificates(tmp)
            with open(f"{tmp}/proxy.conf", "w") as fh:
                fh.write(_proxy_conf(tmp))
            _nginx(lab, "proxy", f"{tmp}/proxy.conf", tmp)
            started.append("proxy")
            with open(f"{tmp}/squid.conf", "w") as fh:
                fh.write(_squid_conf(tmp))
            squid = subprocess.Popen(
                [
                    "ip",
                    "netns",
                    "exec",
                    lab.host_ns["gw"],
                    "squid",
                    "-N",
                    "-f",
                    f"{tmp}/squid.conf",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(100):
                probe = lab.run("A", f"curl -s -o /dev/null -x {PROXY} http://web1.example.com/")
                if probe.status == 0:
                    break
                time.sleep(0.2)
            lab.tmp = tmp
            yield lab
        finally:
            if squid is not None:
                squid.send_signal(signal.SIGTERM)
                try:
                    squid.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    squid.kill()
            for name in started:
                _stop(tmp, name)
            shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def sim():
    net = build(scenario())
    # the lab's readiness probe went through the proxy once; so does the simulator
    net.run("A", f"curl -s -o /dev/null -x {PROXY} http://web1.example.com/")
    return net


def _real(lab, command: str) -> tuple[str, int]:
    command = command.replace("CA", f"{lab.tmp}/ca.crt")
    done = subprocess.run(
        ["ip", "netns", "exec", lab.host_ns["A"], "script", "-qec", command, "/dev/null"],
        capture_output=True,
        timeout=30,
        env={"PATH": os.environ["PATH"], "LANG": "C.UTF-8"},
    )
    text = done.stdout.decode().replace("\r\n", "\n").replace("\r", "")
    return mask(text), done.returncode


@pytest.mark.parametrize("command", COMMANDS)
def test_curl_through_the_forward_proxy_prints_what_squid_gives(lab, sim, command):
    result = sim.run("A", command.replace("CA", f"{lab.tmp}/ca.crt"))
    simulated = (mask(result.stdout + result.stderr), result.status)
    real = _real(lab, command)
    if "X-Squid-Error" in real[0]:
        length = re.compile(r"Content-Length: \d+")
        simulated = (length.sub("Content-Length: N", simulated[0]), simulated[1])
        real = (length.sub("Content-Length: N", real[0]), real[1])
    diff = "".join(
        difflib.unified_diff(
            real[0].splitlines(keepends=True),
            simulated[0].splitlines(keepends=True),
            "real",
            "simulated",
        )
    )
    assert simulated == real, diff


def test_the_origin_sees_the_proxy(lab, sim):
    with open(f"{lab.tmp}/web1.log") as fh:
        real = mask(fh.read())
    assert mask(sim.run("web1", "cat /var/log/nginx/access.log").stdout) == real
