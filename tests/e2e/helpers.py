"""What the browser tests of the public site do again and again."""

from __future__ import annotations

from collections.abc import Callable

# Null-safe: a wait that spans a navigation sees a page without the list for a moment.
DONE = "() => +(document.getElementById('risultati')?.dataset.completate || 0) >= {n}"


def searches_done(page) -> int:
    return int(page.get_attribute("#risultati", "data-completate") or 0)


def open_home(page, url: str) -> None:
    """Open the map page and wait for its first search to be answered."""
    page.goto(url)
    page.wait_for_function(DONE.format(n=1), timeout=15_000)


def after_search(page, action: Callable[[], object]) -> None:
    """Do `action` and wait until the search it starts has been answered."""
    before = searches_done(page)
    action()
    page.wait_for_function(DONE.format(n=before + 1), timeout=15_000)


def result_titles(page) -> list[str]:
    return page.locator("#risultati .risultato h3").all_inner_texts()


def serious_violations(page) -> list[dict]:
    """axe-core's serious and critical violations of WCAG 2.1 A/AA (and best practice)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {
                "type": "tag",
                "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
            }
        },
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
