"""Django's PostgreSQL backend, whose connection health check skips connections in steady use.

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first query of every request,
so that a connection the server dropped while it sat idle (a restart, an idle timeout) is
replaced instead of failing the request. Under load that is one round trip in three of a
terminal command. A connection that served a request without error less than
``DB_HEALTH_CHECK_GRACE`` seconds ago (settings; 0: always check) is not checked again: the
check exists for connections that sat idle, and such a connection has not. The price: a server
that goes away within that second fails the next request on the connection (a 503, see
netlearn/middleware.py) instead of that request reconnecting; Django then closes the
connection, and the request after it connects afresh.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    # time.monotonic() when this connection was last known to work
    used_at: float = float("-inf")

    def close_if_unusable_or_obsolete(self) -> None:
        # Called as each request starts and ends; ``health_check_done`` is True here only when
        # the request just ending used the connection (Django clears it at each call).
        served = self.connection is not None and self.health_check_done
        served = served and not self.errors_occurred
        super().close_if_unusable_or_obsolete()
        # Known to work now: it served the request without error, or (after an error) Django
        # just checked it (``health_check_done`` is then set again).
        if self.connection is not None and (served or self.health_check_done):
            self.used_at = time.monotonic()

    def close_if_health_check_failed(self) -> None:
        grace = getattr(settings, "DB_HEALTH_CHECK_GRACE", 0)
        if (
            self.connection is not None
            and not self.health_check_done
            and time.monotonic() - self.used_at < grace
        ):
            self.health_check_done = True  # in steady use: presumed alive
            return
        super().close_if_health_check_failed()
