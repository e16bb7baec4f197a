"""Preview: the lesson as a learner sees it, exercise included and runnable, without saving.

Pressing Preview takes the editor's title, Markdown and exercise YAML as they are (unsaved) and
keeps them in the author's session with the exercise's state: for a terminal, the network and
the log of commands typed in the preview; for the form kinds, nothing more (Check grades the
posted rows on the unsaved exercise). The state is bounded like a learner's workspace
(``MAX_COMMANDS``, outputs trimmed) and there is one preview per session: pressing Preview
again starts it over. Nothing is written to the database, so an author can try an exercise
before anyone sees it.

Variants (an exercise drawn per learner from a seed) do not exist in the product yet: ``seed``
is where they will come in (``start(..., seed=N)`` will draw the concrete exercise for that
seed before building the network); today it is kept and shown, and changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from instructors import yamltext
from lessons import exercises as ex
from lessons import kinds, lessonfile
from lessons.kinds.base import Grade, SubmissionError
from netlearn.sim import Network, SimError
from netlearn.sim.limits import MAX_LINE

SESSION_KEY = "authoring-preview"
MAX_COMMANDS = 200  # commands typed in one preview (a learner's workspace keeps 500)
MAX_OUTPUT = 16 * 1024  # characters of one command's output kept in the preview's log
MAX_LOG_OUTPUT = 128 * 1024  # characters of output in the whole log: the oldest are emptied


class PreviewError(Exception):
    """What the preview cannot do (no preview yet, a full log, a bad host): a sentence."""


@dataclass
class Preview:
    """One preview as kept in the session (``as_dict``/``from_dict``)."""

    title: str
    body: str
    spec: dict | None = None  # the unsaved exercise, when it can be shown
    problems: list[str] = field(default_factory=list)  # why it cannot (YAML, shape, scenario)
    network: dict | None = None  # a terminal's network as the author left it
    log: list[dict] = field(default_factory=list)
    path: dict | None = None  # the last ping's packet path, for the diagram
    seed: int | None = None  # the variant's seed, when variants exist (see the module's doc)

    def as_dict(self) -> dict:
        return {
            "title": self.title,
            "body": self.body,
            "spec": self.spec,
            "problems": self.problems,
            "network": self.network,
            "log": self.log,
            "path": self.path,
            "seed": self.seed,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Preview | None:
        if not isinstance(data, dict) or not isinstance(data.get("title"), str):
            return None
        return cls(
            **{key: data.get(key) for key in cls.__dataclass_fields__}
            | {
                "problems": list(data.get("problems") or []),
                "log": list(data.get("log") or []),
            }
        )

    @property
    def kind(self) -> kinds.Kind | None:
        return kinds.get_kind(self.spec["kind"]) if self.spec is not None else None

    def live_network(self) -> Network | None:
        if self.network is None:
            return None
        try:
            return Network.from_dict(self.network)
        except (SimError, KeyError, TypeError, ValueError):
            return None


def start(session, *, title: str, body: str, exercise_yaml: str, seed: int | None = None):
    """A new preview of the editor's content, kept in ``session`` (replacing any earlier)."""
    preview = Preview(title=title[: lessonfile.MAX_TITLE], body=body, seed=seed)
    if exercise_yaml.strip():
        preview.spec, preview.problems = _exercise(exercise_yaml)
    if preview.spec is not None and preview.kind.terminal:
        try:
            preview.network = ex.starting_network(preview.spec).to_dict()
        except SimError as exc:
            preview.spec, preview.problems = None, [f"exercise.scenario: {exc}"]
    session[SESSION_KEY] = preview.as_dict()
    return preview


def _exercise(text: str) -> tuple[dict | None, list[str]]:
    """The exercise to show, or why it cannot be: its YAML and its shape must be right (the
    solution need not pass yet: an author previews work in progress)."""
    if len(text) > lessonfile.MAX_EXERCISE_YAML:
        return None, [f"The exercise is over {lessonfile.MAX_EXERCISE_YAML:,} characters."]
    try:
        spec = yamltext.load(text)
    except yamltext.YamlSyntaxError as exc:
        where = f"line {exc.line}, column {exc.column}: " if exc.line else ""
        return None, [where + exc.message]
    problems = [str(p) for p in ex.check_shape(spec)]
    if problems:
        return None, problems
    try:  # the session keeps JSON: a YAML date or a binary value cannot be previewed
        json.dumps(spec)
    except (TypeError, ValueError):
        return None, [
            "The exercise holds a value that is not text, a number or a list "
            "(a date or binary data?): quote it."
        ]
    return spec, []


def current(session) -> Preview | None:
    return Preview.from_dict(session.get(SESSION_KEY))


def _save(session, preview: Preview) -> None:
    session[SESSION_KEY] = preview.as_dict()


def run_command(session, *, host: str, line: str) -> tuple[dict, Network, Any]:
    """Run one terminal line on the preview's network: (log entry, network, trace)."""
    preview = current(session)
    if preview is None or preview.kind is None or not preview.kind.terminal:
        raise PreviewError("There is no terminal to preview: press Preview first.")
    if len(preview.log) >= MAX_COMMANDS:
        raise PreviewError(
            f"The preview keeps {MAX_COMMANDS} commands: press Preview to start it over."
        )
    net = preview.live_network()
    if net is None or host not in net.hosts:
        raise PreviewError(f"There is no host {host!r} in this exercise.")
    if len(line) > MAX_LINE:
        raise PreviewError(f"A command line has at most {MAX_LINE} characters.")
    result = net.run(host, line)
    output = result.output if len(result.output) <= MAX_OUTPUT else result.output[:MAX_OUTPUT]
    entry = {"host": host, "command": line, "output": output, "status": result.status}
    preview.log.append(entry)
    _trim_outputs(preview.log)
    preview.network = net.to_dict()
    _save(session, preview)
    return entry, net, getattr(result, "trace", None)


def _trim_outputs(log: list[dict]) -> None:
    """Empty the oldest outputs once the log's outputs pass MAX_LOG_OUTPUT (the commands stay),
    as a learner's workspace does: the session stays small whatever is typed."""
    total = sum(len(entry["output"]) for entry in log)
    for entry in log[:-1]:
        if total <= MAX_LOG_OUTPUT:
            break
        total -= len(entry["output"])
        entry["output"] = ""


def remember_path(session, path: dict | None) -> None:
    preview = current(session)
    if preview is not None:
        preview.path = path
        _save(session, preview)


def clear(session) -> None:
    """`clear` in the preview's terminal: an empty screen, the network as it is."""
    preview = current(session)
    if preview is not None:
        preview.log = []
        _save(session, preview)


def grade(preview: Preview, *, submission: Any = None) -> Grade:
    """Check the preview: the terminal's network, or the posted ``submission`` of a form kind,
    against the unsaved exercise's goals. Raises SubmissionError for rows that cannot apply."""
    if preview.spec is None:
        raise PreviewError("There is no exercise to check: press Preview first.")
    if preview.kind.terminal:
        net = preview.live_network() or ex.starting_network(preview.spec)
        return ex.grade(preview.spec, network=net)
    try:
        return ex.grade(preview.spec, submission=submission)
    except SubmissionError:
        raise
    except (SimError, KeyError, TypeError, ValueError) as exc:
        raise PreviewError(f"The exercise cannot be checked yet: {exc}") from None
