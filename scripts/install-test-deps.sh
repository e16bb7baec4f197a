#!/usr/bin/env bash
# Install the Debian packages the test suites drive (a browser, nginx, the real networking tools
# for the kernel differential tests) and wrk, the load generator of `make bench`. A no-op when they
# are present; never fails the build: a suite whose tool is missing skips itself and says why,
# which fails the run under CI=true (`make bench` falls back to a Python client without wrk).
set -u
case "${1:-}" in
  -h|--help)
    echo "usage: scripts/install-test-deps.sh"
    echo
    echo "Install (as root, with apt-get) the Debian packages the test suites drive and wrk, the"
    echo "load generator of make bench; a no-op when they are present. Never fails: under CI=true"
    echo "a suite whose tool is missing fails instead of skipping (tests/ci_skips.py)."
    exit 0 ;;
esac
need=()
have() { command -v "$1" >/dev/null 2>&1; }
have chromium || need+=(chromium)
have nginx || need+=(nginx-light)
have ip || need+=(iproute2)
have ping || need+=(iputils-ping)
have traceroute || need+=(traceroute)
have route || need+=(net-tools)
have dnsmasq || need+=(dnsmasq-base)
have dig || need+=(dnsutils)
have named || need+=(bind9)
have squid || need+=(squid)
have curl || need+=(curl)
have wrk || need+=(wrk)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! have apt-get; then
  echo "install-test-deps: missing ${need[*]} (not root or no apt-get): those suites will skip" >&2
  exit 0
fi
echo "install-test-deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
# Install the daemons (bind9, squid, nginx) without starting them on this machine: the tests
# start their own copies inside network namespaces or on loopback ports.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && made_policy=1; fi
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 \
  || echo "install-test-deps: apt-get install failed; the suites that need ${need[*]} will skip" >&2
[ "$made_policy" = 1 ] && rm -f "$policy"
exit 0
