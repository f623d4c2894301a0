"""security:* and auth:* actions over WebSocket: Kuzzle's shapes and every error they raise (issue 13)."""

from __future__ import annotations

from typing import Any

import pytest

from http_api import HttpApi
from kuzzle_client import KuzzleClient, assert_error, assert_ok, uniq

PASSWORD = "pw-admin-1"


@pytest.fixture(scope="module")
def api(start_server) -> Any:
    return start_server("--login-attempts-per-minute", "0", name="security-api")


async def admin(c: KuzzleClient) -> str:
    exists = await c.query("server", "adminExists")
    if exists.get("error") is None and not exists["result"]["exists"]:
        assert_ok(await c.query("security", "createFirstAdmin", _id="root", reset=True, body={
            "content": {}, "credentials": {"local": {"username": "root", "password": PASSWORD}}}))
    return assert_ok(await login(c, "root", PASSWORD))["jwt"]


async def login(c: KuzzleClient, username: str, password: str, **fields: Any) -> dict[str, Any]:
    return await c.query("auth", "login", strategy="local", body={"username": username, "password": password},
                         **fields)


async def test_roles(api) -> None:
    async with KuzzleClient(api.url) as c:
        jwt = await admin(c)
        role = uniq("role")
        body = {"controllers": {"document": {"actions": {"get": True}}}}
        created = await c.ok("security", "createRole", _id=role, body=body, jwt=jwt)
        assert created["_id"] == role and created["_source"]["controllers"] == body["controllers"]
        assert_error(await c.query("security", "createRole", _id=role, body=body, jwt=jwt),
                     "services.storage.document_already_exists")
        await c.ok("security", "createOrReplaceRole", _id=role, jwt=jwt,
                   body={"controllers": {"document": {"actions": {"get": True, "search": True}}}})
        updated = await c.ok("security", "updateRole", _id=role, jwt=jwt,
                             body={"controllers": {"server": {"actions": {"now": True}}}})
        assert updated["_source"]["controllers"] == {"server": {"actions": {"now": True}}}
        got = await c.ok("security", "getRole", _id=role, jwt=jwt)
        assert got["_source"]["controllers"] == {"server": {"actions": {"now": True}}}
        assert "_kuzzle_info" in got["_source"]
        found = await c.ok("security", "searchRoles", body={"controllers": ["server"]}, size=100, jwt=jwt)
        assert role in [h["_id"] for h in found["hits"]] and found["total"] >= 1
        mget = await c.ok("security", "mGetRoles", body={"ids": [role, "nope"]}, jwt=jwt)
        assert [h["_id"] for h in mget["hits"]] == [role]
        assert_error(await c.query("security", "getRole", _id="nope", jwt=jwt), "security.role.not_found", "nope")
        assert_error(await c.query("security", "createRole", _id=uniq("r"), body={"controllers": "x"}, jwt=jwt),
                     "api.assert.invalid_type")
        assert_error(await c.query("security", "createRole", _id=uniq("r"), jwt=jwt,
                                   body={"controllers": {"document": {"actions": {"get": 1}}}}),
                     "api.assert.invalid_type", "document.actions.get", "boolean")
        assert_error(await c.query("security", "updateRole", _id="anonymous", jwt=jwt,
                                   body={"controllers": {"server": {"actions": {"now": True}}}}),
                     "security.role.login_required")
        assert_error(await c.query("security", "deleteRole", _id="default", jwt=jwt), "security.role.cannot_delete")
        profile = uniq("profile")
        await c.ok("security", "createProfile", _id=profile, body={"policies": [{"roleId": role}]}, jwt=jwt)
        assert_error(await c.query("security", "deleteRole", _id=role, jwt=jwt), "security.role.in_use", role)
        await c.ok("security", "deleteProfile", _id=profile, jwt=jwt)
        assert await c.ok("security", "deleteRole", _id=role, jwt=jwt) == {"_id": role}


async def test_profiles(api) -> None:
    async with KuzzleClient(api.url) as c:
        jwt = await admin(c)
        role, profile = uniq("role"), uniq("profile")
        await c.ok("security", "createRole", _id=role, body={"controllers": {"*": {"actions": {"get": True}}}}, jwt=jwt)
        assert_error(await c.query("security", "createProfile", _id=profile, body={"policies": [{"roleId": "ghost"}]},
                                   jwt=jwt), "security.role.not_found", "ghost")
        assert_error(await c.query("security", "createProfile", _id=profile, body={"policies": []}, jwt=jwt),
                     "api.assert.empty_argument")
        policies = [{"roleId": role, "restrictedTo": [{"index": "i1", "collections": ["a"]}]}]
        created = await c.ok("security", "createProfile", _id=profile, body={"policies": policies}, jwt=jwt)
        assert created["_source"]["policies"] == policies
        await c.ok("security", "updateProfile", _id=profile, body={"rateLimit": 5}, jwt=jwt)
        got = await c.ok("security", "getProfile", _id=profile, jwt=jwt)
        assert got["_source"]["rateLimit"] == 5 and got["_source"]["policies"] == policies
        await c.ok("security", "createOrReplaceProfile", _id=profile, body={"policies": [{"roleId": role}]}, jwt=jwt)
        found = await c.ok("security", "searchProfiles", body={"roles": [role]}, jwt=jwt)
        assert [h["_id"] for h in found["hits"]] == [profile]
        rights = await c.ok("security", "getProfileRights", _id=profile, jwt=jwt)
        assert rights["hits"] == [{"controller": "*", "action": "get", "index": "*", "collection": "*",
                                   "value": "allowed"}] and rights["total"] == 1
        assert (await c.ok("security", "mGetProfiles", body={"ids": [profile]}, jwt=jwt))["hits"][0]["_id"] == profile
        assert_error(await c.query("security", "getProfile", _id="nope", jwt=jwt), "security.profile.not_found", "nope")
        assert_error(await c.query("security", "deleteProfile", _id="admin", jwt=jwt), "security.profile.cannot_delete")
        user = uniq("user")
        await c.ok("security", "createUser", _id=user, body={"content": {"profileIds": [profile]}}, jwt=jwt)
        assert_error(await c.query("security", "deleteProfile", _id=profile, jwt=jwt), "security.profile.in_use",
                     profile)
        await c.ok("security", "deleteUser", _id=user, jwt=jwt)
        assert await c.ok("security", "deleteProfile", _id=profile, jwt=jwt) == {"_id": profile}


async def test_users_and_credentials(api) -> None:
    async with KuzzleClient(api.url) as c:
        jwt = await admin(c)
        user = uniq("user")
        creds = {"username": user, "password": "pw1"}
        created = await c.ok("security", "createUser", _id=user, jwt=jwt, body={
            "content": {"profileIds": ["default"], "name": "U"}, "credentials": {"local": creds}})
        assert created["_source"]["name"] == "U" and created["_source"]["profileIds"] == ["default"]
        assert_error(await c.query("security", "createUser", _id=user, body={"content": {"profileIds": ["default"]}},
                                   jwt=jwt), "security.user.already_exists", user)
        assert_error(await c.query("security", "createUser", body={"content": {"profileIds": ["ghost"]}}, jwt=jwt),
                     "security.profile.not_found", "ghost")
        assert_error(await c.query("security", "createUser", body={"content": {"profileIds": ["default"]},
                                                                    "credentials": {"oauth": {}}}, jwt=jwt),
                     "security.credentials.unknown_strategy", "oauth")
        assert_error(await c.query("security", "createUser", jwt=jwt, body={
            "content": {"profileIds": ["default"]}, "credentials": {"local": {"username": user, "password": "x"}}}),
            "security.credentials.rejected")
        restricted = await c.ok("security", "createRestrictedUser", body={"content": {"a": 1}}, jwt=jwt)
        assert restricted["_source"]["profileIds"] == ["default"] and len(restricted["_id"]) == 20
        assert_error(await c.query("security", "createRestrictedUser",
                                   body={"content": {"profileIds": ["admin"]}}, jwt=jwt),
                     "api.assert.forbidden_argument", "body.content.profileIds")
        await c.ok("security", "updateUser", _id=user, body={"age": 3}, jwt=jwt)
        got = await c.ok("security", "getUser", _id=user, jwt=jwt)
        assert got["_source"]["age"] == 3 and got["_source"]["name"] == "U"
        await c.ok("security", "replaceUser", _id=user, body={"profileIds": ["default"], "only": True}, jwt=jwt)
        got = await c.ok("security", "getUser", _id=user, jwt=jwt)
        assert "name" not in got["_source"] and got["_source"]["only"] is True
        assert_error(await c.query("security", "getUser", _id="nobody", jwt=jwt), "security.user.not_found", "nobody")
        found = await c.ok("security", "searchUsers", body={"query": {"ids": {"values": [user]}}}, jwt=jwt)
        assert [h["_id"] for h in found["hits"]] == [user] and found["total"] == 1
        assert [h["_id"] for h in (await c.ok("security", "mGetUsers", body={"ids": [user]}, jwt=jwt))["hits"]] == [user]
        rights = await c.ok("security", "getUserRights", _id=user, jwt=jwt)
        assert {"controller": "auth", "action": "logout", "index": "*", "collection": "*", "value": "allowed"} \
            in rights["hits"]

        # credentials
        assert await c.ok("security", "hasCredentials", strategy="local", _id=user, jwt=jwt) is True
        assert await c.ok("security", "getCredentials", strategy="local", _id=user, jwt=jwt) == \
            {"kuid": user, "username": user}
        assert_error(await c.query("security", "createCredentials", strategy="local", _id=user, body=creds, jwt=jwt),
                     "security.credentials.rejected")
        assert await c.ok("security", "validateCredentials", strategy="local", _id=user, body=creds, jwt=jwt) is True
        assert_error(await c.query("security", "validateCredentials", strategy="local", _id=user,
                                   body={"username": user}, jwt=jwt), "security.credentials.rejected")
        assert_error(await c.query("security", "hasCredentials", strategy="ldap", _id=user, jwt=jwt),
                     "security.credentials.unknown_strategy", "ldap")
        await c.ok("security", "updateCredentials", strategy="local", _id=user, body={"password": "pw2"}, jwt=jwt)
        assert_error(await login(c, user, "pw1"), "plugin.strategy.missing_user")
        token = assert_ok(await login(c, user, "pw2"))["jwt"]
        assert await c.ok("security", "deleteCredentials", strategy="local", _id=user, jwt=jwt) == {"acknowledged": True}
        assert await c.ok("security", "hasCredentials", strategy="local", _id=user, jwt=jwt) is False
        assert_error(await login(c, user, "pw2"), "plugin.strategy.missing_user")
        # Deleting the user revokes its tokens.
        assert await c.ok("security", "deleteUser", _id=user, jwt=jwt) == {"_id": user}
        assert_error(await c.query("auth", "getCurrentUser", jwt=token), "security.token.invalid")


async def test_auth_actions_of_a_logged_in_user(api) -> None:
    async with KuzzleClient(api.url) as c:
        jwt = await admin(c)
        user = uniq("self")
        await c.ok("security", "createUser", _id=user, jwt=jwt, body={
            "content": {"profileIds": ["default"], "nick": "a"}, "credentials": {"local": {"username": user,
                                                                                         "password": "p"}}})
        token = assert_ok(await login(c, user, "p"))["jwt"]
        assert await c.ok("auth", "getStrategies", jwt=jwt) == ["local"]
        me = await c.ok("auth", "getCurrentUser", jwt=token)
        assert me["_id"] == user and me["strategies"] == ["local"] and me["_source"]["nick"] == "a"
        updated = await c.ok("auth", "updateSelf", body={"nick": "b"}, jwt=token)
        assert updated["_source"]["nick"] == "b" and updated["_source"]["profileIds"] == ["default"]
        assert_error(await c.query("auth", "updateSelf", body={"profileIds": ["admin"]}, jwt=token),
                     "api.assert.forbidden_argument", "body.profileIds")
        # The default role keeps only Kuzzle's defaults.
        assert_error(await c.query("document", "get", index="i", collection="c", _id="x", jwt=token),
                     "security.rights.forbidden", "document", "get", user)
        assert_error(await c.query("auth", "getStrategies", jwt=token),
                     "security.rights.forbidden", "auth", "getStrategies", user)
        refreshed = await c.query("auth", "refreshToken", jwt=token)
        assert_error(refreshed, "security.rights.forbidden", "auth", "refreshToken", user)
        assert await c.ok("auth", "logout", jwt=token) == {"acknowledged": True}
        assert_error(await c.query("auth", "logout"), "security.rights.unauthorized", "auth", "logout")


async def test_refresh_check_rights_and_my_credentials(api) -> None:
    async with KuzzleClient(api.url) as c:
        jwt = await admin(c)
        refreshed = await c.ok("auth", "refreshToken", expiresIn="10m", jwt=jwt)
        assert refreshed["_id"] == "root" and refreshed["ttl"] == 600_000 and refreshed["jwt"] != jwt
        assert_error(await c.query("server", "now", jwt=jwt), "security.token.invalid")
        new = refreshed["jwt"]
        assert await c.ok("auth", "checkRights", body={"controller": "document", "action": "upsert"}, jwt=new) == \
            {"allowed": True}
        assert await c.ok("auth", "credentialsExist", strategy="local", jwt=new) is True
        assert await c.ok("auth", "getMyCredentials", strategy="local", jwt=new) == {"kuid": "root", "username": "root"}
        assert await c.ok("auth", "validateMyCredentials", strategy="local",
                          body={"username": "root", "password": PASSWORD}, jwt=new) is True
        assert_error(await c.query("auth", "createMyCredentials", strategy="local",
                                   body={"username": "root", "password": "x"}, jwt=new), "security.credentials.rejected")
        await c.ok("auth", "updateMyCredentials", strategy="local", body={"password": PASSWORD}, jwt=new)
        assert_error(await c.query("auth", "credentialsExist", strategy="nope", jwt=new),
                     "security.credentials.unknown_strategy", "nope")
        assert_error(await c.query("auth", "login", strategy="local", body={"username": "root"}),
                     "plugin.strategy.missing_user", "Missing credentials")


async def test_token_lifetime_limits_and_login_attempts(start_server) -> None:
    server = start_server("--max-token-ttl", "60", "--login-attempts-per-minute", "2", name="security-limits")
    async with KuzzleClient(server.url) as c:
        await c.ok("security", "createFirstAdmin", _id="a", body={
            "content": {}, "credentials": {"local": {"username": "a", "password": "pw"}}})
        assert_error(await login(c, "a", "pw", expiresIn="2h"), "security.token.ttl_exceeded")
        assert_error(await login(c, "a", "pw", expiresIn=-1), "security.token.ttl_exceeded")
        assert_error(await login(c, "a", "pw", expiresIn="soon"), "api.assert.invalid_argument")
        assert assert_ok(await login(c, "a", "pw", expiresIn=30_000))["ttl"] == 30_000
        # The default lifetime (an hour) is above the maximum too.
        assert_error(await login(c, "a", "pw"), "security.token.ttl_exceeded")
    async with KuzzleClient(server.url) as c:
        for _ in range(2):
            assert_error(await login(c, "a", "wrong"), "plugin.strategy.missing_user")
        assert_error(await login(c, "a", "pw"), "api.process.too_many_requests")
    # The failures count against the client address: a new connection, or HTTP, from it is refused
    # too, whatever the username.
    async with KuzzleClient(server.url) as c:
        assert_error(await login(c, "someone-else", "pw"), "api.process.too_many_requests")
    api = HttpApi(server.address())
    try:
        answer = api.call("POST", "/_login/local", {"username": "someone-else", "password": "pw"})
        assert answer.status == 429 and answer.error["id"] == "api.process.too_many_requests"
    finally:
        api.close()


async def test_a_profiles_rate_limit_refuses_a_users_extra_requests(api) -> None:
    """rateLimit 1: of ten requests sent back to back at most a few fall in distinct seconds, so
    most are refused with Kuzzle's 429, over WebSocket and HTTP alike; logout is never refused."""
    async with KuzzleClient(api.url) as c:
        jwt = await admin(c)
        profile, kuid = uniq("slow"), uniq("slow-user")
        await c.ok("security", "createProfile", _id=profile, jwt=jwt,
                   body={"policies": [{"roleId": "admin"}], "rateLimit": 1})
        await c.ok("security", "createUser", _id=kuid, jwt=jwt, body={
            "content": {"profileIds": [profile]}, "credentials": {"local": {"username": kuid, "password": "pw"}}})
        token = assert_ok(await login(c, kuid, "pw"))["jwt"]
        answers = await c.pipeline([{"controller": "server", "action": "now", "jwt": token} for _ in range(10)])
        refused = [a for a in answers if a.get("error")]
        assert 0 < len(answers) - len(refused) <= 5 and refused
        for answer in refused:
            assert answer["status"] == 429 and answer["error"]["id"] == "api.process.too_many_requests"
            assert answer["error"]["message"] == "Rejected: requests rate limit exceeded for this user."
        http = HttpApi(api.address())
        try:
            statuses = [http.call("GET", "/_now", headers={"Authorization": f"Bearer {token}"}).status
                        for _ in range(10)]
        finally:
            http.close()
        assert set(statuses) <= {200, 429} and 429 in statuses and statuses.count(200) <= 5
        assert await c.ok("auth", "logout", jwt=token) == {"acknowledged": True}
