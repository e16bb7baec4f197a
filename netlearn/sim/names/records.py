"""Zone records as rows (the DNS exercise form): one row per record, each checked on its own and
in its zone, with the error beside the row that causes it.

>>> rows = [{"name": "www", "type": "A", "value": "192.0.2.1", "ttl": 300},
...         {"name": "www", "type": "CNAME", "value": "example.com.", "ttl": 300}]
>>> text, errors = zone_from_rows("example.com", rows)
>>> errors[0], errors[1][:46]
(None, 'www.example.com has a CNAME and other data (A)')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from netlearn.sim.names.zones import MAX_ZONE_RECORDS, ZoneError, parse_zone

ROW_TYPES = ("A", "AAAA", "CNAME", "NS", "MX", "TXT", "PTR", "SOA", "SRV", "CAA")
DEFAULT_TTL = 300
MAX_TTL_VALUE = 2_147_483_647
MAX_CONFLICT_ROUNDS = 32  # conflicting rows reported one by one, at most this many
_LINE = re.compile(r"^line (\d+): ")


def row_line(row: Mapping[str, object]) -> str:
    """``{"name": "www", "type": "A", "value": "192.0.2.1", "ttl": 300}`` as a zone-file line."""
    name = str(row.get("name") or "@").strip() or "@"
    rtype = str(row.get("type") or "").strip().upper()
    value = str(row.get("value") or "").strip()
    ttl = row.get("ttl", DEFAULT_TTL)
    ttl = DEFAULT_TTL if ttl in (None, "") else ttl
    return f"{name} {ttl} IN {rtype} {value}"


def row_error(zone_name: str, row: Mapping[str, object]) -> str | None:
    """What is wrong with one row on its own (None when it is a valid record)."""
    rtype = str(row.get("type") or "").strip().upper()
    if rtype not in ROW_TYPES:
        return f"unknown record type {rtype or '(empty)'!r}; use one of {', '.join(ROW_TYPES)}"
    if not str(row.get("value") or "").strip():
        return "the record needs a value"
    ttl = row.get("ttl", DEFAULT_TTL)
    if ttl not in (None, ""):
        try:
            number = int(str(ttl))
        except ValueError:
            return f"TTL {ttl!r} is not a number of seconds"
        if not 0 <= number <= MAX_TTL_VALUE:
            return f"TTL {ttl} is out of range (0 to {MAX_TTL_VALUE})"
    line = row_line(row)
    if "\n" in line or ";" in line.split(" IN ", 1)[0]:
        return "one record per row"
    try:
        parse_zone(zone_name, line)
    except ZoneError as exc:
        return str(exc).removeprefix("line 1: ")
    return None


def zone_from_rows(
    zone_name: str, rows: Iterable[Mapping[str, object]]
) -> tuple[str, list[str | None]]:
    """The zone text for ``rows`` and one error (or None) per row.

    A conflict between rows (a CNAME beside other data, two CNAMEs) is reported on the row that
    completes it, as named-checkzone reports the line.
    """
    rows = list(rows)[:MAX_ZONE_RECORDS]
    errors: list[str | None] = [row_error(zone_name, row) for row in rows]
    lines = [row_line(row) for row in rows]
    for _ in range(MAX_CONFLICT_ROUNDS):
        good = [i for i, error in enumerate(errors) if error is None]
        text = "".join(lines[i] + "\n" for i in good)
        try:
            parse_zone(zone_name, text)
        except ZoneError as exc:
            match = _LINE.match(str(exc))
            if match is None or not 0 < int(match.group(1)) <= len(good):
                return "", [error or str(exc) for error in errors]
            errors[good[int(match.group(1)) - 1]] = str(exc)[match.end() :]
            continue
        return text, errors
    good = [i for i, error in enumerate(errors) if error is None]
    return "".join(lines[i] + "\n" for i in good), errors
