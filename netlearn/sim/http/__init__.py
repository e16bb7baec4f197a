"""HTTP over the simulated network: origin servers, reverse proxies and forward proxies.

A host's ``http`` key (kept in ``host.services["http"]``) says what it runs (``config``). A
connection is a TCP round trip over the network (``connection``); what answers on the port is
nginx (``nginx``: origin and reverse proxy) or squid (``squid``: forward proxy), dispatched by
``server.serve``; the messages, dates and log lines they share are in ``wire``.
"""

from __future__ import annotations

from .config import http_config, listening_port, listening_ports, load_http
from .connection import Connection, connect
from .server import serve
from .squid import connect_tunnel
from .wire import CURL_AGENT, EPOCH, Journey, Request, Response

__all__ = [
    "CURL_AGENT",
    "EPOCH",
    "Connection",
    "Journey",
    "Request",
    "Response",
    "connect",
    "connect_tunnel",
    "http_config",
    "listening_port",
    "listening_ports",
    "load_http",
    "serve",
]
