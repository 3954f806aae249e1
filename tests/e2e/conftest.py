"""Browser tests: Playwright for Python driving Debian's Chromium (never a downloaded one)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Figures the browser tests measure, printed at the end of the run (never asserted).
MISURE = pytest.StashKey[list[str]]()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    lines = config.stash.get(MISURE, [])
    if lines:
        terminalreporter.section("misure (browser)")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture
def misura(request):
    """Report a measured figure in the run's summary."""

    def report(line: str) -> None:
        request.config.stash.setdefault(MISURE, []).append(line)
        print(line)

    return report


ARTIFACTS = Path(__file__).resolve().parents[2] / ".artifacts"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread; the ORM calls
    # the tests make there are plain synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-quic",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def new_page(browser):
    """Pages in their own browser contexts (window size, locale, geolocation...), closed
    after their requests have ended."""
    contexts = []

    def make(**options):
        context = browser.new_context(**{"locale": "it-IT", **options})
        in_flight = set()
        context.on("request", lambda request: in_flight.add(request))
        context.on("requestfinished", lambda request: in_flight.discard(request))
        context.on("requestfailed", lambda request: in_flight.discard(request))
        contexts.append((context, in_flight))
        page = context.new_page()
        # No tile server is reachable here: fail tile requests at once, as a closed network
        # would.
        page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
        return page

    yield make
    for context, in_flight in contexts:
        _let_requests_end(context, in_flight)
        context.close()


def _let_requests_end(context, in_flight: set, seconds: float = 10.0) -> None:
    """Wait until the requests of the context's open pages have been answered. One
    still running on the live server when the test's data was flushed deadlocked the
    flush (the map page's list of Comuni, asked for after its first search). A closed
    page's requests give no event any more: they are not waited for."""
    deadline = time.monotonic() + seconds
    while any(map(_of_an_open_page, in_flight)) and time.monotonic() < deadline:
        context.pages[0].wait_for_timeout(20)  # Playwright delivers its events meanwhile


def _of_an_open_page(request) -> bool:
    try:
        return not request.frame.page.is_closed()
    except PlaywrightError:  # no frame: a worker's request
        return False


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def territorio_live(transactional_db):
    """The territory in a committed state a live server can see (reloaded after flushes)."""
    call_command("load_initial_data", senza_demo=True, verbosity=0)


@pytest.fixture
def catalogo_demo(territorio_live):
    """The demo catalogue of `make run`, committed and indexed for the search."""
    call_command("load_demo_data", verbosity=0)


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
