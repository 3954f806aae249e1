"""GeoDjango's PostGIS backend, whose health check before reusing a connection asks the
socket instead of the server.

With CONN_HEALTH_CHECKS, Django sends `SELECT 1` before the first statement of every
request that reuses a connection: one round trip to the server per request, paid by
the cheapest searches too (their whole SQL is a few of them). A connection the server
has ended (a restart, `pg_terminate_backend`, `idle_session_timeout`, a crash) has
had its last message sent and its socket closed: the socket reads ready. A live
connection between two requests has nothing to read. So the check looks at the socket
without waiting; only when something is there (the server's goodbye, or rarely a
notice) does it ask the server, with Django's own `SELECT 1`. What it cannot see, a
network that silently dropped a remote server, `SELECT 1` would only see after the TCP
timeout too.

After an error inside a request (`errors_occurred`), Django's own check, `SELECT 1`,
still decides whether the connection is kept.
"""

from __future__ import annotations

import select

import psycopg
from django.contrib.gis.db.backends.postgis.base import DatabaseWrapper as PostGISDatabaseWrapper
from psycopg import pq


class DatabaseWrapper(PostGISDatabaseWrapper):
    def close_if_health_check_failed(self) -> None:
        if (
            self.pool
            or self.connection is None
            or not self.health_check_enabled
            or self.health_check_done
        ):
            return super().close_if_health_check_failed()
        if not self.server_kept_connection():
            self.close()
        self.health_check_done = True

    def server_kept_connection(self) -> bool:
        """Whether the connection is open and idle, as far as can be told without asking
        the server anything."""
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        pgconn = connection.pgconn
        if pgconn.transaction_status != pq.TransactionStatus.IDLE:
            return False
        poller = select.poll()
        try:
            poller.register(pgconn.socket, select.POLLIN)
        except (OSError, psycopg.OperationalError):
            return False
        if poller.poll(0):
            return self.is_usable()
        return pgconn.status == pq.ConnStatus.OK
