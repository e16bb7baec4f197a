"""A JSON log formatter for stdout (``LOG_FORMAT=json``): one object per line for a collector."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

# LogRecord attributes that are the record's own machinery, not `extra=` fields worth keeping.
_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request", "server_time"}


class JsonFormatter(logging.Formatter):
    """Formats a record as ``{"time", "level", "logger", "message", ...extra, "exc_info"?}``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            entry["method"] = getattr(request, "method", None)
            entry["path"] = request.path
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
