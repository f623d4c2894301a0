"""Shared helpers for the browser tests: the Herald process, raw HTTP, the separate client, the page."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
PAGE_DIR = REPO / "Sources" / "HeraldPageAssets" / "Page"
# The shortest wait for the page (see TestPage.wait).
WAIT_FLOOR_S = 15.0
CLIENT = HERE / "kuzzle_client.py"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def raw_get(port, path, timeout=5.0):
    """Sends `GET <path>` byte for byte (no client-side normalization), as a browser (`Accept: text/html`:
    `/` is the page, not `server:info`); returns (status, headers, body).

    The status is None when the server closes the connection without answering.
    """
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html,*/*\r\n"
                           "Connection: close\r\n\r\n".encode("latin-1"))
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = connection.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        if not head:
            return None, {}, b""
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "-1"))
        while length < 0 or len(body) < length:
            chunk = connection.recv(65536)
            if not chunk:
                break
            body += chunk
        return status, headers, body


class Herald:
    """One herald process on a free loopback port."""

    def __init__(self, binary, extra_args=(), port=None):
        self.binary = binary
        self.extra_args = list(extra_args)
        self.port = port or free_port()
        self.process = None

    @property
    def http_url(self):
        return f"http://127.0.0.1:{self.port}/"

    @property
    def ws_url(self):
        return f"ws://127.0.0.1:{self.port}/"

    def start(self, timeout=30.0):
        command = [self.binary, "--host", "127.0.0.1", "--port", str(self.port), *self.extra_args]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"herald exited with {self.process.returncode}: {self.process.stderr.read().decode()}")
            try:
                if raw_get(self.port, "/_healthcheck", timeout=0.5)[0] == 200:
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("herald did not answer /_healthcheck in time")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process and self.process.stderr:
            self.process.stderr.close()
        self.process = None


def run_client(ws_url, requests):
    """Runs the separate client process; returns {"sent_at": [...], "responses": [...]}."""
    completed = subprocess.run(
        [sys.executable, str(CLIENT), ws_url, json.dumps(requests)],
        capture_output=True, text=True, timeout=60)
    if completed.returncode != 0:
        raise RuntimeError(f"client failed: {completed.stderr}")
    return json.loads(completed.stdout)


def upsert(index, collection, _id, changes, **options):
    """A document:upsert request frame."""
    return {"controller": "document", "action": "upsert", "index": index, "collection": collection,
            "_id": _id, "body": {"changes": changes}, **options}


def chrome():
    """Headless Chromium from the Debian packages, driven by chromium-driver."""
    binary = shutil.which("chromium")
    driver_binary = shutil.which("chromedriver")
    if not binary or not driver_binary:
        raise RuntimeError("chromium and chromium-driver are missing: run `make setup-browser`")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1440,1280", "--hide-scrollbars", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(executable_path=driver_binary))


class TestPage:
    """The Herald page in the browser, addressed through its data-testid attributes."""

    __test__ = False

    def __init__(self, driver, herald):
        self.driver = driver
        self.herald = herald

    def open(self):
        self.driver.get(self.herald.http_url)
        self.wait(lambda: self.state() == "open", 10, "the page never connected")
        return self

    def wait(self, condition, timeout, message=""):
        """Polls until `condition()` is truthy. `timeout` is what the page needs on an idle machine;
        the wait lasts at least WAIT_FLOOR_S, since Chromium and Herald share two loaded cores in CI
        (a wait only guards against a hang and returns as soon as the condition holds)."""
        limit = max(timeout, WAIT_FLOOR_S)
        return WebDriverWait(self.driver, limit, poll_frequency=0.02).until(lambda _: condition(), message)

    def find(self, testid):
        return self.driver.find_element(By.CSS_SELECTOR, f'[data-testid="{testid}"]')

    def state(self):
        return self.find("conn-state").get_attribute("data-state")

    def type_into(self, testid, text):
        field = self.find(testid)
        field.clear()
        field.send_keys(text)

    def create_collection(self, index, collection):
        self.type_into("index-input", index)
        self.type_into("collection-input", collection)
        self.find("create-collection").click()
        self.wait(lambda: self.find("selected-collection").text == f"{index} / {collection}", 5,
                  "the collection was not selected")

    def subscriptions(self):
        return self.driver.execute_script(
            "return [...document.querySelectorAll('[data-testid=subscription]')].map(n => ({...n.dataset}))")

    def subscribe(self, filter_text, scope="all", users="none"):
        """Submits the subscription form; returns the new subscription's number."""
        before = len(self.subscriptions())
        self.type_into("filter-input", filter_text)
        Select(self.find("scope-select")).select_by_value(scope)
        Select(self.find("users-select")).select_by_value(users)
        self.find("subscribe-button").click()
        self.wait(lambda: len(self.subscriptions()) == before + 1, 5, "no subscription appeared")
        return self.subscriptions()[-1]["number"]

    def subscribe_error(self):
        return self.find("subscribe-error").text

    def notifications(self):
        """Every notification entry, newest first, as its data attributes plus its visible text."""
        return self.driver.execute_script(
            "return [...document.querySelectorAll('[data-testid=notification]')]"
            ".map(n => ({...n.dataset, text: n.querySelector('.line').innerText}))")

    def wait_for_notifications(self, predicate, timeout, message="no such notification"):
        def found():
            matching = [entry for entry in self.notifications() if predicate(entry)]
            return matching or None
        return self.wait(found, timeout, message)

    def console_errors(self):
        return [entry for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]

    def screenshot(self, path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(path))
        return path


def screenshot_path(tmp_path):
    """docs/screenshot.png when HERALD_SCREENSHOT=1, the value itself when it is another path, else a temp file."""
    wanted = os.environ.get("HERALD_SCREENSHOT", "")
    if wanted == "1":
        return REPO / "docs" / "screenshot.png"
    if wanted:
        return Path(wanted)
    return tmp_path / "screenshot.png"
