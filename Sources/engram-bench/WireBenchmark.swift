import EngramNIO
import EngramWire
import Foundation
import NIOCore

/// Encode and decode the two messages on Engram's hot path, and time Google's C-backed Python
/// runtime (upb) on the same bytes as a reference, when it is installed.
func runWireBenchmark() {
    let observe = sampleObserveRequest()
    let recall = sampleRecallResponse()
    print("== wire: hand-written codecs (release build) ==")
    let rows = [
        measure("ObserveRequest (10 observations)", observe),
        measure("RecallResponse (20 scored observations)", recall),
    ]
    for r in rows {
        print(
            r.name.padding(toLength: 42, withPad: " ", startingAt: 0)
                + String(format: " %6d bytes   encode %7.0f ns   decode %7.0f ns", r.bytes, r.encodeNs, r.decodeNs))
    }
    framing(recall)
    fflush(nil)
    pythonReference(observe: observe.serializedBytes(), recall: recall.serializedBytes())
}

/// A response frame as the server sends it: encoded straight into the ByteBuffer's memory (the
/// frame writer), with a size hint that fits (the server's per-method hints) and one that does
/// not (encoded twice); against encoding into an array and copying it into a ByteBuffer.
private func framing(_ message: Wire.RecallResponse) {
    let allocator = ByteBufferAllocator()
    var sink = 0
    let fitting = nsPerOp(iterations: 200_000) {
        sink &+= allocator.frame(message, type: .response, method: 40, requestID: 7, sizeHint: 4096).readableBytes
    }
    let twice = nsPerOp(iterations: 200_000) {
        sink &+= allocator.frame(message, type: .response, method: 40, requestID: 7, sizeHint: 1024).readableBytes
    }
    let copied = nsPerOp(iterations: 200_000) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        Frame.write(message, type: .response, method: 40, requestID: 7, to: &bytes)
        var buffer = allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        sink &+= buffer.readableBytes
    }
    if sink == 42 { print("") }
    print(
        String(
            format:
                "RecallResponse frame: into the ByteBuffer %7.0f ns (hint too small: %7.0f ns)   array + copy %7.0f ns",
            fitting, twice, copied))
}

private struct Row {
    var name: String
    var bytes: Int
    var encodeNs: Double
    var decodeNs: Double
}

private func measure<M: ProtoMessage>(_ name: String, _ message: M) -> Row {
    let bytes = message.serializedBytes()
    precondition((try? M(serializedBytes: bytes)) == message, "round trip failed for \(name)")
    var sink = 0
    let encodeNs = nsPerOp(iterations: 200_000) {
        sink &+= message.serializedBytes().count
    }
    let decodeNs = nsPerOp(iterations: 200_000) {
        bytes.withUnsafeBytes { raw in
            if let m = try? M(decoding: raw) { sink &+= withUnsafeBytes(of: m) { Int($0[0]) } }
        }
    }
    if sink == 42 { print("") }  // keeps the work observable
    return Row(name: name, bytes: bytes.count, encodeNs: encodeNs, decodeNs: decodeNs)
}

/// Best of five runs, after a warm-up, in nanoseconds per call.
func nsPerOp(iterations: Int, _ body: () -> Void) -> Double {
    for _ in 0..<(iterations / 10) { body() }
    var best = Double.infinity
    for _ in 0..<5 {
        let start = ContinuousClock.now
        for _ in 0..<(iterations / 5) { body() }
        let elapsed = ContinuousClock.now - start
        let ns = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        best = min(best, ns / Double(iterations / 5))
    }
    return best
}

private func sampleObserveRequest() -> Wire.ObserveRequest {
    var r = Wire.ObserveRequest()
    r.storeId = "st_01JD8W3K5Q7Z"
    r.profileId = "pr_01JD8W3M2X4N"
    for i in 0..<10 {
        var o = Wire.NewObservation()
        o.content =
            "Customer said the invoice for order #\(4810 + i) was charged twice and asked for a refund to the original card"
        o.source = "voice-agent"
        o.occurredAtUs = 1_767_225_600_000_000 + Int64(i) * 60_000_000
        o.conversationIds = ["conv_7f3a9c21", "conv_7f3a9c22"]
        o.subject = "billing.refund_request"
        o.idempotencyKey = "msg_01JD8W3P\(i)"
        r.observations.append(o)
    }
    return r
}

private func sampleRecallResponse() -> Wire.RecallResponse {
    var r = Wire.RecallResponse()
    for i in 0..<20 {
        var o = Wire.Observation()
        o.id = "ob_01JD8W3R\(100 + i)"
        o.content = "Prefers email over phone for follow-ups; mentioned a billing dispute about order #\(4810 + i)"
        o.source = "customer_service"
        o.occurredAtUs = 1_767_225_600_000_000 - Int64(i) * 86_400_000_000
        o.conversationIds = ["conv_7f3a9c\(i)"]
        o.createdAtUs = o.occurredAtUs + 5_000_000
        o.updatedAtUs = o.createdAtUs
        o.mentionCount = 1 + UInt32(i % 3)
        o.status = .active
        r.observations.append(
            Wire.ScoredObservation.with {
                $0.observation = o
                $0.score = 1 - Float(i) / 40
            })
    }
    r.traits = [
        "Contact": Wire.TraitGroup([
            "firstName": Wire.TraitValue(.stringValue("Alyssa"), updatedAtUs: 1_767_225_600_000_000),
            "email": Wire.TraitValue(.stringValue("alyssa@example.com"), updatedAtUs: 1_767_225_600_000_000),
        ]),
        "Account": Wire.TraitGroup(["tier": Wire.TraitValue(.stringValue("gold"), updatedAtUs: 1_767_225_600_000_000)]),
    ]
    r.profileId = "pr_01JD8W3M2X4N"
    r.queryTimeUs = 87
    r.effectiveQuery = "billing issue and communication preferences"
    return r
}

/// Times Google's runtime (Python's upb backend) on the same bytes, for scale.
private func pythonReference(observe: [UInt8], recall: [UInt8]) {
    let python = "/usr/bin/python3"
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let script = root.appendingPathComponent("scripts/wire-reference.py").path
    guard FileManager.default.isExecutableFile(atPath: python), FileManager.default.fileExists(atPath: script) else {
        print("reference: SKIPPED (needs \(python) with python3-protobuf, and \(script))")
        return
    }
    let dir = FileManager.default.temporaryDirectory
    let a = dir.appendingPathComponent("engram-bench-observe.bin")
    let b = dir.appendingPathComponent("engram-bench-recall.bin")
    try? Data(observe).write(to: a)
    try? Data(recall).write(to: b)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: python)
    p.arguments = [script, a.path, b.path]
    try? p.run()
    p.waitUntilExit()
}
