import Testing

@testable import EngramCore

@Suite struct IdentifierNormalizationTests {
    func normalize(_ raw: String, _ kind: IdentifierNormalization, region: String = "1") throws(InvalidIdentifier)
        -> String
    {
        try kind.normalize(raw, regionCode: region)
    }

    func reason(_ raw: String, _ kind: IdentifierNormalization, region: String = "1") -> String? {
        do throws(InvalidIdentifier) {
            _ = try kind.normalize(raw, regionCode: region)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func emails() throws {
        #expect(try normalize("  Jane.Doe@Example.COM ", .email) == "jane.doe@example.com")
        #expect(reason("jane", .email)?.contains("@") == true)
        #expect(reason("jane@", .email)?.contains("domain") == true)
        #expect(reason("@example.com", .email)?.contains("name") == true)
        #expect(reason("jane@localhost", .email)?.contains("dot") == true)
        #expect(reason("ja ne@example.com", .email)?.contains("spaces") == true)
        #expect(reason("a@b@example.com", .email)?.contains("one @") == true)
        #expect(reason("jane@exa..mple.com", .email) != nil)
    }

    @Test func usPhones() throws {
        #expect(try normalize("(415) 555-2671", .phone) == "+14155552671")
        #expect(try normalize("415.555.2671", .phone) == "+14155552671")
        #expect(try normalize("+1 415 555 2671", .phone) == "+14155552671")
        #expect(try normalize("14155552671", .phone) == "+14155552671")
        #expect(try normalize("001 415 555 2671", .phone) == "+14155552671")
        #expect(reason("+1 015 555 2671", .phone)?.contains("area code") == true)
        #expect(reason("+1 415 555 267", .phone)?.contains("10 digits") == true)
    }

    @Test func internationalPhones() throws {
        #expect(try normalize("+44 20 7946 0958", .phone) == "+442079460958")
        #expect(try normalize("+49 30 901820", .phone) == "+4930901820")
        #expect(try normalize("+33 6 12 34 56 78", .phone) == "+33612345678")
        // A bare 10-digit number takes the default region; a French trunk 0 is dropped.
        #expect(try normalize("06 12 34 56 78", .phone, region: "33") == "+33612345678")
        #expect(try normalize("4155552671", .phone, region: "44") == "+444155552671")
        #expect(reason("+999 1234 5678", .phone)?.contains("calling code") == true)
        #expect(reason("020 7946 0958", .phone)?.contains("country code") == true, "11 digits need a country code")
        #expect(reason("+44 1234 5678 9012 345", .phone)?.contains("15 digits") == true)
        #expect(reason("555-CALL-NOW", .phone)?.contains("digits") == true)
        #expect(reason("+4412", .phone)?.contains("few digits") == true)
    }

    @Test func whatsappAndChatAndCustom() throws {
        #expect(try normalize("whatsapp:+14155552671", .whatsapp) == "+14155552671")
        #expect(try normalize("WhatsApp:(415) 555-2671", .whatsapp) == "+14155552671")
        #expect(reason("whatsapp:", .whatsapp) != nil)
        #expect(try normalize("  @jane_d  ", .chat) == "@jane_d")
        #expect(try normalize(" ABC-1 ", .none) == " ABC-1 ")
        #expect(try normalize(" ABC-1 ", .trim) == "ABC-1")
        #expect(try normalize(" ABC-1 ", .lowercase) == "abc-1")
        #expect(reason("   ", .trim) == "is empty")
        #expect(reason(String(repeating: "x", count: 257), .none)?.contains("256") == true)
        #expect(reason("a\u{7}b", .none)?.contains("control") == true)
    }

    @Test func invalidValuesAreRejectedWithTheirPosition() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let error = expectError(.invalidArgument, field: "identifiers[1].value") {
            try t.engine.resolveIdentity(storeID: store, identifiers: [email("ok@example.com"), email("not-an-email")])
        }
        #expect(error?.message.contains("identifiers[1].value") == true)
        expectError(.invalidArgument, field: "identifiers[2].value") {
            try t.engine.resolveIdentity(
                storeID: store, identifiers: [email("ok@example.com"), phone("+14155552671"), phone("12345")])
        }
        expectError(.invalidArgument, field: "identifiers[0].type") {
            try t.engine.resolveIdentity(storeID: store, identifiers: [IdentifierInput(type: "user_id", value: "42")])
        }
        expectError(.invalidArgument, field: "identifiers[0].value") {
            try t.engine.resolveIdentity(storeID: store, identifiers: [email("  ")])
        }
        expectError(.invalidArgument, field: "identifiers") {
            try t.engine.resolveIdentity(storeID: store, identifiers: [])
        }
        #expect(t.engine.counts().profiles == 0, "nothing invalid is ever stored")
        #expect(try t.engine.lookupProfiles(storeID: store, type: "email", value: "ok@example.com").profileIDs.isEmpty)
    }

    @Test func lookupNormalises() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let id = try t.engine.resolveIdentity(storeID: store, identifiers: [phone("(415) 555-2671")]).profileID
        let found = try t.engine.lookupProfiles(storeID: store, type: "phone", value: "+1 415 555 2671")
        #expect(found.normalizedValue == "+14155552671")
        #expect(found.profileIDs == [id])
        #expect(!found.blocked)
        expectError(.invalidArgument, field: "value") {
            try t.engine.lookupProfiles(storeID: store, type: "phone", value: "12")
        }
        expectError(.invalidArgument, field: "type") {
            try t.engine.lookupProfiles(storeID: store, type: "fax", value: "12")
        }
        #expect(try t.engine.lookupProfiles(storeID: store, type: "email", value: "null").blocked)
    }
}
