@testable import HeraldSecurity
import HeraldWire
import Testing

@Suite struct RightsEvaluationTests {
    private func model(_ roles: [SecurityRole], _ profiles: [SecurityProfile], users: [SecurityUser]) -> SecurityModel {
        let model = SecurityModel()
        roles.forEach(model.put)
        profiles.forEach(model.put)
        users.forEach(model.put)
        return model
    }

    private func allowed(_ model: SecurityModel, _ user: String, _ controller: String, _ action: String,
                         _ index: String? = nil, _ collection: String? = nil) -> Bool {
        model.isAllowed(RightsQuery(user: user, controller: controller, action: action, index: index,
                                    collection: collection))
    }

    @Test func wildcardsAndTheMostSpecificEntryDecide() {
        let role = SecurityRole(id: "r", controllers: [
            "*": ["*": true],
            "document": ["get": true, "*": false],
            "security": ["deleteUser": false],
        ])
        #expect(role.allows(controller: "server", action: "now"))
        #expect(role.allows(controller: "document", action: "get"))
        #expect(!role.allows(controller: "document", action: "upsert"))
        // The controller's own entry hides `*`, even for actions it does not list.
        #expect(!role.allows(controller: "security", action: "getUser"))
        #expect(!role.allows(controller: "security", action: "deleteUser"))
        #expect(!SecurityRole(id: "empty", controllers: [:]).allows(controller: "auth", action: "login"))
    }

    @Test func restrictedToLimitsIndexAndCollections() {
        let reader = SecurityRole(id: "reader", controllers: ["document": ["get": true], "server": ["now": true]])
        let profile = SecurityProfile(id: "p", policies: [
            SecurityPolicy(roleId: "reader", restrictedTo: [
                IndexRestriction(index: "shop"),
                IndexRestriction(index: "blog", collections: ["posts", "comments"]),
            ]),
        ])
        let model = model([reader], [profile], users: [SecurityUser(id: "u", profileIds: ["p"])])
        #expect(allowed(model, "u", "document", "get", "shop", "anything"))
        #expect(allowed(model, "u", "document", "get", "blog", "posts"))
        #expect(!allowed(model, "u", "document", "get", "blog", "drafts"))
        #expect(!allowed(model, "u", "document", "get", "other", "posts"))
        // Actions that name no index ignore the restrictions.
        #expect(allowed(model, "u", "server", "now"))
        // An index-level action (no collection) on a collection-restricted index passes.
        #expect(allowed(model, "u", "document", "get", "blog"))
        #expect(!allowed(model, "u", "document", "upsert", "shop", "c"))
    }

    @Test func policiesAndProfilesAddUp() {
        let reader = SecurityRole(id: "reader", controllers: ["document": ["get": true]])
        let writer = SecurityRole(id: "writer", controllers: ["document": ["upsert": true]])
        let profile = SecurityProfile(id: "mixed", policies: [
            SecurityPolicy(roleId: "reader", restrictedTo: [IndexRestriction(index: "a")]),
            SecurityPolicy(roleId: "writer", restrictedTo: [IndexRestriction(index: "b")]),
        ])
        let other = SecurityProfile(id: "other", policies: [SecurityPolicy(roleId: "reader")])
        let model = model([reader, writer], [profile, other], users: [
            SecurityUser(id: "one", profileIds: ["mixed"]),
            SecurityUser(id: "two", profileIds: ["mixed", "other"]),
        ])
        #expect(allowed(model, "one", "document", "get", "a", "c"))
        #expect(!allowed(model, "one", "document", "get", "b", "c"))
        #expect(allowed(model, "one", "document", "upsert", "b", "c"))
        #expect(!allowed(model, "one", "document", "upsert", "a", "c"))
        // The second profile reads everywhere; writing stays limited to b.
        #expect(allowed(model, "two", "document", "get", "b", "c"))
        #expect(!allowed(model, "two", "document", "upsert", "z", "c"))
    }

    @Test func aUsersRateLimitIsItsMostPermissiveProfiles() {
        let profiles = [SecurityProfile(id: "ten", policies: [], rateLimit: 10),
                        SecurityProfile(id: "twenty", policies: [], rateLimit: 20),
                        SecurityProfile(id: "unlimited", policies: [])]
        let model = model([], profiles, users: [
            SecurityUser(id: "a", profileIds: ["ten", "twenty"]), SecurityUser(id: "b", profileIds: ["ten", "unlimited"]),
            SecurityUser(id: "c", profileIds: ["ten"]), SecurityUser(id: "none", profileIds: []),
        ])
        #expect(model.rateLimit(ofUser: "a") == 20)
        #expect(model.rateLimit(ofUser: "b") == 0)
        #expect(model.rateLimit(ofUser: "c") == 10)
        #expect(model.rateLimit(ofUser: "none") == 0 && model.rateLimit(ofUser: "ghost") == 0)
        // A changed profile is seen at once (the cached limit is dropped).
        model.put(SecurityProfile(id: "ten", policies: [], rateLimit: 3))
        #expect(model.rateLimit(ofUser: "c") == 3)
    }

    @Test func unknownUsersProfilesAndRolesGrantNothing() {
        let profile = SecurityProfile(id: "p", policies: [SecurityPolicy(roleId: "missing")])
        let model = model([], [profile], users: [SecurityUser(id: "u", profileIds: ["p", "nope"])])
        #expect(!allowed(model, "u", "server", "now"))
        #expect(!allowed(model, "ghost", "server", "now"))
    }

    @Test func cachedDecisionsFollowEveryChange() {
        let model = model([SecurityRole(id: "r", controllers: ["server": ["now": true]])],
                          [SecurityProfile(id: "p", policies: [SecurityPolicy(roleId: "r")])],
                          users: [SecurityUser(id: "u", profileIds: ["p"])])
        #expect(allowed(model, "u", "server", "now"))
        #expect(model.cachedDecisionCount == 1)
        model.put(SecurityRole(id: "r", controllers: ["server": ["now": false]]))
        #expect(!allowed(model, "u", "server", "now"))
        model.put(SecurityRole(id: "r2", controllers: ["server": ["now": true]]))
        model.put(SecurityProfile(id: "p", policies: [SecurityPolicy(roleId: "r2")]))
        #expect(allowed(model, "u", "server", "now"))
        model.put(SecurityUser(id: "u", profileIds: ["none"]))
        #expect(!allowed(model, "u", "server", "now"))
        model.put(SecurityUser(id: "u", profileIds: ["p"]))
        #expect(allowed(model, "u", "server", "now"))
        model.removeUser("u")
        #expect(!allowed(model, "u", "server", "now"))
    }

    @Test func theCacheIsBounded() {
        let model = SecurityModel(maximumCachedDecisions: 8)
        model.put(SecurityRole.allowingEverything(id: "r"))
        model.put(SecurityProfile(id: "p", policies: [SecurityPolicy(roleId: "r")]))
        model.put(SecurityUser(id: "u", profileIds: ["p"]))
        for index in 0..<100 { #expect(allowed(model, "u", "document", "get", "i\(index)", "c")) }
        #expect(model.cachedDecisionCount <= 8)
    }

    @Test func rightsListsMergeGrantsOverDenials() {
        let model = model([SecurityRole(id: "a", controllers: ["document": ["get": false, "search": true]]),
                           SecurityRole(id: "b", controllers: ["document": ["get": true]])],
                          [SecurityProfile(id: "p", policies: [
                              SecurityPolicy(roleId: "a"),
                              SecurityPolicy(roleId: "b"),
                              SecurityPolicy(roleId: "b", restrictedTo: [IndexRestriction(index: "i", collections: ["c1"])]),
                          ])],
                          users: [SecurityUser(id: "u", profileIds: ["p"])])
        let rights = model.rights(ofUser: "u")
        #expect(rights.contains(RightsItem(controller: "document", action: "get", index: "*", collection: "*", allowed: true)))
        #expect(rights.contains(RightsItem(controller: "document", action: "search", index: "*", collection: "*", allowed: true)))
        #expect(rights.contains(RightsItem(controller: "document", action: "get", index: "i", collection: "c1", allowed: true)))
        #expect(rights.count == 3)
        #expect(rights.first?.json.objectValue?["value"] == "allowed")
    }
}

@Suite struct SecurityDefinitionTests {
    @Test func roleBodiesAreValidatedLikeKuzzle() throws {
        let role = try SecurityRole(id: "r", body: ["controllers": ["document": ["actions": ["get": true, "*": false]]]])
        #expect(role.controllers == ["document": ["get": true, "*": false]])
        #expect(try SecurityRole(id: "r", body: role.body) == role)
        #expect(throws: KuzzleError.missingArgument("r.controllers")) { try SecurityRole(id: "r", body: [:]) }
        #expect(throws: KuzzleError.invalidType("r.controllers", expected: "object")) {
            try SecurityRole(id: "r", body: ["controllers": "x"])
        }
        #expect(throws: KuzzleError.emptyArgument("r.controllers")) {
            try SecurityRole(id: "r", body: ["controllers": [:]])
        }
        #expect(throws: KuzzleError.missingArgument("document")) {
            try SecurityRole(id: "r", body: ["controllers": ["document": ["x": 1]]])
        }
        #expect(throws: KuzzleError.invalidType("document.actions.get", expected: "boolean")) {
            try SecurityRole(id: "r", body: ["controllers": ["document": ["actions": ["get": 1]]]])
        }
    }

    @Test func profileBodiesAreValidatedLikeKuzzle() throws {
        let profile = try SecurityProfile(id: "p", body: [
            "policies": [["roleId": "r", "restrictedTo": [["index": "i", "collections": ["a", "b"]], ["index": "j"]]]],
        ])
        #expect(profile.policies == [SecurityPolicy(roleId: "r", restrictedTo: [
            IndexRestriction(index: "i", collections: ["a", "b"]), IndexRestriction(index: "j"),
        ])])
        #expect(try SecurityProfile(id: "p", body: profile.body) == profile)
        #expect(throws: KuzzleError.missingArgument("p.policies")) { try SecurityProfile(id: "p", body: [:]) }
        #expect(throws: KuzzleError.emptyArgument("p.policies")) { try SecurityProfile(id: "p", body: ["policies": []]) }
        #expect(throws: KuzzleError.missingArgument("p.policies[0].roleId")) {
            try SecurityProfile(id: "p", body: ["policies": [[:]]])
        }
        #expect(throws: KuzzleError.unexpectedArgument("p.policies[0].foo", accepted: "\"roleId\", \"restrictedTo\"")) {
            try SecurityProfile(id: "p", body: ["policies": [["roleId": "r", "foo": 1]]])
        }
        #expect(throws: KuzzleError.missingArgument("p.policies[0].restrictedTo[0].index")) {
            try SecurityProfile(id: "p", body: ["policies": [["roleId": "r", "restrictedTo": [["collections": []]]]]])
        }
        #expect(throws: KuzzleError.invalidType("rateLimit", expected: "integer")) {
            try SecurityProfile(id: "p", body: ["policies": [["roleId": "r"]], "rateLimit": "x"])
        }
    }

    @Test func userContentNeedsProfiles() throws {
        let user = try SecurityUser(id: "u", content: ["profileIds": ["a"], "name": "Ann"])
        #expect(user.profileIds == ["a"])
        #expect(user.content == ["name": "Ann"])
        #expect(user.body == ["name": "Ann", "profileIds": ["a"]])
        #expect(throws: KuzzleError.missingArgument("body.content.profileIds")) {
            try SecurityUser(id: "u", content: [:])
        }
        #expect(throws: KuzzleError.invalidType("body.content.profileIds", expected: "string[]")) {
            try SecurityUser(id: "u", content: ["profileIds": [1]])
        }
    }
}
