import EngramWire
import Foundation
import Testing

@testable import EngramHTTP

@Suite struct HTTPFormatTests {
    @Test func rfc3339RoundTripsMicroseconds() {
        let samples: [Int64] = [
            0, 1, 999_999, 1_000_000, 1_778_096_700_000_000, 1_778_096_700_123_456, -1, -86_400_000_001,
            253_402_300_799_999_999, 951_782_400_000_000,
        ]
        for us in samples {
            let text = RFC3339.format(us)
            #expect(RFC3339.parse(text) == us, "\(us) -> \(text)")
        }
        #expect(RFC3339.format(1_778_096_700_000_000) == "2026-05-06T19:45:00Z")
        #expect(RFC3339.format(1_778_096_700_250_000) == "2026-05-06T19:45:00.250000Z")
        #expect(RFC3339.format(0) == "1970-01-01T00:00:00Z")
        #expect(RFC3339.format(-1) == "1969-12-31T23:59:59.999999Z")
        #expect(RFC3339.format(-62_135_596_800_000_000) == "0001-01-01T00:00:00Z")
        // Years outside 0-9999 are written in full (no real timestamp has one).
        #expect(RFC3339.format(-62_198_755_200_000_000) == "-1-01-01T00:00:00Z")
        #expect(RFC3339.format(253_402_300_800_000_001) == "10000-01-01T00:00:00.000001Z")
        var out: [UInt8] = Array("x".utf8)
        RFC3339.write(951_782_400_000_007, into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "x2000-02-29T00:00:00.000007Z")
    }

    @Test func rfc3339ParsesOffsetsAndRejectsOtherText() {
        #expect(RFC3339.parse("2026-05-06T21:45:00+02:00") == 1_778_096_700_000_000)
        #expect(RFC3339.parse("2026-05-06t19:45:00z") == 1_778_096_700_000_000)
        #expect(RFC3339.parse("2026-05-06T19:45:00.1234567Z") == 1_778_096_700_123_456)
        #expect(RFC3339.parse("2024-02-29T00:00:00Z") != nil)
        for bad in [
            "", "2026-05-06", "2026-05-06T19:45:00", "2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z", "2026-05-06T24:00:00Z", "2026-05-06T19:45:00.Z", "2026-05-06T19:45:00+2:00",
            "2026-05-06T19:45:00Zjunk", "yesterday and then some",
        ] {
            #expect(RFC3339.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func wireNamesReadAsJSONNames() {
        #expect(
            JSONNames.translate("observations[2].occurred_at_us: required") == "observations[2].occurredAt: required")
        #expect(JSONNames.translate("store_id") == "storeId")
        #expect(JSONNames.translate("begin_us must precede end_us") == "beginDate must precede endDate")
        #expect(JSONNames.translate("no profile \"pr_abc\" here") == "no profile \"pr_abc\" here")
        #expect(JSONNames.translate("found 'a_b' in display_name") == "found 'a_b' in displayName")
    }

    @Test func basicAndBearerCredentials() throws {
        #expect(try AuthenticationMiddleware.apiKey("Bearer k1") == "k1")
        let basic = "Basic " + Data("user:se:cret".utf8).base64EncodedString()
        #expect(try AuthenticationMiddleware.apiKey(basic) == "se:cret")
        #expect(try AuthenticationMiddleware.apiKey(nil) == nil)
        #expect(throws: APIError.self) { try AuthenticationMiddleware.apiKey("Token abc") }
        #expect(throws: APIError.self) { try AuthenticationMiddleware.apiKey("Basic bm9jb2xvbg==") }
    }

    /// The document engramd serves is Protocol/openapi.yaml (regenerate with scripts/gen-openapi).
    @Test func servedOpenAPIMatchesTheSchemaFile() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let file = try String(contentsOf: root.appendingPathComponent("Protocol/openapi.yaml"), encoding: .utf8)
        #expect(
            OpenAPIDocument.yaml == file, "Sources/EngramHTTP/OpenAPIDocument.swift is stale: run scripts/gen-openapi")
    }
}

@Suite struct JSONWriterTests {
    /// Strings with characters to escape anywhere (inside, across and after 8-byte blocks)
    /// read back as themselves.
    @Test func stringsRoundTripThroughTheEscaper() throws {
        var rng = SystemRandomNumberGenerator()
        let alphabet: [String] = [
            "a", "b", "Z", "0", " ", "\"", "\\", "\n", "\t", "\r", "\u{01}", "\u{1F}", "é", "日", "🎉", "/",
        ]
        var samples = ["", "\"", "\\", "12345678\"", "1234567\"8", "\u{1F}1234567", String(repeating: "x", count: 40)]
        for _ in 0..<300 {
            samples.append(
                (0..<Int.random(in: 0...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined())
        }
        var w = JSONWriter()
        w.strings(samples)
        let text = String(decoding: w.bytes, as: UTF8.self)
        #expect(try JSONDecoder().decode([String].self, from: Data(text.utf8)) == samples, "\(text.prefix(200))")
    }

    @Test func integersAsTheirDecimalText() {
        var w = JSONWriter()
        w.array([0, 7, 9, 10, 42, 100, -1, -10, Int64.max, Int64.min]) { w, n in w.int(n) }
        w.int(UInt64.max)
        w.int(UInt32(4_294_967_295))
        #expect(
            String(decoding: w.bytes, as: UTF8.self)
                == "[0,7,9,10,42,100,-1,-10,9223372036854775807,-9223372036854775808],18446744073709551615,4294967295")
    }

    /// The hand-written answers say exactly what their Codable shapes say.
    @Test func writerMatchesCodable() throws {
        var o = Wire.Observation()
        o.id = "ob_1"
        o.content = "quote \" backslash \\ newline \n tab \t bell \u{07} é 日本 🎉"
        o.source = "s"
        o.occurredAtUs = 1_778_096_700_250_000
        o.createdAtUs = 1
        o.conversationIds = ["c1", "c2"]
        o.subject = "preference.contact_channel"
        o.mentionCount = 3
        o.status = .superseded
        var scored = Wire.ScoredObservation()
        scored.observation = o
        scored.score = 0.123_456_7
        var e = Wire.ScoreExplanation()
        e.lexical = 0.5
        e.matchedTerms = ["a", "b\""]
        scored.explanation = e
        var s = Wire.Summary()
        s.id = "su_1"
        s.content = "sum"
        s.conversationId = "c1"
        var ss = Wire.ScoredSummary()
        ss.summary = s
        var c = Wire.Communication()
        c.id = "m1"
        c.text = "hi"
        c.channel = .sms
        c.author = Wire.Participant()
        c.author?.type = .customer
        c.author?.address = "+1555"
        var r = Wire.RecallResponse()
        r.observations = [scored, Wire.ScoredObservation()]
        r.summaries = [ss]
        r.communications = [c]
        r.profileId = "pr_1"
        r.queryTimeUs = 1234
        r.effectiveQuery = "q"
        var group = Wire.TraitGroup()
        group.traits = [
            "n": Wire.TraitValue(.integerValue(-4)), "d": Wire.TraitValue(.numberValue(2.5)),
            "b": Wire.TraitValue(.boolValue(true)), "s": Wire.TraitValue(.stringValue("x")),
        ]
        r.traits = ["Contact": group]
        let value = RecallJSON(r)

        var w = JSONWriter()
        value.write(to: &w)
        let written = try JSONSerialization.jsonObject(with: Data(w.bytes)) as? NSDictionary
        let coded = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(value)) as? NSDictionary
        #expect(written != nil)
        #expect(written == coded)

        let page = ObservationsPage(
            observations: [ObservationJSON(o)], meta: PageMeta(key: "observations", pageSize: 2, nextToken: "t"))
        var pw = JSONWriter()
        page.write(to: &pw)
        let pageWritten = try JSONSerialization.jsonObject(with: Data(pw.bytes)) as? NSDictionary
        let pageCoded = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(page)) as? NSDictionary
        #expect(pageWritten == pageCoded)
    }
}
