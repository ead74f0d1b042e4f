"""Shared test fixtures: golden files refreshed with ``pytest --update-golden``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

# The red-team helpers (tests/security/redteam.py) serve tests elsewhere too: importable by name.
sys.path.insert(0, str(Path(__file__).parent / "security"))
# ... and so is the hostile suite's fork server (tests/hostile/hostile_support.py), for commands run together.
sys.path.insert(0, str(Path(__file__).parent / "hostile"))

TESTDATA = Path(__file__).parent / "testdata"


# The longest modules (a real build, a browser or a real process in most tests) go to the workers first,
# longest first, measured (test_transaction_sigkill.py, one test of a dozen builds, first of all, so it never
# runs alone at the end): pytest-xdist hands out whole files in collection order (--dist loadfile, with
# --no-loadscope-reorder in scripts/test.sh; by default it would order files by their number of tests), so
# one of these collected last would keep one core busy while the other sits idle at the end. Every other
# module is short and follows in the usual order.
LONGEST_FIRST = (
    "security/test_transaction_sigkill.py",
    "security/test_transaction.py",
    "test_archive.py",
    "hostile/test_hostile_properties.py",
    "hostile/test_hostile.py",
    "test_serve.py",
    "test_screens.py",
    "test_approve_concurrent.py",
    "test_cache.py",
    "test_engine.py",
    "test_status_browser.py",
    "test_publish_changes.py",
    "test_frozen.py",
    "security/test_browser_inert.py",
    "test_publish.py",
    "test_browser.py",
    "security/test_approval_coverage.py",
    "test_faults.py",
    "test_gate.py",
    "security/test_injection.py",
    "test_checks.py",
    "security/test_leak_scan.py",
    "test_approve_pending.py",
    "test_scenarios.py",
    "security/test_assets.py",
    "test_generate.py",
    "test_review.py",
    "test_write.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent

    def rank(item: pytest.Item) -> int:
        name = item.path.relative_to(here).as_posix() if item.path.is_relative_to(here) else ""
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: within a module, and for every other module, the order stays


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files with the current output")


class Golden:
    """Compare text with a committed golden file, or rewrite it under --update-golden."""

    def __init__(self, update: bool):
        self.update = update

    def check(self, path: Path, actual: str) -> None:
        if self.update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            return
        assert path.exists(), f"golden file {path} is missing: run pytest --update-golden"
        expected = path.read_text(encoding="utf-8")
        assert actual == expected, f"output differs from {path} (pytest --update-golden refreshes it)"


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    return Golden(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Drive Debian's chromium, never a downloaded browser; a missing chromium fails, it does not skip."""
    import os
    import shutil

    executable = os.environ.get("CRISISKIT_CHROMIUM") or shutil.which("chromium")
    assert executable, "Debian's chromium is not installed (scripts/test.sh installs it: apt-get install chromium)"
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


# Browser tests: one page per module, handed to each test blank, as a new page would be (tests/browser_pages.py).
# A module whose page needs more (requests answered from disk, an init script) defines its own ``tab``.


@pytest.fixture(scope="module")
def tab(browser: Browser, browser_context_args: dict) -> Iterator[Page]:
    """One page for the module, in a context with pytest-playwright's settings."""
    from browser_pages import opened

    with opened(browser, **browser_context_args) as page:
        yield page


@pytest.fixture
def page(tab: Page) -> Iterator[Page]:
    """The module's page, blank, for one test (pytest-playwright's own is a new context and renderer per test)."""
    from browser_pages import fresh

    with fresh(tab) as page:
        yield page
