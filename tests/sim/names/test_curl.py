"""curl against origins and proxies, in curl 7.88.1's formats (captured on Debian 12 with nginx
1.22 in network namespaces); the origin's access log shows which address it saw."""

from __future__ import annotations

import pytest


def run(net, line, host="A"):
    return net.run(host, line)


def test_a_plain_request_prints_the_page(web_net):
    assert run(web_net, "curl http://web1.example.com/").output == "Hello from web1\n"


def test_verbose_shows_the_connection_request_and_response(web_net):
    out = run(web_net, "curl -v http://web1.example.com/").stdout
    assert out == (
        "*   Trying 192.165.2.10:80...\n"
        "* Connected to web1.example.com (192.165.2.10) port 80 (#0)\n"
        "> GET / HTTP/1.1\n"
        "> Host: web1.example.com\n"
        "> User-Agent: curl/7.88.1\n"
        "> Accept: */*\n"
        "> \n"
        "< HTTP/1.1 200 OK\n"
        "< Server: nginx/1.22.1\n"
        "< Date: Sat, 28 Nov 2026 15:27:20 GMT\n"
        "< Content-Type: text/html\n"
        "< Content-Length: 16\n"
        "< Last-Modified: Sat, 28 Nov 2026 15:27:20 GMT\n"
        "< Connection: keep-alive\n"
        '< ETag: "6b0af2d8-10"\n'
        "< Accept-Ranges: bytes\n"
        "< \n"
        "Hello from web1\n"
        "* Connection #0 to host web1.example.com left intact\n"
    )


def test_head_prints_only_the_headers(web_net):
    out = run(web_net, "curl -I http://web1.example.com/").stdout
    assert out.startswith("HTTP/1.1 200 OK\nServer: nginx/1.22.1\n") and out.endswith("\n\n")
    assert "Hello" not in out


def test_a_host_header_is_sent_as_given(web_net):
    out = run(web_net, "curl -v -H 'Host: shop.example.com' http://192.165.2.10/").stdout
    assert "> Host: shop.example.com\n" in out


def test_an_unknown_name_is_exit_6(web_net):
    result = run(web_net, "curl http://nosuch.example.com/")
    assert (result.stderr, result.status) == (
        "curl: (6) Could not resolve host: nosuch.example.com\n",
        6,
    )


def test_silent_hides_the_error_line(web_net):
    result = run(web_net, "curl -s http://nosuch.example.com/")
    assert (result.output, result.status) == ("", 6)


def test_a_closed_port_is_connection_refused_exit_7(web_net):
    result = run(web_net, "curl -v http://192.165.2.10:81/")
    assert result.stdout == (
        "*   Trying 192.165.2.10:81...\n"
        "* connect to 192.165.2.10 port 81 failed: Connection refused\n"
        "* Failed to connect to 192.165.2.10 port 81 after 0 ms: Couldn't connect to server\n"
        "* Closing connection 0\n"
    )
    assert result.stderr == (
        "curl: (7) Failed to connect to 192.165.2.10 port 81 after 0 ms: "
        "Couldn't connect to server\n"
    )
    assert result.status == 7


def test_no_route_is_an_immediate_connect_failure(web_net):
    web_net.run("A", "ip route del default")
    result = run(web_net, "curl -v http://10.1.2.3/")
    assert "* Immediate connect fail for 10.1.2.3: Network is unreachable\n" in result.stdout
    assert result.status == 7


def test_a_lost_connection_times_out_exit_28(web_net):
    web_net.hosts["R"].ip_forward = 0
    result = run(web_net, "curl -m 2 http://192.165.2.10/")
    assert (result.stderr, result.status) == (
        "curl: (28) Connection timed out after 2000 milliseconds\n",
        28,
    )
    result = run(web_net, "curl http://192.165.2.10/")
    assert result.status == 28 and "after 127000 ms" in result.stderr


def test_the_origin_logs_the_client_address(web_net):
    run(web_net, "curl http://web1.example.com/")
    log = run(web_net, "cat /var/log/nginx/access.log", host="web1").stdout
    assert log == (
        '192.165.1.10 - - [28/Nov/2026:15:27:20 +0000] "GET / HTTP/1.1" 200 16 "-" '
        '"curl/7.88.1" "-"\n'
    )


def test_behind_the_reverse_proxy_the_origin_sees_only_the_proxy(web_net):
    run(web_net, "curl http://www.example.com/")
    log = run(web_net, "cat /var/log/nginx/access.log", host="web1").stdout
    assert log.startswith("192.165.2.20 - - ") and log.endswith('"192.165.1.10"\n')


def test_the_reverse_proxy_balances_round_robin(web_net):
    pages = [run(web_net, f"curl http://www.example.com/?n={i}").stdout for i in range(4)]
    assert pages == ["Hello from web1\n", "Hello from web2\n"] * 2


def test_the_cache_answers_miss_then_hit_until_it_expires(web_net):
    def x_cache():
        out = run(web_net, "curl -sI http://www.example.com/").stdout
        return next(line for line in out.splitlines() if line.startswith("X-Cache"))

    assert [x_cache(), x_cache()] == ["X-Cache: MISS", "X-Cache: HIT"]
    run(web_net, "sleep 61")
    assert x_cache() == "X-Cache: MISS"


def test_https_is_terminated_at_the_proxy(web_net):
    out = run(web_net, "curl -v https://www.example.com/").stdout
    assert "* SSL connection using TLSv1.2 / ECDHE-RSA-AES256-GCM-SHA384\n" in out
    assert "*  subject: CN=www.example.com\n" in out
    log = run(web_net, "cat /var/log/nginx/access.log", host="web1").stdout
    assert '"GET / HTTP/1.0"' in log  # plain http (nginx speaks HTTP/1.0 upstream)


def test_https_to_an_origin_without_tls_is_refused(web_net):
    assert run(web_net, "curl https://web1.example.com/").status == 7


def test_a_forward_proxy_fetches_for_the_client(web_net):
    out = run(web_net, "curl -v -x http://gw.example.com:3128 http://web1.example.com/").stdout
    assert "> GET http://web1.example.com/ HTTP/1.1\n" in out
    assert "> Proxy-Connection: Keep-Alive\n" in out
    assert "< Via: 1.1 gw (squid/5.7)\n" in out
    log = run(web_net, "cat /var/log/nginx/access.log", host="web1").stdout
    assert log.startswith("192.165.1.3 - - ")


def test_http_proxy_in_the_environment_is_used(web_net):
    run(web_net, "export http_proxy=http://gw.example.com:3128")
    out = run(web_net, "curl -v http://web1.example.com/").stdout
    assert out.startswith("* Uses proxy env variable http_proxy == 'http://gw.example.com:3128'\n")


def test_no_proxy_bypasses_the_proxy(web_net):
    run(web_net, "export http_proxy=http://gw.example.com:3128 no_proxy=example.com")
    out = run(web_net, "curl -v http://web1.example.com/").stdout
    assert out.startswith("*   Trying 192.165.2.10:80...")


def test_a_proxy_that_cannot_be_resolved_is_exit_5(web_net):
    result = run(web_net, "curl -x http://nosuch:3128 http://web1.example.com/")
    assert (result.stderr, result.status) == ("curl: (5) Could not resolve proxy: nosuch\n", 5)


def test_a_reverse_proxy_without_upstreams_answers_502(web_net):
    for name in ("web1", "web2"):
        web_net.run(name, "ip link set eth0 down")
    out = run(web_net, "curl http://www.example.com/").stdout
    assert "<head><title>502 Bad Gateway</title></head>" in out


@pytest.mark.parametrize(
    ("line", "status", "stderr"),
    [
        ("curl", 2, "curl: try 'curl --help' or 'curl --manual' for more information\n"),
        (
            "curl -Z",
            2,
            "curl: option -Z: is unknown\n"
            "curl: try 'curl --help' or 'curl --manual' for more information\n",
        ),
        ("curl ftp://x/", 1, 'curl: (1) Protocol "ftp" not supported or disabled in libcurl\n'),
    ],
)
def test_usage_errors_are_curls(web_net, line, status, stderr):
    result = run(web_net, line)
    assert (result.stderr, result.status) == (stderr, status)


def test_proxy_state_survives_a_json_round_trip(web_net):
    import json

    from netlearn.sim import Network

    run(web_net, "curl http://www.example.com/")
    restored = Network.from_dict(json.loads(json.dumps(web_net.to_dict())))
    out = restored.run("A", "curl -sI http://www.example.com/").stdout
    assert "X-Cache: HIT" in out
    # the round robin goes on where it was: web1 served first, web2 is next
    assert restored.run("A", "curl -s http://www.example.com/?b").stdout == "Hello from web2\n"
