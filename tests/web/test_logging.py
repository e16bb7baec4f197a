"""LOG_FORMAT=json: one JSON object per log line on stdout."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from netlearn.logging import JsonFormatter

ROOT = Path(__file__).resolve().parents[2]


def _record(**extra):
    record = logging.LogRecord(
        "netlearn.test", logging.WARNING, __file__, 1, "hello %s", ("ada",), None
    )
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_a_record_becomes_one_json_line_with_its_extra_fields():
    line = JsonFormatter().format(_record(status_code=503))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "netlearn.test"
    assert entry["message"] == "hello ada"
    assert entry["status_code"] == 503
    assert entry["time"].endswith("+00:00")


def test_an_exception_is_kept_in_the_same_line():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = _record()
        record.exc_info = sys.exc_info()
    entry = json.loads(JsonFormatter().format(record))
    assert "RuntimeError: boom" in entry["exc_info"]


LOG_ONE = (
    "import django, logging; django.setup(); "
    "logging.getLogger('netlearn.probe').warning('probe %d', 7)"
)


def _run_with(log_format):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DEBUG="1", LOG_FORMAT=log_format, DJANGO_SETTINGS_MODULE="netlearn.settings")
    return subprocess.run(
        [sys.executable, "-c", LOG_ONE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_log_format_json_logs_json_to_stdout():
    result = _run_with("json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert "probe 7" not in result.stderr
    assert {"level": "WARNING", "logger": "netlearn.probe", "message": "probe 7"}.items() <= (
        lines[-1].items()
    )


def test_an_unknown_log_format_is_refused_at_start():
    result = _run_with("xml")
    assert result.returncode != 0
    assert "LOG_FORMAT must be 'plain' or 'json'" in result.stderr


def test_management_commands_keep_stdout_for_their_data(tmp_path):
    """Logs share stdout, so nothing may log at start-up: `dumpdata > backup.json` stays JSON."""
    env = dict(os.environ, DEBUG="1", DJANGO_SETTINGS_MODULE="netlearn.settings")
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    for command in (["migrate", "--noinput", "-v0"], ["dumpdata", "contenttypes"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["model"] == "contenttypes.contenttype"
