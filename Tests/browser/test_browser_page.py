"""The test page in a real headless Chromium, with writes made by a separate client process."""

import json
import signal
import time
import uuid

import pytest
from selenium.webdriver.common.by import By

from herald_browser_harness import TestPage, run_client, screenshot_path, upsert

INDEX = "browser"
OPEN_FILTER = '{"equals": {"status": "open"}}'


def fresh_collection():
    return f"c-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def subscribed(page):
    """The page with a new collection selected and one subscription to status == open."""
    collection = fresh_collection()
    page.create_collection(INDEX, collection)
    page.subscribe(OPEN_FILTER)
    return page, collection


def test_page_connects_sends_heartbeats_and_runs_under_the_csp(page):
    page.wait(lambda: page.find("heartbeat-rtt").get_attribute("data-rtt-ms"), 5, "no heartbeat reply shown")
    assert float(page.find("heartbeat-rtt").get_attribute("data-rtt-ms")) < 1000
    assert page.find("heartbeat-rtt").text.endswith("ms")
    assert page.find("server-url").text == page.herald.ws_url
    page.wait(lambda: page.find("server-node").text not in ("", "–"), 5, "no node id shown")
    page.driver.find_element(By.ID, "show-heartbeats").click()
    page.wait(lambda: page.driver.find_elements(By.XPATH, '//li[@data-direction="received"]//span[text()=\'{"p":2}\']'),
              5, "no {\"p\":2} frame in the inspector")
    assert page.console_errors() == []


def test_create_collection_creates_and_selects_it(page, herald):
    collection = fresh_collection()
    page.create_collection(INDEX, collection)
    selected = page.find("selected-collection")
    assert (selected.get_attribute("data-index"), selected.get_attribute("data-collection")) == (INDEX, collection)
    exists = run_client(herald.ws_url, [
        {"controller": "collection", "action": "exists", "index": INDEX, "collection": collection}])
    assert exists["responses"][0]["result"] is True
    page.wait(lambda: page.driver.find_elements(
        By.CSS_SELECTOR, f'[data-testid="collection-chip"][data-collection="{collection}"]'), 5, "no chip")


def test_matching_upsert_from_another_client_appears(subscribed, herald):
    page, collection = subscribed
    outcome = run_client(herald.ws_url, [upsert(INDEX, collection, "doc-1", {"status": "open", "qty": 3})])
    assert outcome["responses"][0]["error"] is None
    [entry] = page.wait_for_notifications(lambda n: n["id"] == "doc-1", 1, "the notification did not appear")
    assert (entry["action"], entry["scope"], entry["own"]) == ("create", "in", "false")
    # The page shows a latency; its value depends on the machine's load, so only its sense is checked.
    assert 0 <= float(entry["latencyMs"]) < (time.time() - outcome["sent_at"][0]) * 1000 + 1000
    assert "new: status, qty" in entry["text"]

    run_client(herald.ws_url, [upsert(INDEX, collection, "doc-1", {"qty": 4})])
    [update] = page.wait_for_notifications(lambda n: n["action"] == "update", 1,
                                           "the update notification did not appear")
    assert "qty" in update["text"]
    assert [n["action"] for n in page.notifications()] == ["update", "create"]
    assert page.find("notification-count").text == "2"


def test_silent_upsert_makes_no_entry(subscribed, herald):
    page, collection = subscribed
    run_client(herald.ws_url, [
        upsert(INDEX, collection, "silent-doc", {"status": "open"}, silent=True),
        upsert(INDEX, collection, "marker", {"status": "open"}),
    ])
    # Notifications keep their order on one connection: once the marker is shown, any
    # notification for the silent write would already be there.
    page.wait_for_notifications(lambda n: n["id"] == "marker", 2)
    assert [n["id"] for n in page.notifications()] == ["marker"]


def test_non_matching_upsert_makes_no_entry(subscribed, herald):
    page, collection = subscribed
    run_client(herald.ws_url, [
        upsert(INDEX, collection, "closed-doc", {"status": "closed"}),
        upsert(INDEX, collection, "marker", {"status": "open"}),
    ])
    page.wait_for_notifications(lambda n: n["id"] == "marker", 2)
    assert [n["id"] for n in page.notifications()] == ["marker"]


@pytest.mark.parametrize("bad_filter", [
    {"equals": {"status": "open"}, "exists": "qty"},
    {"nonsense": {"status": "open"}},
    {"range": {"qty": {"gt": 10, "lt": 1}}},
])
def test_invalid_filter_shows_the_server_error(page, herald, bad_filter):
    collection = fresh_collection()
    page.create_collection(INDEX, collection)
    reply = run_client(herald.ws_url, [{"controller": "realtime", "action": "subscribe", "index": INDEX,
                                        "collection": collection, "body": bad_filter}])["responses"][0]
    assert reply["error"]["id"] == "api.assert.koncorde_dsl_error"
    page.type_into("filter-input", json.dumps(bad_filter))
    page.find("subscribe-button").click()
    page.wait(lambda: page.subscribe_error(), 5, "no error shown")
    assert page.find("subscribe-error-message").text == reply["error"]["message"]
    assert "api.assert.koncorde_dsl_error" in page.subscribe_error()
    assert page.subscriptions() == []


def test_filter_that_is_not_json_is_reported_without_a_request(page):
    page.create_collection(INDEX, fresh_collection())
    page.type_into("filter-input", "{equals")
    page.find("subscribe-button").click()
    page.wait(lambda: page.subscribe_error(), 5, "no error shown")
    assert page.subscribe_error().startswith("The filter is not valid JSON")


def test_upsert_form_shows_result_and_times_own_notification(subscribed, herald):
    page, collection = subscribed
    page.type_into("upsert-id", "form-doc")
    page.type_into("upsert-changes", '{"status": "open", "qty": 7}')
    page.type_into("upsert-defaults", '{"createdBy": "form"}')
    page.type_into("upsert-retry", "2")
    clicked = time.time()
    page.find("upsert-send").click()
    page.wait(lambda: page.find("upsert-result").get_attribute("data-outcome") == "ok", 5, "no upsert result")
    assert page.find("upsert-headline").text == 'Created "form-doc", version 1'
    body = json.loads(page.find("upsert-body").text)
    assert body["_source"]["createdBy"] == "form" and body["_source"]["qty"] == 7
    [entry] = page.wait_for_notifications(lambda n: n["id"] == "form-doc", 1)
    assert entry["own"] == "true"
    assert 0 <= float(entry["latencyMs"]) < (time.time() - clicked) * 1000 + 1000
    assert "own write" in entry["text"]

    get = run_client(herald.ws_url, [{"controller": "document", "action": "get", "index": INDEX,
                                      "collection": collection, "_id": "form-doc"}])
    assert get["responses"][0]["result"]["_source"]["createdBy"] == "form"


def test_upsert_form_options_reach_the_server(subscribed):
    page, _ = subscribed
    page.type_into("upsert-id", "quiet")
    page.type_into("upsert-changes", '{"status": "open"}')
    page.type_into("upsert-defaults", "")
    page.find("upsert-source").click()
    page.find("upsert-silent").click()
    page.find("upsert-refresh").send_keys("wait_for")
    page.find("upsert-send").click()
    page.wait(lambda: page.find("upsert-result").get_attribute("data-outcome") == "ok", 5, "no upsert result")
    assert "_source" not in json.loads(page.find("upsert-body").text)
    sent = page.driver.execute_script(
        "return [...document.querySelectorAll('[data-direction=sent] .text')].map(n => n.textContent)")
    frame = next(json.loads(text) for text in sent if '"upsert"' in text)
    assert (frame["source"], frame["silent"], frame["refresh"], frame["retryOnConflict"]) == (False, True, "wait_for", 0)
    assert "default" not in frame["body"]
    time.sleep(0.3)
    assert page.notifications() == []


def test_upsert_error_is_shown_with_the_server_message(subscribed, herald):
    page, collection = subscribed
    page.type_into("upsert-changes", "[1, 2]")
    page.find("upsert-send").click()
    page.wait(lambda: page.find("upsert-result").get_attribute("data-outcome") == "error", 5, "no error shown")
    reply = run_client(herald.ws_url, [upsert(INDEX, collection, "x", [1, 2])])["responses"][0]
    assert page.find("upsert-headline").text == reply["error"]["message"]
    assert reply["error"]["id"] in page.find("upsert-detail").text


def test_several_subscriptions_each_with_its_own_unsubscribe(subscribed, herald):
    page, collection = subscribed
    second = page.subscribe('{"range": {"qty": {"gte": 5}}}')
    run_client(herald.ws_url, [upsert(INDEX, collection, "both", {"status": "open", "qty": 9})])
    page.wait_for_notifications(lambda n: n["id"] == "both", 2)
    page.wait(lambda: len(page.notifications()) == 2, 2, "expected one entry per subscription")
    assert sorted(n["subscription"] for n in page.notifications()) == sorted(["1", second])

    first = page.driver.find_element(By.CSS_SELECTOR, '[data-testid="subscription"][data-number="1"]')
    first.find_element(By.CSS_SELECTOR, '[data-testid="unsubscribe-button"]').click()
    page.wait(lambda: [s["number"] for s in page.subscriptions()] == [second], 5, "subscription #1 not removed")
    run_client(herald.ws_url, [upsert(INDEX, collection, "both", {"qty": 10})])
    page.wait_for_notifications(lambda n: n["action"] == "update", 2)
    time.sleep(0.2)
    newest, *older = page.notifications()
    assert (newest["action"], newest["subscription"]) == ("update", second)
    assert [n["action"] for n in older] == ["create", "create"]


def test_scope_out_only_reports_documents_leaving_the_filter(page, herald):
    collection = fresh_collection()
    page.create_collection(INDEX, collection)
    page.subscribe(OPEN_FILTER, scope="out")
    run_client(herald.ws_url, [
        upsert(INDEX, collection, "leaving", {"status": "open"}),
        upsert(INDEX, collection, "leaving", {"status": "closed"}),
    ])
    [entry] = page.wait_for_notifications(lambda n: n["id"] == "leaving", 2)
    assert (entry["action"], entry["scope"]) == ("update", "out")
    assert len(page.notifications()) == 1


def test_users_option_shows_user_notifications(page, herald):
    collection = fresh_collection()
    page.create_collection(INDEX, collection)
    page.subscribe(OPEN_FILTER, users="all")
    run_client(herald.ws_url, [{"controller": "realtime", "action": "subscribe", "index": INDEX,
                                "collection": collection, "body": {"equals": {"status": "open"}}}])
    page.wait(lambda: [n["action"] for n in page.notifications() if n["type"] == "user"]
              == ["unsubscribe", "subscribe"], 3, "no user in/out notifications")
    assert "user out" in page.notifications()[0]["text"]


def test_notification_list_is_bounded(subscribed, herald):
    page, collection = subscribed
    writes = [upsert(INDEX, collection, f"bulk-{n}", {"status": "open"}) for n in range(210)]
    run_client(herald.ws_url, writes)
    page.wait(lambda: page.find("notification-count").text == "210", 10, "not every notification counted")
    ids = [n["id"] for n in page.notifications()]
    assert len(ids) == 200
    assert ids[0] == "bulk-209" and ids[-1] == "bulk-10"
    assert len(page.driver.find_elements(By.CSS_SELECTOR, '[data-testid="frame"]')) <= 300


def test_raw_frame_expands(subscribed, herald):
    page, collection = subscribed
    run_client(herald.ws_url, [upsert(INDEX, collection, "raw", {"status": "open"})])
    page.wait_for_notifications(lambda n: n["id"] == "raw", 2)
    entry = page.driver.find_element(By.CSS_SELECTOR, '[data-testid="notification"]')
    entry.find_element(By.TAG_NAME, "summary").click()
    raw = json.loads(entry.find_element(By.TAG_NAME, "pre").text)
    assert raw["result"]["_id"] == "raw" and raw["room"] == page.subscriptions()[0]["channel"]


def test_reconnects_with_backoff_and_restores_subscriptions(driver, start_herald):
    server = start_herald()
    page = TestPage(driver, server).open()
    collection = fresh_collection()
    page.create_collection(INDEX, collection)
    page.subscribe(OPEN_FILTER)
    server.stop()
    page.wait(lambda: page.state() == "reconnecting", 5, "the page did not notice the server left")
    server = start_herald(port=server.port)
    page.wait(lambda: page.state() == "open", 15, "the page did not reconnect")
    page.wait(lambda: page.subscribe_error() == "" and run_client(server.ws_url, [
        {"controller": "realtime", "action": "list"}])["responses"][0]["result"], 5, "subscription not restored")
    run_client(server.ws_url, [
        {"controller": "collection", "action": "create", "index": INDEX, "collection": collection},
        upsert(INDEX, collection, "after-restart", {"status": "open"}),
    ])
    page.wait_for_notifications(lambda n: n["id"] == "after-restart", 2)


def test_screenshot_with_live_notifications(page, herald, tmp_path):
    collection = "orders"
    page.create_collection("shop", collection)
    page.subscribe(OPEN_FILTER)
    page.subscribe('{"range": {"qty": {"gte": 5}}}', scope="all", users="all")
    run_client(herald.ws_url, [
        upsert("shop", collection, "order-1", {"status": "open", "qty": 2}, default={"customer": "ada"}),
        upsert("shop", collection, "order-2", {"status": "open", "qty": 8}),
        upsert("shop", collection, "order-1", {"qty": 6}),
        upsert("shop", collection, "order-3", {"status": "closed", "qty": 1}),
        upsert("shop", collection, "order-2", {"status": "closed"}),
    ])
    page.type_into("upsert-id", "order-4")
    page.type_into("upsert-changes", '{"status": "open", "qty": 12}')
    page.find("upsert-send").click()
    page.wait(lambda: len(page.notifications()) >= 8, 3, "notifications missing")
    assert {n["action"] for n in page.notifications()} >= {"create", "update"}
    size = page.driver.get_window_size()
    page.driver.set_window_size(1440, 1640)
    try:
        time.sleep(1.5)  # let the arrival highlight fade
        path = page.screenshot(screenshot_path(tmp_path))
    finally:
        page.driver.set_window_size(size["width"], size["height"])
    assert path.stat().st_size > 10_000


def test_unanswered_heartbeats_make_the_page_reconnect(driver, start_herald):
    server = start_herald()
    page = TestPage(driver, server).open()
    server.process.send_signal(signal.SIGSTOP)
    try:
        page.wait(lambda: page.state() != "open", 12, "a silent server was not noticed")
    finally:
        server.process.send_signal(signal.SIGCONT)
    page.wait(lambda: page.state() == "open", 15, "the page did not reconnect")
    page.wait(lambda: page.find("heartbeat-rtt").get_attribute("data-rtt-ms"), 5, "no heartbeat after reconnecting")
