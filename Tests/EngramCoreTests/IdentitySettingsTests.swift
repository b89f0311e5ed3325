import EngramCore
import Testing

@Suite struct IdentitySettingsTests {
    @Test func defaultsAndCompletion() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let defaults = try t.engine.getIdentitySettings(storeID: store)
        #expect(defaults.priority == ["email", "phone", "whatsapp", "chat"])
        #expect(defaults.type(named: "email")?.blockedValues == ["-1", "null", "anonymous"])
        #expect(defaults.type(named: "email")?.blockedPatterns == ["[0-]+"])

        let put = try t.engine.putIdentitySettings(
            storeID: store,
            IdentitySettings(
                priority: ["user_id", "phone"],
                types: [
                    IdentifierTypeSettings(name: "user_id", normalization: .trim, limit: 1, overflowPolicy: .refuse)
                ],
                defaultRegion: "GB"))
        #expect(put.settings.priority == ["user_id", "phone", "email", "whatsapp", "chat"])
        #expect(put.settings.types.map(\.name) == ["email", "phone", "whatsapp", "chat", "user_id"])
        #expect(try t.engine.getIdentitySettings(storeID: store) == put.settings)
        #expect(put.logPosition == 2)
        // The default region now applies to bare 10-digit numbers.
        let resolved = try t.engine.resolveIdentity(storeID: store, identifiers: [phone("07946 09581")])
        #expect(resolved.attached.map(\.value) == ["+44794609581"])
    }

    @Test func badSettingsNameTheField() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        func put(_ settings: IdentitySettings, field: String, sourceLocation: SourceLocation = #_sourceLocation) {
            expectError(.invalidArgument, field: field, sourceLocation: sourceLocation) {
                try t.engine.putIdentitySettings(storeID: store, settings)
            }
        }
        put(
            IdentitySettings(types: [IdentifierTypeSettings(name: "User-ID", normalization: .trim)]),
            field: "types[0].name")
        put(
            IdentitySettings(types: [IdentifierTypeSettings(name: "9id", normalization: .trim)]), field: "types[0].name"
        )
        put(
            IdentitySettings(types: [
                IdentifierTypeSettings(name: "crm_id", normalization: .trim),
                IdentifierTypeSettings(name: "crm_id", normalization: .none),
            ]), field: "types[1].name")
        put(
            IdentitySettings(types: [IdentifierTypeSettings(name: "email", normalization: .trim)]),
            field: "types[0].normalization")
        put(
            IdentitySettings(types: [IdentifierTypeSettings(name: "crm_id", normalization: .phone)]),
            field: "types[0].normalization")
        put(
            IdentitySettings(types: [IdentifierTypeSettings(name: "crm_id", normalization: .trim, limit: 0)]),
            field: "types[0].limit")
        put(
            IdentitySettings(types: [IdentifierTypeSettings(name: "crm_id", normalization: .trim, limit: 101)]),
            field: "types[0].limit")
        put(
            IdentitySettings(types: [
                IdentifierTypeSettings(name: "crm_id", normalization: .trim, blockedPatterns: ["[a-"])
            ]),
            field: "types[0].blocked_patterns[0]")
        put(
            IdentitySettings(types: [
                IdentifierTypeSettings(name: "crm_id", normalization: .trim, blockedValues: ["ok", ""])
            ]),
            field: "types[0].blocked_values[1]")
        put(IdentitySettings(priority: ["email", "fax"]), field: "priority[1]")
        put(IdentitySettings(priority: ["email", "email"]), field: "priority[1]")
        put(IdentitySettings(defaultRegion: "XX"), field: "default_region")
        let many = (0..<47).map { IdentifierTypeSettings(name: "t\($0)", normalization: .trim) }
        put(IdentitySettings(types: many), field: "types")
        #expect(try t.engine.getIdentitySettings(storeID: store) == .default, "a rejected put changes nothing")
    }

    @Test func blockedValuesNeverMatch() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        try t.engine.putIdentitySettings(
            storeID: store,
            IdentitySettings(types: [
                IdentifierTypeSettings(
                    name: "user_id", normalization: .trim, blockedValues: ["guest"], blockedPatterns: ["test-.*"])
            ]))
        let first = try t.engine.resolveIdentity(
            storeID: store,
            identifiers: [
                email("a@example.com"), IdentifierInput(type: "user_id", value: "GUEST"),
                IdentifierInput(type: "user_id", value: "test-123"), phone("000-000-0000"), email("NULL"),
            ])
        #expect(first.outcome == .created)
        #expect(first.attached.map(\.value) == ["a@example.com"])
        #expect(first.demoted.map(\.index) == [1, 2, 3, 4])
        #expect(first.demoted.allSatisfy { $0.reason == .blocked })
        // The blocked values did not attach, so they match nobody.
        let second = try t.engine.resolveIdentity(
            storeID: store, identifiers: [email("b@example.com"), IdentifierInput(type: "user_id", value: "guest")])
        #expect(second.outcome == .created)
        expectError(.invalidArgument, field: "identifiers") {
            try t.engine.resolveIdentity(storeID: store, identifiers: [email("anonymous")])
        }
    }

    @Test func settingsApplyForward() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let id = try t.engine.makeProfile(store: store, email: "x@example.com")
        try t.engine.putIdentitySettings(
            storeID: store,
            IdentitySettings(types: [
                IdentifierTypeSettings(name: "email", normalization: .email, blockedValues: ["x@example.com"])
            ]))
        #expect(try t.engine.getProfile(storeID: store, profileID: id).identifiers.map(\.value) == ["x@example.com"])
        #expect(try t.engine.lookupProfiles(storeID: store, type: "email", value: "x@example.com").blocked)
    }
}

@Suite struct BlockedPatternTests {
    @Test func theByteTableAgreesWithRegex() throws {
        let patterns = [
            "[0-]+", "[0-9]+", "[a-z]*", "[-x]+", "[x-]+", "[.$^]+", "[A-Za-z0-9._-]+", "[9-0]+", "[a-b-c]+", "[^0]+",
            "[a--b]+", "[0]+", "[0-]", "0+", "[[:digit:]]+", "[\\d]+", "[a&&b]+",
        ]
        let values = [
            "", "0", "000-0", "0a", "abc", "-", "x-x", "ABC", "a.b", "é", "0\u{301}", "$^", "9", "0-0-0", "a-b", "c",
            "Z", "x", "^", " 0", "0 ", "٣",
        ]
        var tables = 0
        for pattern in patterns {
            let regex = try? Regex(pattern)
            let compiled = BlockedPattern(pattern)
            #expect((compiled == nil) == (regex == nil), "\(pattern) compiles the same way")
            guard let regex, let compiled else { continue }
            if case .classRun = compiled { tables += 1 }
            for value in values {
                let expected = (try? regex.wholeMatch(in: value)) != nil
                #expect(compiled.matchesWhole(value[...]) == expected, "\(pattern) on \"\(value)\"")
            }
        }
        #expect(tables >= 8, "the common shapes take the fast path")
        #expect(BlockedPattern.classRun("[a-b-c]+") == nil && BlockedPattern.classRun("[^0]+") == nil)
    }
}
