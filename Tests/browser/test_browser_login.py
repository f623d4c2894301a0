"""The test page's login box against a secured Herald, in headless Chromium (issue 13)."""

from herald_browser_harness import TestPage, run_client

ADMIN = {"username": "ada", "password": "correct horse"}


def secure(server):
    """createFirstAdmin with reset: anonymous may no longer create collections."""
    run_client(server.ws_url, [{"controller": "security", "action": "createFirstAdmin", "_id": "ada", "reset": True,
                                "body": {"content": {}, "credentials": {"local": ADMIN}}}])


def log_in(page, username, password):
    page.type_into("login-username", username)
    page.type_into("login-password", password)
    page.find("login-button").click()


def test_login_box_logs_in_and_the_page_works_on_a_secured_server(driver, start_herald):
    server = start_herald()
    secure(server)
    page = TestPage(driver, server).open()
    assert page.find("login-state").text == "anonymous"
    log_in(page, ADMIN["username"], "wrong")
    page.wait(lambda: page.find("login-message").text == "wrong username or password", 5, "no login error shown")
    assert page.find("login-state").get_attribute("data-state") == "anonymous"
    log_in(page, ADMIN["username"], ADMIN["password"])
    page.wait(lambda: page.find("login-state").text == "ada", 5, "the page did not log in")
    assert page.find("login-password").get_attribute("value") == ""
    page.create_collection("secured", "c1")
    exists = run_client(server.ws_url, [{"controller": "collection", "action": "exists", "index": "secured",
                                         "collection": "c1"}])
    # Anonymous may not even ask; the page's own request went through with the admin's token.
    assert exists["responses"][0]["error"]["id"] == "security.rights.unauthorized"
    page.subscribe("{}")
    assert page.subscribe_error() == ""
    page.find("logout-button").click()
    page.wait(lambda: page.find("login-state").text == "anonymous", 5, "the page did not log out")
    assert page.console_errors() == []
