import EngramTestSupport
import Foundation
import NIOCore
import Testing

@testable import EngramHTTP

@Suite struct JSONReaderTests {
    func recall(_ text: String) throws(APIError) -> RecallBody {
        try RecallBody(json: ByteBuffer(string: text))
    }

    func failure(_ text: String) -> APIError? {
        do {
            _ = try recall(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func readsEveryMemberOfARecallBody() throws {
        let text = #"""
             {"query": "refund \"policy\" \\ \/ caf\u00e9 \ud83d\ude00 tab\there",
              "conversationId": "c-1", "beginDate": "2026-05-06T19:45:00Z", "endDate": "2026-05-07T00:00:00.000001Z",
              "observationsLimit": 5, "summariesLimit": 0, "communicationsLimit": 2e1, "relevanceThreshold": 0.25,
              "sources": ["crm", "chat"], "includeSuperseded": true, "explain": false,
              "queryEmbedding": [1, -2.5e-3, 0.0], "rankCommunications": true,
              "knowledgeBaseIds": [], "knowledgeLimit": 3,
              "unknown": {"nested": [1, {"x": null, "y": [true, false, "s"]}], "n": -0.5E+2} }
            """#
        let body = try recall(text)
        let reference = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        #expect(body.query == reference["query"] as? String)
        #expect(body.query == "refund \"policy\" \\ / café 😀 tab\there")
        #expect(body.conversationId == "c-1")
        #expect(body.beginDate?.us == RFC3339.parse("2026-05-06T19:45:00Z"))
        #expect(body.endDate?.us == RFC3339.parse("2026-05-07T00:00:00.000001Z"))
        #expect(body.observationsLimit == 5 && body.summariesLimit == 0 && body.communicationsLimit == 20)
        #expect(body.relevanceThreshold == 0.25)
        #expect(body.sources == ["crm", "chat"])
        #expect(body.includeSuperseded == true && body.explain == false && body.rankCommunications == true)
        #expect(body.queryEmbedding == [1, -0.0025, 0])
        #expect(body.knowledgeBaseIds == [] && body.knowledgeLimit == 3)

        let empty = try recall(" {\n}\r\n")
        #expect(empty.query == nil && empty.sources == nil)
        let nulls = try recall(#"{"query": null, "sources": null, "explain": null, "observationsLimit": null}"#)
        #expect(nulls.query == nil && nulls.sources == nil && nulls.explain == nil && nulls.observationsLimit == nil)
    }

    @Test func aMemberOfTheWrongTypeIsNamed() {
        let cases: [(String, String, String)] = [
            (#"{"observationsLimit": "many"}"#, "observationsLimit", "must be an integer"),
            (#"{"observationsLimit": -1}"#, "observationsLimit", "must be an integer from 0 to 4294967295"),
            (#"{"observationsLimit": 2.5}"#, "observationsLimit", "must be an integer from 0 to 4294967295"),
            (#"{"observationsLimit": 4294967296}"#, "observationsLimit", "must be an integer from 0 to 4294967295"),
            (#"{"query": 5}"#, "query", "must be a string"),
            (#"{"explain": "yes"}"#, "explain", "must be true or false"),
            (#"{"relevanceThreshold": [1]}"#, "relevanceThreshold", "must be a number"),
            (#"{"sources": "crm"}"#, "sources", "must be an array"),
            (#"{"sources": ["a", 2]}"#, "sources[1]", "must be a string"),
            (#"{"sources": ["a", null]}"#, "sources[1]", "must be a string, not null"),
            (#"{"queryEmbedding": [1, "x"]}"#, "queryEmbedding[1]", "must be a number"),
            (#"{"beginDate": "May 6"}"#, "beginDate", "must be an RFC 3339 time"),
            (#"[1, 2]"#, "body", "must be an object"),
            (#""text""#, "body", "must be an object"),
        ]
        for (text, field, problem) in cases {
            let error = failure(text)
            #expect(error?.fieldViolations.first?.field == field, "\(text): \(String(describing: error))")
            #expect(error?.fieldViolations.first?.description.hasPrefix(problem) == true, "\(text)")
            #expect(error?.message.hasPrefix("\(field): ") == true, "\(text)")
            #expect(error?.status == .badRequest)
        }
    }

    @Test func invalidJSONIsSaidToBe() {
        let cases = [
            "{nope", #"{"a": 1,}"#, #"{"a" 1}"#, #"{"a": 01}"#, #"{"a": 1.}"#, #"{"a": .5}"#, #"{"a": tru}"#,
            #"{"a": truex}"#, "{\"a\": \"\u{01}\"}", #"{"a": "\ud800"}"#, #"{"a": "\udc00"}"#, #"{"a": "\x"}"#,
            #"{"a": "\u12"}"#, #"{} x"#, #"{"a": [1, 2}"#, "[", "", " ", #"{"a": "open"#, #"{"a": 1e}"#,
            #"{"a": -}"#, #"{"a": +1}"#, #"{"a": NaN}"#, "{\"a\": 1}\u{0}", #"{'a': 1}"#, #"{"a": [1 2]}"#,
            #"{"a": {"b" 1}}"#, #"{"query": "x" "y"}"#,
        ]
        for text in cases {
            let error = failure(text)
            #expect(error?.code == .invalidArgument, "\(text)")
            let message = error?.message ?? ""
            #expect(
                message.contains("not valid JSON") || message.contains("needs a JSON body"), "\(text): \(message)")
        }
        // Invalid UTF-8 inside a string, and values nested past the limit, are errors, not crashes.
        var bytes = ByteBuffer(string: #"{"query": "ab"#)
        bytes.writeBytes([0xC3, 0x28])
        bytes.writeString(#""}"#)
        #expect(throws: APIError.self) { try RecallBody(json: bytes) }
        let deep = #"{"x": "# + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
        #expect(failure(deep)?.message.contains("nested more than") == true)
    }

    /// Cut short at every byte, and 3,000 random mutations: always an answer (a body or an
    /// error), never a crash; and whatever the reader accepts, Foundation's parser accepts too.
    @Test func damagedBodiesNeverCrashAndNeverPassAsValid() {
        let text =
            #"{"query": "caf\u00e9 \"x\"", "observationsLimit": 5, "sources": ["a", "b"], "explain": true, "queryEmbedding": [0.5, -1e2], "other": {"k": [null, 1]}}"#
        let valid = Array(text.utf8)
        for cut in 0..<valid.count {
            var buffer = ByteBuffer()
            buffer.writeBytes(valid[..<cut])
            #expect(throws: APIError.self, "cut at \(cut)") { try RecallBody(json: buffer) }
        }
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<3_000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes.remove(at: at)
                default: bytes.insert(Array(#"{}[]",:"\0e-."#.utf8).randomElement(using: &rng)!, at: at)
                }
                if bytes.isEmpty { bytes = [0x20] }
            }
            var buffer = ByteBuffer()
            buffer.writeBytes(bytes)
            if (try? RecallBody(json: buffer)) != nil {
                #expect(
                    (try? JSONSerialization.jsonObject(with: Data(bytes))) is [String: Any],
                    "accepted what Foundation refuses: \(String(decoding: bytes, as: UTF8.self))")
            }
        }
    }
}
