"""The dns kind: the learner adds records to a zone served by a DNS server of the scenario.

Each record is checked with dnspython, then the zone with the new records is parsed as the
simulator's server would parse it (a CNAME beside other data is refused there). Submission
``{"records": {"example.com": [row, ...]}}`` where a row is ``{"name", "type", "value",
"ttl"}`` or a zone-file line. Solution: ``{records: {example.com: ["www 300 IN A ..."]}}``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

import dns.exception
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
from django import forms

from lessons.diagram import natural_key
from lessons.kinds.base import SubmissionError
from lessons.kinds.rows import (
    RowForm,
    RowsKind,
    RowsText,
    row_groups,
    row_values,
    rows_of,
    text_field,
)
from netlearn.sim import Network, ScenarioError
from netlearn.sim.limits import MAX_LINE
from netlearn.sim.names.zones import ZoneError, parse_zone

RECORD_FIELDS = ("name", "type", "value", "ttl")
RECORD_TYPES = ("A", "AAAA", "CNAME", "MX", "NS", "PTR", "TXT")
DEFAULT_TTL = 300
MAX_TTL_VALUE = 2**31 - 1


def _zone_origin(zone: str) -> dns.name.Name:
    return dns.name.root if zone in (".", "") else dns.name.from_text(zone.rstrip(".") + ".")


def record_row_fields(row: Any) -> dict[str, str] | None:
    """The four fields of a record row (a dict or a zone-file line); None for a blank row.

    >>> record_row_fields("www 300 IN A 192.0.2.10")
    {'name': 'www', 'type': 'A', 'value': '192.0.2.10', 'ttl': '300'}
    """
    if isinstance(row, str):
        return _line_fields(row)
    if not isinstance(row, dict):
        raise ValueError("a record row has name, type, value and TTL")
    values = row_values(row, RECORD_FIELDS, "record")
    if not (values["name"] or values["value"]):
        return None
    return values


def _line_fields(line: str) -> dict[str, str] | None:
    """The fields of a zone-file line: NAME [TTL] [IN] [TTL] TYPE VALUE."""
    words = line.split(";", 1)[0].split()
    if not words:
        return None
    if len(line) > MAX_LINE:
        raise ValueError("this record is too long")
    name, rest = words[0], words[1:]
    ttl = ""
    if rest and rest[0].isdigit():
        ttl, rest = rest[0], rest[1:]
    if rest and rest[0].upper() == "IN":
        rest = rest[1:]
    if not ttl and rest and rest[0].isdigit():
        ttl, rest = rest[0], rest[1:]
    if not rest:
        raise ValueError("a record is NAME [TTL] [IN] TYPE VALUE")
    return {"name": name, "type": rest[0], "value": " ".join(rest[1:]), "ttl": ttl}


def record_line(fields: Mapping[str, str], zone: str) -> str:
    """One zone-file line for a record row, checked with dnspython; ValueError says what is
    wrong in the learner's words.

    >>> record_line({"name": "www", "type": "a", "value": "192.0.2.10", "ttl": ""}, "example.com")
    'www.example.com. 300 IN A 192.0.2.10'
    """
    origin = _zone_origin(zone)
    raw_name = fields.get("name") or "@"
    try:
        name = dns.name.from_text(raw_name, origin=origin)
    except dns.exception.DNSException as exc:
        raise ValueError(f"{raw_name!r} is not a valid name ({_dns_reason(exc)})") from None
    if not name.is_subdomain(origin):
        raise ValueError(f"{name} is not in the zone {origin}")
    rtype = (fields.get("type") or "").upper()
    if rtype not in RECORD_TYPES:
        raise ValueError(f"the type must be one of {', '.join(RECORD_TYPES)}")
    value = fields.get("value") or ""
    if not value:
        raise ValueError(f"{_article(rtype)} {rtype} record needs a value")
    try:
        rdata = dns.rdata.from_text(
            dns.rdataclass.IN, dns.rdatatype.from_text(rtype), value, origin=origin,
            relativize=False,
        )  # fmt: skip
    except dns.exception.DNSException:
        raise ValueError(f"{value!r} is not a valid {rtype} value: {_VALUE_HELP[rtype]}") from None
    ttl_text = fields.get("ttl") or ""
    if ttl_text == "":
        ttl = DEFAULT_TTL
    elif ttl_text.isascii() and ttl_text.isdigit() and int(ttl_text) <= MAX_TTL_VALUE:
        ttl = int(ttl_text)
    else:
        raise ValueError(f"the TTL is a whole number of seconds (0 to {MAX_TTL_VALUE})")
    return f"{name.to_text()} {ttl} IN {rtype} {rdata.to_text()}"


_VALUE_HELP = {
    "A": "an A record maps a name to an IPv4 address, such as 192.0.2.10",
    "AAAA": "an AAAA record maps a name to an IPv6 address, such as 2001:db8::10",
    "CNAME": "a CNAME record's value is another name, such as www.example.com.",
    "NS": "an NS record's value is the name of a name server",
    "PTR": "a PTR record's value is a name",
    "MX": "an MX record's value is a preference and a mail server name, such as 10 mail",
    "TXT": 'a TXT record\'s value is text, such as "hello"',
}


def _dns_reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text[0].lower() + text[1:].rstrip(".")


def _article(word: str) -> str:
    return "an" if word[:1] in "AEFHILMNORSX" else "a"


def dns_servers(scenario: dict) -> dict[str, list[tuple[str, str]]]:
    """Zone name (``example.com``) -> [(host, the zone's key in that host's scenario)]."""
    servers: dict[str, list[tuple[str, str]]] = {}
    for host, hdata in (scenario.get("hosts") or {}).items():
        zones = ((hdata or {}).get("dns") or {}).get("zones") or {}
        for key in zones:
            servers.setdefault(_zone_key(key), []).append((host, key))
    return servers


def _zone_key(zone: str) -> str:
    return "." if zone in (".", "") else zone.rstrip(".").lower()


_LINE_PREFIX = re.compile(r"^line \d+: ")


def with_records(scenario: dict, records: Any, *, path: str = "records") -> tuple[dict, dict]:
    """A copy of ``scenario`` with the record rows appended to their zones; (scenario, errors)."""
    scenario = copy.deepcopy(scenario)
    servers = dns_servers(scenario)
    errors: dict[str, str] = {}

    def unknown(zone: Any) -> str | None:
        if servers.get(_zone_key(str(zone))):
            return None
        return f"no DNS server in this exercise serves the zone {zone}"

    groups = row_groups(records, errors, path=path, group="zone", noun="record", unknown=unknown)
    for zone, zpath, rows in groups:
        hosts = servers[_zone_key(str(zone))]
        lines: list[tuple[int, str]] = []
        for i, row in enumerate(rows):
            try:
                fields = record_row_fields(row)
                if fields is not None:
                    lines.append((i, record_line(fields, str(zone))))
            except ValueError as exc:
                errors[f"{zpath}[{i}]"] = str(exc)
        first_host, first_key = hosts[0]
        base = scenario["hosts"][first_host]["dns"]["zones"][first_key] or ""
        text = _join_zone(base, [line for _, line in lines])
        try:
            parse_zone(first_key, text)
        except ZoneError as exc:
            errors.update(_blame_row(first_key, base, lines, zpath, exc))
            continue
        for host, key in hosts:
            scenario["hosts"][host]["dns"]["zones"][key] = text
    return scenario, errors


def _join_zone(base: str, lines: list[str]) -> str:
    if not lines:
        return base
    return base + ("" if not base or base.endswith("\n") else "\n") + "\n".join(lines) + "\n"


def _blame_row(key: str, base: str, lines: list, zpath: str, exc: ZoneError) -> dict[str, str]:
    """The first row whose addition breaks the zone (a CNAME beside other data...)."""
    for n in range(1, len(lines) + 1):
        try:
            parse_zone(key, _join_zone(base, [line for _, line in lines[:n]]))
        except ZoneError as err:
            return {f"{zpath}[{lines[n - 1][0]}]": _LINE_PREFIX.sub("", str(err))}
    return {zpath: str(exc)}


class RecordRowForm(RowForm):
    """One DNS record to add to a zone: NAME TTL IN TYPE VALUE."""

    row_fields = ("zone", "name", "type", "value", "ttl")
    group_field = "zone"

    zone = forms.ChoiceField(label="Zone", required=False)
    name = text_field("Name", placeholder="e.g. mail or @")
    type = forms.ChoiceField(
        label="Type", choices=[(t, t) for t in RECORD_TYPES], initial="A", required=False
    )
    value = text_field("Value", placeholder="e.g. 192.0.2.10")
    ttl = text_field("TTL", placeholder="300", numeric=True)

    def clean_zone(self) -> str:
        return self.clean_group()

    def clean_type(self) -> str:
        return self.cleaned_data.get("type") or "A"

    def clean_ttl(self) -> str:
        ttl = self.cleaned_data.get("ttl", "").strip()
        if ttl and not (ttl.isascii() and ttl.isdigit() and int(ttl) <= MAX_TTL_VALUE):
            raise forms.ValidationError(
                f"The TTL is a whole number of seconds (0 to {MAX_TTL_VALUE})."
            )
        return ttl

    def has_content(self) -> bool:
        """A type is always chosen and a TTL alone says nothing: a record needs a name or a
        value to be a row at all."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return bool(data.get("name") or data.get("value"))


class DnsKind(RowsKind):
    name = "dns"
    label = "DNS records"
    solution_key = "records"
    submission_key = "records"
    rows = rows_of(RecordRowForm)
    text = RowsText(id="dns-rows", legend="Records to add", legend_one="to the zone",
                    add="Add record", noun="Record")  # fmt: skip

    def choices(self, spec: dict) -> list[str]:
        """The zones served in the scenario."""
        scenario = spec.get("scenario") if isinstance(spec.get("scenario"), dict) else {}
        return sorted(dns_servers(scenario), key=natural_key)

    def network_for(self, spec: dict, submission: dict) -> Network:
        scenario, errors = with_records(spec["scenario"], submission.get("records", {}))
        if errors:
            raise SubmissionError(errors)
        try:
            return Network.from_scenario(scenario)
        except ScenarioError as exc:  # defensive: the rows were checked zone by zone
            raise SubmissionError({"records": str(exc)}) from None


KIND = DnsKind()
