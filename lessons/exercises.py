"""Exercise kinds: from a learner's input to a simulated network and one result per goal.

An exercise is the ``exercise`` mapping of a lesson file (DESIGN.md, "Lessons and exercises")::

    kind: terminal | routes | dns | quiz
    prompt: Make A reach C through the router.
    scenario: {...}            # the simulator's scenario format (not for quiz)
    goals: [{check: reachable, from: A, to: 192.165.2.10}]   # (not for quiz)
    questions: [{prompt, choices: [...], answer: 0, explain}]  # quiz only
    solution: ...              # by kind, see below
    hints: ["..."]

What a learner submits, and the solution in the same shape, by kind:

- ``terminal``: commands typed into the terminal; the workspace's network is graded as it is.
  Solution: ``{commands: {A: ["ip route add ..."], C: [...]}}``.
- ``routes``: routes *added* to hosts of the starting scenario, each checked by the kernel's rules
  exactly as ``ip route add`` would check it. Submission ``{"routes": {"A": [row, ...]}}`` where a
  row is ``{"destination", "gateway", "device", "metric"}`` (blank fields left out) or the text of
  ``ip route add`` arguments. Solution: ``{routes: {A: ["192.165.2.0/24 via 192.165.1.1"]}}``.
- ``dns``: records *added* to a zone served by a DNS server of the scenario, validated with
  dnspython. Submission ``{"records": {"example.com": [row, ...]}}`` where a row is ``{"name",
  "type", "value", "ttl"}`` or a zone-file line. Solution:
  ``{records: {example.com: ["www 300 IN A 192.165.2.10"]}}``.
- ``quiz``: ``{"answers": [0, 2, ...]}``, the index of the chosen choice per question (``None``
  for unanswered); one goal per question. Solution: ``{answers: [...]}`` (optional: the
  questions' ``answer`` keys are the answer key).

Validation (``validate_exercise``) checks that the scenario loads, every goal can be checked, the
solution passes every goal and the starting state fails at least one; every problem names its
field (``exercise.goals[1].to``). Nothing here touches the database.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import dns.exception
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype

from netlearn.sim import Network, ScenarioError, budget
from netlearn.sim.errors import BudgetExceeded
from netlearn.sim.limits import MAX_LINE
from netlearn.sim.names.zones import ZoneError, parse_zone

KINDS = ("terminal", "routes", "dns", "quiz")
NETWORK_KINDS = ("terminal", "routes", "dns")
SPEC_KEYS = ("kind", "prompt", "scenario", "goals", "questions", "solution", "hints")
QUESTION_KEYS = ("prompt", "choices", "answer", "explain")
ROUTE_FIELDS = ("destination", "gateway", "device", "metric")
RECORD_FIELDS = ("name", "type", "value", "ttl")
RECORD_TYPES = ("A", "AAAA", "CNAME", "MX", "NS", "PTR", "TXT")
DEFAULT_TTL = 300
MAX_TTL_VALUE = 2**31 - 1

MAX_GOALS = 50  # goals in one exercise
MAX_QUESTIONS = 50  # questions in one quiz
MAX_CHOICES = 10  # choices in one question
MAX_HINTS = 20
MAX_ROWS = 100  # rows per host (routes) or per zone (DNS records)
MAX_SOLUTION_COMMANDS = 200  # commands in a terminal solution
MAX_FIELD = 255  # characters in one form field


# -- results -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason an exercise is invalid; ``path`` names the field."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ExerciseInvalid(Exception):
    """An exercise mapping failed validation; ``problems`` lists every reason."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


class SubmissionError(Exception):
    """A learner's input cannot be applied; ``errors`` maps a field path to its message.

    Paths: ``routes.A[2]``, ``records.example.com[0]``, ``answers[1]``, or the kind's key alone
    (``routes``) for the whole submission. A form shows each message beside its row.
    """

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


@dataclass(frozen=True, slots=True)
class GoalResult:
    index: int
    goal: dict
    label: str
    passed: bool
    message: str
    cause: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Grade:
    results: list[GoalResult] = field(default_factory=list)

    @property
    def score(self) -> int:
        """Percent of goals passed, rounded down so that 100 means every goal."""
        if not self.results:
            return 0
        return 100 * sum(r.passed for r in self.results) // len(self.results)

    @property
    def passed(self) -> bool:
        return bool(self.results) and all(r.passed for r in self.results)


# -- the exercise mapping ------------------------------------------------------------------------


def spec_from_fields(
    *,
    kind: str,
    prompt: str,
    scenario: Any,
    goals: Any,
    solution: Any,
    hints: Any,
    extra: Any,
) -> dict:
    """The lesson-file mapping of an exercise stored as model fields (inverse of
    ``fields_from_spec``)."""
    spec: dict[str, Any] = {"kind": kind, "prompt": prompt}
    if kind == "quiz":
        spec["questions"] = (extra or {}).get("questions", [])
    else:
        spec["scenario"] = scenario
        spec["goals"] = goals
    if solution:
        spec["solution"] = solution
    if hints:
        spec["hints"] = hints
    return spec


def fields_from_spec(spec: dict) -> dict:
    """Model fields (``kind, prompt, scenario, goals, solution, hints, extra``) of a normalised
    exercise mapping."""
    quiz = spec["kind"] == "quiz"
    return {
        "kind": spec["kind"],
        "prompt": spec["prompt"],
        "scenario": {} if quiz else spec.get("scenario", {}),
        "goals": [] if quiz else spec.get("goals", []),
        "solution": spec.get("solution") or {},
        "hints": spec.get("hints") or [],
        "extra": {"questions": spec.get("questions", [])} if quiz else {},
    }


def content_hash(data: Any) -> str:
    """A stable hash of JSON-like data (key order does not matter)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def check_shape(spec: Any, *, path: str = "exercise") -> list[Problem]:
    """Problems with the mapping's structure alone (no simulator)."""
    if not isinstance(spec, dict):
        return [Problem(path, "must be a mapping with kind, prompt, ... (see DESIGN.md)")]
    problems: list[Problem] = []
    for key in spec:
        if key not in SPEC_KEYS:
            problems.append(
                Problem(f"{path}.{key}", f"unknown key (expected one of {', '.join(SPEC_KEYS)})")
            )
    kind = spec.get("kind")
    if kind not in KINDS:
        problems.append(Problem(f"{path}.kind", f"must be one of {', '.join(KINDS)}, not {kind!r}"))
        return problems
    prompt = spec.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        problems.append(Problem(f"{path}.prompt", "must be the task, as text"))
    hints = spec.get("hints", [])
    if not isinstance(hints, list):
        problems.append(Problem(f"{path}.hints", "must be a list of texts"))
    else:
        if len(hints) > MAX_HINTS:
            problems.append(Problem(f"{path}.hints", f"at most {MAX_HINTS} hints"))
        for i, hint in enumerate(hints):
            if not isinstance(hint, str) or not hint.strip():
                problems.append(Problem(f"{path}.hints[{i}]", "must be a text"))
    solution = spec.get("solution", {})
    if solution is not None and not isinstance(solution, dict):
        problems.append(Problem(f"{path}.solution", "must be a mapping"))
    if kind == "quiz":
        for key in ("scenario", "goals"):
            if spec.get(key):
                problems.append(
                    Problem(f"{path}.{key}", "a quiz has questions, not a scenario and goals")
                )
        problems += _check_questions(spec.get("questions"), f"{path}.questions")
    else:
        if "questions" in spec:
            problems.append(Problem(f"{path}.questions", f"only a quiz has questions, not {kind}"))
        if not isinstance(spec.get("scenario"), dict):
            problems.append(Problem(f"{path}.scenario", "must be a scenario mapping"))
        goals = spec.get("goals")
        if not isinstance(goals, list) or not goals:
            problems.append(Problem(f"{path}.goals", "must be a non-empty list of goals"))
        elif len(goals) > MAX_GOALS:
            problems.append(Problem(f"{path}.goals", f"at most {MAX_GOALS} goals"))
        else:
            for i, goal in enumerate(goals):
                if not isinstance(goal, dict) or "check" not in goal:
                    problems.append(
                        Problem(f"{path}.goals[{i}]", "must be a mapping with a 'check' kind")
                    )
    expected = {"terminal": "commands", "routes": "routes", "dns": "records", "quiz": "answers"}
    if solution is None and kind != "quiz":  # `solution:` left empty
        problems.append(
            Problem(f"{path}.solution", f"a {kind} exercise needs solution.{expected[kind]}")
        )
    if isinstance(solution, dict):
        for key in solution:
            if key != expected[kind]:
                problems.append(
                    Problem(
                        f"{path}.solution.{key}",
                        f"unknown key (a {kind} solution has '{expected[kind]}')",
                    )
                )
        if kind != "quiz" and expected[kind] not in solution:
            problems.append(
                Problem(f"{path}.solution", f"a {kind} exercise needs solution.{expected[kind]}")
            )
    return problems


def _check_questions(questions: Any, path: str) -> list[Problem]:
    if not isinstance(questions, list) or not questions:
        return [Problem(path, "a quiz needs a non-empty list of questions")]
    if len(questions) > MAX_QUESTIONS:
        return [Problem(path, f"at most {MAX_QUESTIONS} questions")]
    problems = []
    for i, question in enumerate(questions):
        qpath = f"{path}[{i}]"
        if not isinstance(question, dict):
            problems.append(Problem(qpath, "must be a mapping with prompt, choices, answer"))
            continue
        for key in question:
            if key not in QUESTION_KEYS:
                problems.append(
                    Problem(
                        f"{qpath}.{key}",
                        f"unknown key (expected one of {', '.join(QUESTION_KEYS)})",
                    )
                )
        if not isinstance(question.get("prompt"), str) or not question["prompt"].strip():
            problems.append(Problem(f"{qpath}.prompt", "must be the question, as text"))
        choices = question.get("choices")
        if (
            not isinstance(choices, list)
            or not 2 <= len(choices) <= MAX_CHOICES
            or not all(isinstance(c, str | int | float) and str(c).strip() for c in choices)
        ):
            problems.append(
                Problem(f"{qpath}.choices", f"must be a list of 2 to {MAX_CHOICES} texts")
            )
            continue
        answer = question.get("answer")
        if (
            not isinstance(answer, int)
            or isinstance(answer, bool)
            or not 0 <= answer < len(choices)
        ):
            problems.append(
                Problem(
                    f"{qpath}.answer",
                    f"must be the index of the right choice (0 to {len(choices) - 1})",
                )
            )
        explain = question.get("explain", "")
        if not isinstance(explain, str):
            problems.append(Problem(f"{qpath}.explain", "must be a text"))
    return problems


# -- networks ------------------------------------------------------------------------------------


def _scenario_error_path(exc: ScenarioError, prefix: str, own: str = "") -> str:
    """Put a simulator path under ``prefix``: ``goal.to`` -> ``exercise.goals[1].to``."""
    path = exc.path or ""
    if own and (path == own or path.startswith(own + ".")):
        path = path[len(own) :].lstrip(".")
    return f"{prefix}.{path}" if path else prefix


def starting_network(spec: dict) -> Network:
    """The scenario as the learner first sees it (raises ScenarioError)."""
    return Network.from_scenario(copy.deepcopy(spec["scenario"]))


def run_commands(net: Network, commands: Any, *, path: str) -> list[Problem]:
    """Run a terminal solution (``{host: [line, ...]}``) on ``net``; a failing line is a
    problem (a solution does not contain commands that fail)."""
    if not isinstance(commands, dict):
        return [Problem(path, "must map host names to lists of command lines")]
    problems = []
    count = 0
    for host, lines in commands.items():
        hpath = f"{path}.{host}"
        if host not in net.hosts:
            problems.append(Problem(hpath, f"there is no host named {host!r} in the scenario"))
            continue
        if isinstance(lines, str):
            lines = [lines]
        if not isinstance(lines, list):
            problems.append(Problem(hpath, "must be a list of command lines"))
            continue
        for i, line in enumerate(lines):
            count += 1
            if count > MAX_SOLUTION_COMMANDS:
                return [*problems, Problem(path, f"at most {MAX_SOLUTION_COMMANDS} commands")]
            if not isinstance(line, str) or len(line) > MAX_LINE:
                problems.append(Problem(f"{hpath}[{i}]", "must be one command line"))
                continue
            result = net.run(host, line)
            if result.status != 0:
                shown = result.output.strip() or f"exit status {result.status}"
                problems.append(Problem(f"{hpath}[{i}]", f"`{line}` fails on {host}: {shown}"))
    return problems


def replay(spec: dict, log: Iterable[Mapping]) -> Network:
    """The starting network with a workspace's logged commands run again (to carry a learner's
    work over to a new version of the exercise). Lines for hosts that are gone are skipped."""
    net = starting_network(spec)
    for entry in log:
        host, line = entry.get("host"), entry.get("command")
        if host in net.hosts and isinstance(line, str):
            net.run(host, line)
    return net


# routes form


def _row_values(row: dict, fields: tuple[str, ...], what: str) -> dict[str, str]:
    """A form row's fields as stripped text ("" when missing); ValueError for an unknown or an
    over-long field, in the words shown beside the row."""
    unknown = [key for key in row if key not in fields]
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r} (a {what} has {', '.join(fields)})")
    values = {}
    for key in fields:
        value = row.get(key)
        value = "" if value is None else str(value).strip()
        if len(value) > MAX_FIELD:
            raise ValueError(f"the {key} is too long")
        values[key] = value
    return values


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
    values = _row_values(row, ROUTE_FIELDS, "route")
    if not any(values.values()):
        return None
    if not values["destination"]:
        raise ValueError("a route needs a destination (an address/prefix, or default)")
    args = [values["destination"]]
    if values["gateway"]:
        args += ["via", values["gateway"]]
    if values["device"]:
        args += ["dev", values["device"]]
    if values["metric"]:
        args += ["metric", values["metric"]]
    return args


def add_routes(net: Network, routes: Any, *, path: str = "routes") -> dict[str, str]:
    """Apply route rows per host to ``net`` as ``ip route add`` would; returns errors by row."""
    if not isinstance(routes, dict):
        return {path: "must map host names to lists of routes"}
    errors: dict[str, str] = {}
    for host, rows in routes.items():
        hpath = f"{path}.{host}"
        if host not in net.hosts:
            errors[hpath] = f"there is no host named {host!r} in this exercise"
            continue
        if not isinstance(rows, list):
            errors[hpath] = "must be a list of routes"
            continue
        if len(rows) > MAX_ROWS:
            errors[hpath] = f"at most {MAX_ROWS} routes per host"
            continue
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


# DNS form


def _zone_origin(zone: str) -> dns.name.Name:
    return dns.name.root if zone in (".", "") else dns.name.from_text(zone.rstrip(".") + ".")


def record_row_fields(row: Any) -> dict[str, str] | None:
    """The four fields of a record row (a dict or a zone-file line); None for a blank row.

    >>> record_row_fields("www 300 IN A 192.0.2.10")
    {'name': 'www', 'type': 'A', 'value': '192.0.2.10', 'ttl': '300'}
    """
    if isinstance(row, str):
        words = row.split(";", 1)[0].split()
        if not words:
            return None
        if len(row) > MAX_LINE:
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
    if not isinstance(row, dict):
        raise ValueError("a record row has name, type, value and TTL")
    values = _row_values(row, RECORD_FIELDS, "record")
    if not (values["name"] or values["value"]):
        return None
    return values


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
    except dns.exception.DNSException as exc:
        raise ValueError(_value_error(rtype, value, exc)) from None
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


def _value_error(rtype: str, value: str, exc: Exception) -> str:
    return f"{value!r} is not a valid {rtype} value: {_VALUE_HELP[rtype]}"


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
    if not isinstance(records, dict):
        return scenario, {path: "must map zone names to lists of records"}
    servers = dns_servers(scenario)
    errors: dict[str, str] = {}
    for zone, rows in records.items():
        zpath = f"{path}.{zone}"
        hosts = servers.get(_zone_key(str(zone)))
        if not hosts:
            errors[zpath] = f"no DNS server in this exercise serves the zone {zone}"
            continue
        if not isinstance(rows, list):
            errors[zpath] = "must be a list of records"
            continue
        if len(rows) > MAX_ROWS:
            errors[zpath] = f"at most {MAX_ROWS} records per zone"
            continue
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


def network_for(spec: dict, submission: Any) -> Network:
    """The network a form submission (routes or DNS records) builds from the starting scenario;
    raises SubmissionError with one message per bad row."""
    submission = submission if isinstance(submission, dict) else {}
    if spec["kind"] == "routes":
        net = starting_network(spec)
        errors = add_routes(net, submission.get("routes", {}))
    elif spec["kind"] == "dns":
        scenario, errors = with_records(spec["scenario"], submission.get("records", {}))
        if errors:
            raise SubmissionError(errors)
        try:
            net = Network.from_scenario(scenario)
        except ScenarioError as exc:  # defensive: the rows were checked zone by zone
            raise SubmissionError({"records": str(exc)}) from None
    else:
        raise ValueError(f"a {spec['kind']} exercise has no form")
    if errors:
        raise SubmissionError(errors)
    return net


# -- grading -------------------------------------------------------------------------------------


def describe_goal(goal: Mapping) -> str:
    """A short label for a goal, for the list of results ("A can reach 192.165.2.10")."""
    if goal.get("label"):
        return str(goal["label"])
    g = {("on" if k is True else k): v for k, v in goal.items()}
    kind = g.get("check")
    if kind == "reachable":
        return f"{g.get('from')} can reach {g.get('to')}"
    if kind == "unreachable":
        return f"{g.get('from')} cannot reach {g.get('to')}"
    if kind == "route":
        text = f"{g.get('on')} routes {g.get('to')}"
        if g.get("via"):
            text += f" via {g['via']}"
        if g.get("dev"):
            text += f" out of {g['dev']}"
        return text
    if kind == "forwarding":
        return (
            f"{g.get('on')} {'forwards' if g.get('enabled', True) else 'does not forward'} packets"
        )
    if kind == "resolves":
        text = f"{g.get('name')} resolves on {g.get('on')}"
        if g.get("to"):
            to = g["to"] if isinstance(g["to"], list) else [g["to"]]
            text += f" to {' or '.join(map(str, to))}"
        return text
    if kind == "dns_answer":
        text = f"{g.get('server')} answers {g.get('name')} {g.get('type', 'A')}"
        if g.get("values") is not None:  # a list, or one value as the check takes it
            values = g["values"] if isinstance(g["values"], list) else [g["values"]]
            text += f" with {', '.join(map(str, values)) or 'nothing'}"
        return text
    if kind == "http":
        text = f"{g.get('from')} fetches {g.get('url')}"
        if g.get("served_by"):
            text += f" from {_names(g['served_by'])}"
        if g.get("via"):
            text += f" through {_names(g['via'])}"
        return text
    if kind == "quiz":
        return f"Question {int(g.get('question', 0)) + 1}"
    return str(kind)


def _names(value: Any) -> str:
    return " and ".join(map(str, value)) if isinstance(value, list) else str(value)


def check_goals(goals: list, net: Network) -> list[GoalResult]:
    """Grade every goal on its own copy of ``net``, so that one check cannot change what the
    next one sees. A goal the simulator cannot check fails with cause ``check-error``."""
    state = net.to_dict()
    results = []
    for i, goal in enumerate(goals):
        label = describe_goal(goal)
        try:
            outcome = Network.from_dict(copy.deepcopy(state)).check(goal)
        except (ScenarioError, BudgetExceeded) as exc:
            if budget.exhausted():  # the caller's own budget (validation) is spent: stop
                raise
            results.append(GoalResult(i, goal, label, False, str(exc), "check-error"))
            continue
        except Exception as exc:  # a simulator bug must not break grading
            message = f"The simulator could not check this goal ({type(exc).__name__})."
            results.append(GoalResult(i, goal, label, False, message, "check-error"))
            continue
        results.append(
            GoalResult(i, goal, label, bool(outcome.passed), outcome.message, outcome.cause)
        )
    return results


def quiz_answers(submission: Any, count: int) -> list[int | None]:
    """The chosen indexes of a quiz submission; SubmissionError for malformed answers."""
    answers = (submission or {}).get("answers", []) if isinstance(submission, dict) else None
    if not isinstance(answers, list):
        raise SubmissionError({"answers": "must be a list of chosen answers"})
    if len(answers) > count:
        raise SubmissionError({"answers": f"this quiz has {count} questions"})
    out: list[int | None] = []
    for i, answer in enumerate(answers):
        if answer is None or answer == "":
            out.append(None)
        elif isinstance(answer, int) and not isinstance(answer, bool):
            out.append(answer)
        elif isinstance(answer, str) and answer.isascii() and answer.isdigit() and len(answer) < 5:
            out.append(int(answer))  # ("¹".isdigit() is true, and int() refuses it)
        else:
            raise SubmissionError({f"answers[{i}]": "choose one of the answers"})
    return out + [None] * (count - len(out))


def grade_quiz(questions: list[dict], submission: Any) -> list[GoalResult]:
    answers = quiz_answers(submission, len(questions))
    results = []
    for i, (question, answer) in enumerate(zip(questions, answers, strict=True)):
        goal = {"check": "quiz", "question": i}
        label = f"Question {i + 1}"
        explain = str(question.get("explain") or "").strip()
        if answer is None:
            message = f"Question {i + 1} is not answered yet: {question['prompt']}"
            results.append(GoalResult(i, goal, label, False, message, "unanswered"))
        elif answer == question["answer"]:
            message = f"Right: {explain}" if explain else "Right."
            results.append(GoalResult(i, goal, label, True, message, None))
        elif not 0 <= answer < len(question["choices"]):
            raise SubmissionError({f"answers[{i}]": "choose one of the answers"})
        else:
            chosen = question["choices"][answer]
            message = f"Not quite: “{chosen}” is not the answer to “{question['prompt']}”."
            results.append(GoalResult(i, goal, label, False, message, "wrong-answer"))
    return results


def grade(spec: dict, *, submission: Any = None, network: Network | None = None) -> Grade:
    """Grade a submission: ``network`` for a terminal exercise (the workspace's), the form
    ``submission`` for the other kinds. Raises SubmissionError for rows that cannot apply."""
    kind = spec["kind"]
    if kind == "quiz":
        return Grade(grade_quiz(spec["questions"], submission))
    if kind == "terminal":
        net = network if network is not None else starting_network(spec)
    else:
        net = network_for(spec, submission)
    try:  # one learner's "Check my work" within budget.GRADING, every goal together
        with budget.limit(budget.GRADING):
            return Grade(check_goals(spec["goals"], net))
    except BudgetExceeded as exc:
        goals = enumerate(spec["goals"])
        return Grade(
            [GoalResult(i, g, describe_goal(g), False, str(exc), "check-error") for i, g in goals]
        )


def solution_submission(spec: dict) -> dict:
    """The solution in the shape a learner submits (forms and quiz)."""
    solution = spec.get("solution") or {}
    if spec["kind"] == "quiz":
        answers = solution.get("answers")
        if answers is None:
            answers = [q.get("answer") for q in spec.get("questions", [])]
        return {"answers": answers}
    if spec["kind"] == "routes":
        return {"routes": solution.get("routes", {})}
    if spec["kind"] == "dns":
        return {"records": solution.get("records", {})}
    return {"commands": solution.get("commands", {})}


# -- validation ----------------------------------------------------------------------------------


def validate_exercise(spec: Any, *, path: str = "exercise") -> list[Problem]:
    """Every problem of an exercise mapping (empty when it is valid): its shape, that the
    scenario loads, that every goal can be checked, that the solution passes every goal and that
    the starting state fails at least one. The whole validation has the simulator's author
    budget (``budget.AUTHOR``): past it, one problem says what was too large."""
    try:
        with budget.limit(budget.AUTHOR):
            return _validate_exercise(spec, path=path)
    except BudgetExceeded as exc:
        return [Problem(path, f"{exc}: make the scenario, its goals or its solution smaller")]


def _validate_exercise(spec: Any, *, path: str) -> list[Problem]:
    problems = check_shape(spec, path=path)
    if problems:
        return problems
    if spec["kind"] == "quiz":
        return _validate_quiz(spec, path)
    try:
        start = starting_network(spec)
    except ScenarioError as exc:
        return [Problem(_scenario_error_path(exc, f"{path}.scenario"), exc.why)]
    except BudgetExceeded:
        raise
    except Exception as exc:  # a simulator bug: say so instead of crashing the loader
        return [Problem(f"{path}.scenario", f"the simulator cannot load it ({exc!r})")]

    state = start.to_dict()
    for i, goal in enumerate(spec["goals"]):
        try:
            Network.from_dict(copy.deepcopy(state)).check(goal)
        except ScenarioError as exc:
            problems.append(
                Problem(_scenario_error_path(exc, f"{path}.goals[{i}]", "goal"), exc.why)
            )
        except BudgetExceeded:
            raise
        except Exception as exc:  # a part of the simulator that is missing or broken
            problems.append(
                Problem(f"{path}.goals[{i}]", f"the simulator cannot check this goal ({exc!r})")
            )
    if problems:
        return problems
    starting = check_goals(spec["goals"], start)

    solution = spec["solution"]
    spath = f"{path}.solution"
    if spec["kind"] == "terminal":
        solved = starting_network(spec)
        problems += run_commands(solved, solution.get("commands"), path=f"{spath}.commands")
    else:
        try:
            solved = network_for(spec, solution_submission(spec))
        except SubmissionError as exc:
            problems += [Problem(f"{spath}.{key}", message) for key, message in exc.errors.items()]
    if problems:
        return problems

    for result in check_goals(spec["goals"], solved):
        if not result.passed:
            problems.append(
                Problem(
                    f"{path}.goals[{result.index}]",
                    f"the solution does not pass this goal: {result.message}",
                )
            )
    if all(result.passed for result in starting):
        problems.append(
            Problem(
                f"{path}.goals",
                "the starting state already passes every goal: there is nothing to do",
            )
        )
    return problems


def _validate_quiz(spec: dict, path: str) -> list[Problem]:
    questions = spec["questions"]
    answers = (spec.get("solution") or {}).get("answers")
    if answers is None:
        return []
    if not isinstance(answers, list) or len(answers) != len(questions):
        return [Problem(f"{path}.solution.answers", f"must list {len(questions)} answers")]
    return [
        Problem(
            f"{path}.solution.answers[{i}]",
            f"is {answer!r} but questions[{i}].answer is {question['answer']!r}",
        )
        for i, (answer, question) in enumerate(zip(answers, questions, strict=True))
        if answer != question["answer"]
    ]


def normalise_spec(spec: Any, *, path: str = "exercise") -> dict:
    """A validated exercise mapping with its keys in the lesson file's order; raises
    ExerciseInvalid listing every problem."""
    problems = validate_exercise(spec, path=path)
    if problems:
        raise ExerciseInvalid(problems)
    return {key: spec[key] for key in SPEC_KEYS if key in spec and spec[key] not in (None, [], {})}
