"""The routes kind: the learner adds routes to hosts' routing tables as rows of a form.

Each row is checked by the kernel's rules exactly as ``ip route add`` would check it (it *is*
run as that command on the host). Submission ``{"routes": {"A": [row, ...]}}`` where a row is
``{"destination", "gateway", "device", "metric"}`` (blank fields left out) or the text of
``ip route add`` arguments. Solution: ``{routes: {A: ["192.165.2.0/24 via 192.165.1.1"]}}``.
"""

from __future__ import annotations

import shlex
from typing import Any

from django import forms

from lessons.diagram import natural_key
from lessons.kinds.base import SubmissionError
from lessons.kinds.network import starting_network
from lessons.kinds.rows import (
    RowForm,
    RowsKind,
    RowsText,
    row_groups,
    row_values,
    rows_of,
    text_field,
)
from netlearn.sim import Network
from netlearn.sim.limits import MAX_LINE

ROUTE_FIELDS = ("destination", "gateway", "device", "metric")


def route_row_args(row: Any) -> list[str] | None:
    """``ip route add`` arguments of one form row (dict or text); None for a blank row.

    >>> route_row_args({"destination": "192.165.2.0/24", "gateway": "192.165.1.1", "metric": ""})
    ['192.165.2.0/24', 'via', '192.165.1.1']
    >>> route_row_args("default via 10.0.0.1 dev eth0")
    ['default', 'via', '10.0.0.1', 'dev', 'eth0']
    """
    if isinstance(row, str):
        if len(row) > MAX_LINE:
            raise ValueError("this route is too long")
        try:
            args = shlex.split(row)
        except ValueError as exc:
            raise ValueError(f"cannot read this route: {exc}") from None
        return args or None
    if not isinstance(row, dict):
        raise ValueError("a route row has destination, gateway, device and metric")
    values = row_values(row, ROUTE_FIELDS, "route")
    if not any(values.values()):
        return None
    if not values["destination"]:
        raise ValueError("a route needs a destination (an address/prefix, or default)")
    args = [values["destination"]]
    for option, key in (("via", "gateway"), ("dev", "device"), ("metric", "metric")):
        if values[key]:
            args += [option, values[key]]
    return args


def add_routes(net: Network, routes: Any, *, path: str = "routes") -> dict[str, str]:
    """Apply route rows per host to ``net`` as ``ip route add`` would; returns errors by row."""
    errors: dict[str, str] = {}

    def unknown(host: Any) -> str | None:
        return None if host in net.hosts else f"there is no host named {host!r} in this exercise"

    groups = row_groups(routes, errors, path=path, group="host", noun="route", unknown=unknown)
    for host, hpath, rows in groups:
        for i, row in enumerate(rows):
            try:
                args = route_row_args(row)
            except ValueError as exc:
                errors[f"{hpath}[{i}]"] = str(exc)
                continue
            if args is None:
                continue
            # The same command line a learner would type, so the same kernel checks and errors.
            result = net.run(host, "ip route add " + shlex.join(args))
            if result.status != 0:
                errors[f"{hpath}[{i}]"] = result.output.strip()
    return errors


class RouteRowForm(RowForm):
    """One route to add: ``ip route add DESTINATION [via GATEWAY] [dev DEVICE] [metric N]``."""

    row_fields = ("host", "destination", "gateway", "device", "metric")
    group_field = "host"

    host = forms.ChoiceField(label="Host", required=False)
    destination = text_field("Destination", placeholder="e.g. 10.0.0.0/8 or default")
    gateway = text_field("Gateway", placeholder="e.g. 10.0.0.1")
    device = text_field("Device", placeholder="e.g. eth1")
    metric = text_field("Metric", numeric=True)

    def clean_host(self) -> str:
        return self.clean_group()

    def clean_metric(self) -> str:
        metric = self.cleaned_data.get("metric", "").strip()
        if metric and not (metric.isascii() and metric.isdigit()):
            raise forms.ValidationError("The metric is a whole number (0 is the default).")
        return metric


class RoutesKind(RowsKind):
    name = "routes"
    label = "Routing table"
    solution_key = "routes"
    submission_key = "routes"
    rows = rows_of(RouteRowForm)
    text = RowsText(id="route-rows", legend="Routes to add", legend_one="on", add="Add route",
                    noun="Route")  # fmt: skip

    def choices(self, spec: dict) -> list[str]:
        """The hosts whose table the exercise is about (the solution's), else every host."""
        scenario = spec.get("scenario") if isinstance(spec.get("scenario"), dict) else {}
        solution = (spec.get("solution") or {}).get("routes") or {}
        hosts = list(solution) or list(scenario.get("hosts") or {})
        return sorted((str(h) for h in hosts), key=natural_key)

    def network_for(self, spec: dict, submission: dict) -> Network:
        net = starting_network(spec)
        errors = add_routes(net, submission.get("routes", {}))
        if errors:
            raise SubmissionError(errors)
        return net


KIND = RoutesKind()
