"""Fixtures for the browser tests: herald from $HERALD_BIN on free ports, and headless Chromium."""

import os

import pytest

from herald_browser_harness import REPO, Herald, TestPage, chrome


@pytest.fixture(scope="session")
def herald_bin():
    binary = os.environ.get("HERALD_BIN") or str(REPO / ".build" / "debug" / "herald")
    if not os.access(binary, os.X_OK):
        pytest.fail(f"no herald binary at {binary}: build it or set HERALD_BIN")
    return binary


@pytest.fixture
def start_herald(herald_bin):
    """Starts herald processes with extra arguments; stops them all after the test."""
    started = []

    def start(*extra_args, port=None):
        herald = Herald(herald_bin, extra_args, port=port).start()
        started.append(herald)
        return herald

    yield start
    for herald in started:
        herald.stop()


@pytest.fixture(scope="module")
def herald(herald_bin):
    server = Herald(herald_bin).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def driver():
    browser = chrome()
    yield browser
    browser.quit()


@pytest.fixture
def page(driver, herald):
    """The page freshly loaded from the module's herald and connected."""
    return TestPage(driver, herald).open()
