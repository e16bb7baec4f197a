"""Differential test: the simulator's web servers and curl against nginx 1.22 and curl 7.88.

The scenario (two origins behind a caching TLS reverse proxy, one router) is built in network
namespaces by the core's KernelLab, and nginx runs in the origin and proxy namespaces with the
configuration the simulator models (``docs/scenarios.md``). Each curl command runs on A in both
worlds and must print the same, up to what varies between runs: ``Date:`` headers, access-log
times and certificate dates. Files the test writes live in a temporary directory; nginx processes
are stopped by their own pid files and the namespaces deleted afterwards.

Needs root, ``ip``, ``nginx``, ``curl`` and ``openssl``; skipped with the reason otherwise. curl
runs under ``script`` so that it believes it writes to a terminal (no progress meter), as the
learner's terminal is one.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import os
import re
import shutil
import subprocess
import time

import pytest
from kernel import KernelLab, unavailable_reason
from names_scenarios import build, web

pytestmark = [pytest.mark.kernel, pytest.mark.slow]

EPOCH = dt.datetime(2026, 11, 28, 15, 27, 20, tzinfo=dt.UTC).timestamp()
HOSTS = (
    "127.0.0.1\tlocalhost\n"
    "192.165.2.20\twww.example.com\n"
    "192.165.2.10\tweb1.example.com\n"
    "192.165.2.11\tweb2.example.com\n"
)
LOG_FORMAT = (
    'log_format main \'$remote_addr - $remote_user [$time_local] "$request" $status '
    '$body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"\';'
)

COMMANDS = [
    "curl http://web1.example.com/",
    "curl -v http://web1.example.com/",
    "curl -I http://web1.example.com/",
    "curl -s http://web2.example.com/",
    "curl -v http://web1.example.com/missing",
    "curl -v -H 'Host: shop.example.com' http://192.165.2.10/",
    "curl -v http://192.165.2.10:81/",
    "curl http://192.165.2.10:81/",
    "curl -v http://www.example.com/",
    "curl -sI http://www.example.com/a",
    "curl -v --cacert CA https://www.example.com/",
    "curl https://web1.example.com/",
    "curl -v http://10.99.99.99/",
]
MASKS = (
    (re.compile(r"\x1b\[[0-9;]*m"), ""),  # curl -I bolds header names on a terminal
    (re.compile(r"Date: .* GMT"), "Date: DATE"),
    (re.compile(r"after \d+ ms"), "after N ms"),
    (re.compile(r"\[\d\d/\w\w\w/\d{4}:\d\d:\d\d:\d\d \+0000\]"), "[TIME]"),
    (re.compile(r"\*  (start|expire) date: .*"), r"*  \1 date: DATE"),
)


def mask(text: str) -> str:
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def scenario() -> dict:
    data = copy.deepcopy(web())
    for name in ("NS1", "gw"):
        del data["hosts"][name]
    data["hosts"]["A"]["hosts_file"] = HOSTS
    data["hosts"]["A"]["resolv_conf"] = "# no DNS\n"
    return data


def _unavailable() -> str | None:
    reason = unavailable_reason()
    if reason:
        return reason
    for tool in ("nginx", "curl", "openssl", "script"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install nginx-light curl openssl)"
    return None


def _origin_conf(root: str, tmp: str, name: str) -> str:
    return f"""
user root; daemon on; pid {tmp}/{name}.pid; error_log {tmp}/{name}.err;
events {{ worker_connections 64; }}
http {{
  {LOG_FORMAT}
  access_log {tmp}/{name}.log main;
  include /etc/nginx/mime.types; default_type application/octet-stream;
  client_body_temp_path {tmp}/{name}-body; proxy_temp_path {tmp}/{name}-proxy;
  server {{ listen 80; root {root}; }}
}}
"""


def _proxy_conf(tmp: str) -> str:
    location = (
        "location / { proxy_pass http://backend; proxy_cache c; proxy_cache_valid 200 1m; "
        "proxy_set_header Host $host; "
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; "
        "add_header X-Cache $upstream_cache_status; }"
    )
    return f"""
user root; daemon on; pid {tmp}/proxy.pid; error_log {tmp}/proxy.err;
events {{ worker_connections 64; }}
http {{
  {LOG_FORMAT}
  access_log {tmp}/proxy.log main;
  client_body_temp_path {tmp}/proxy-body; proxy_temp_path {tmp}/proxy-proxy;
  proxy_cache_path {tmp}/cache keys_zone=c:1m;
  upstream backend {{ server 192.165.2.10; server 192.165.2.11; }}
  server {{ listen 80; {location} }}
  server {{ listen 443 ssl; ssl_certificate {tmp}/www.crt; ssl_certificate_key {tmp}/www.key;
           {location} }}
}}
"""


def _certificates(tmp: str) -> None:
    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)

    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        f"{tmp}/ca.key",
        "-out",
        f"{tmp}/ca.crt",
        "-days",
        "3650",
        "-subj",
        "/CN=NetLearn CA",
    )
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        f"{tmp}/www.key",
        "-out",
        f"{tmp}/www.csr",
        "-subj",
        "/CN=www.example.com",
    )
    with open(f"{tmp}/ext", "w") as ext:
        ext.write("subjectAltName=DNS:www.example.com\n")
    openssl(
        "x509",
        "-req",
        "-in",
        f"{tmp}/www.csr",
        "-CA",
        f"{tmp}/ca.crt",
        "-CAkey",
        f"{tmp}/ca.key",
        "-CAcreateserial",
        "-out",
        f"{tmp}/www.crt",
        "-days",
        "365",
        "-extfile",
        f"{tmp}/ext",
    )


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    reason = _unavailable()
    if reason:
        pytest.skip(reason)
    tmp = str(tmp_path_factory.mktemp("nginx"))
    os.chmod(tmp, 0o755)
    _certificates(tmp)
    started = []
    with KernelLab(scenario()) as lab:
        try:
            for name in ("web1", "web2"):
                root = f"{tmp}/{name}-root"
                os.makedirs(root)
                page = f"{root}/index.html"
                with open(page, "w") as fh:
                    fh.write(f"Hello from {name}\n")
                os.utime(page, (EPOCH, EPOCH))
                os.chmod(root, 0o755)
                conf = f"{tmp}/{name}.conf"
                with open(conf, "w") as fh:
                    fh.write(_origin_conf(root, tmp, name))
                _nginx(lab, name, conf, tmp)
                started.append(name)
            with open(f"{tmp}/proxy.conf", "w") as fh:
                fh.write(_proxy_conf(tmp))
            _nginx(lab, "proxy", f"{tmp}/proxy.conf", tmp)
            started.append("proxy")
            time.sleep(0.5)
            lab.tmp = tmp
            yield lab
        finally:
            for name in started:
                _stop(tmp, name)


def _nginx(lab, host: str, conf: str, tmp: str) -> None:
    ns = lab.host_ns[host]
    subprocess.run(
        ["ip", "netns", "exec", ns, "nginx", "-c", conf, "-p", tmp],
        check=True,
        capture_output=True,
        timeout=30,
    )


def _stop(tmp: str, name: str) -> None:
    try:
        with open(f"{tmp}/{name}.pid") as fh:
            pid = int(fh.read().strip())
    except (OSError, ValueError):
        return
    try:
        os.kill(pid, 15)
    except ProcessLookupError:
        return
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)


@pytest.fixture(scope="module")
def sim():
    return build(scenario())


def _real(lab, command: str) -> tuple[str, int]:
    command = command.replace("CA", f"{lab.tmp}/ca.crt") if "--cacert" in command else command
    done = subprocess.run(
        ["ip", "netns", "exec", lab.host_ns["A"], "script", "-qec", command, "/dev/null"],
        capture_output=True,
        timeout=30,
        env={"PATH": os.environ["PATH"], "LANG": "C.UTF-8"},
    )
    # The pty turns every \n into \r\n; nginx's own pages end their lines with \r\n too.
    text = done.stdout.decode().replace("\r\n", "\n").replace("\r", "")
    return mask(text), done.returncode


def _simulated(sim, lab, command: str) -> tuple[str, int]:
    if "--cacert" in command:
        command = command.replace("CA", f"{lab.tmp}/ca.crt")
    result = sim.run("A", command)
    return mask(result.stdout + result.stderr), result.status


@pytest.mark.parametrize("command", COMMANDS)
def test_curl_prints_what_the_real_curl_and_nginx_print(lab, sim, command):
    # One world after the other, same order: the proxy's cache and round robin stay in step.
    simulated, real = _simulated(sim, lab, command), _real(lab, command)
    diff = "".join(
        difflib.unified_diff(
            real[0].splitlines(keepends=True),
            simulated[0].splitlines(keepends=True),
            "real",
            "simulated",
        )
    )
    assert simulated == real, diff


def test_the_origins_access_log_matches_nginx(lab, sim):
    for name in ("web1", "web2"):
        with open(f"{lab.tmp}/{name}.log") as fh:
            real = mask(fh.read())
        simulated = mask(sim.run(name, "cat /var/log/nginx/access.log").stdout)
        assert simulated == real


def test_with_every_origin_down_the_proxy_answers_502_like_nginx(lab, sim):
    for name in ("web1", "web2"):
        _stop(lab.tmp, name)
        sim.hosts[name].services.pop("http")
    time.sleep(0.3)
    command = "curl -v http://www.example.com/new"
    simulated, real = _simulated(sim, lab, command), _real(lab, command)
    diff = "".join(
        difflib.unified_diff(
            real[0].splitlines(keepends=True),
            simulated[0].splitlines(keepends=True),
            "real",
            "simulated",
        )
    )
    assert simulated == real, diff
