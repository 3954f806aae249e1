"""Browser tests: Playwright for Python driving Debian's Chromium (never a downloaded one)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.management import call_command

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
    """Pages in their own browser contexts (window size, locale, geolocation...), closed after."""
    contexts = []

    def make(**options):
        context = browser.new_context(**{"locale": "it-IT", **options})
        contexts.append(context)
        page = context.new_page()
        # No tile server is reachable here: fail tile requests at once, as a closed network
        # would.
        page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
        return page

    yield make
    for context in contexts:
        context.close()


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
