"""The database backend's health check: a connection is reused between requests without
a round trip to the server, and one the server has ended is replaced before it is used."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.db import connection, connections

pytestmark = pytest.mark.django_db


@pytest.fixture
def other() -> Iterator:
    """A second connection to the test database, as a worker process holds one."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def _terminate(wrapper) -> None:
    """Ends the other connection's server process, as a restart or an administrator
    would, and waits until it has gone."""
    pid = wrapper.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(100):
            # The test's transaction would otherwise see the activity it first read.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)
    pytest.fail(f"server process {pid} still there after 5 s")


def _new_request(wrapper) -> None:
    """What Django does to a connection kept between two requests."""
    wrapper.close_if_unusable_or_obsolete()
    wrapper.close_if_health_check_failed()


def test_the_project_runs_with_health_checks_on(other):
    assert other.health_check_enabled
    assert other.settings_dict["ENGINE"] == "marketplace.database"


def test_a_live_connection_is_reused_without_asking_the_server(other):
    kept = other.connection

    def no_round_trip():
        pytest.fail("the health check asked the server")

    other.is_usable = no_round_trip
    _new_request(other)
    assert other.connection is kept
    with other.cursor() as cursor:
        cursor.execute("SELECT 41 + 1")
        assert cursor.fetchone() == (42,)


def test_a_connection_the_server_ended_is_replaced_before_the_request_uses_it(other):
    ended = other.connection
    _terminate(other)

    _new_request(other)

    assert other.connection is None  # closed by the check, not by a failing statement
    with other.cursor() as cursor:
        cursor.execute("SELECT 41 + 1")
        assert cursor.fetchone() == (42,)
    assert other.connection is not ended


def test_the_check_reads_the_socket_only(other):
    assert other.server_kept_connection()
    _terminate(other)
    assert not other.server_kept_connection()
    other.close()
    assert not other.server_kept_connection()
