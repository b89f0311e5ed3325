import EngramCore
import EngramTestSupport
import Synchronization
import Testing

/// A clock that advances one microsecond per reading, from a fixed start.
final class ManualClock: Sendable {
    private let time: Mutex<Int64>

    init(start: Int64 = 1_700_000_000_000_000) {
        time = Mutex(start)
    }

    /// The last time read (without advancing).
    var current: Int64 { time.withLock { $0 } }

    func tick() -> Int64 {
        time.withLock { value in
            value += 1
            return value
        }
    }

    func advance(by micros: Int64) {
        time.withLock { $0 += micros }
    }
}

/// A journal that keeps every command, numbered from 1.
final class RecordingJournal: CommandJournal {
    private let entries = Mutex<[Command]>([])

    func append(_ command: Command) -> UInt64 {
        entries.withLock { list in
            list.append(command)
            return UInt64(list.count)
        }
    }

    var commands: [Command] { entries.withLock { $0 } }
}

struct TestEngine {
    let engine: Engine
    let clock: ManualClock
    let journal: RecordingJournal
}

func makeEngine(
    shards: Int = 4, limits: EngineLimits = EngineLimits(), window: Int = 200, threshold: Double = 0.9,
    ids: any IDGenerator = SequentialIDGenerator()
) -> TestEngine {
    let clock = ManualClock()
    let journal = RecordingJournal()
    let configuration = EngineConfiguration(
        shardCount: shards, communicationsWindow: window, duplicateSimilarityThreshold: threshold, limits: limits,
        idGenerator: ids, clock: { clock.tick() })
    return TestEngine(engine: Engine(configuration: configuration, journal: journal), clock: clock, journal: journal)
}

/// Runs `body`, which must fail with `code`; with `field`, a violation must name it.
@discardableResult
func expectError<R>(
    _ code: EngineError.Code, field: String? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> R
) -> EngineError? {
    do {
        let result = try body()
        Issue.record("expected a \(code) error, got \(result)", sourceLocation: sourceLocation)
        return nil
    } catch let error as EngineError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        if let field {
            #expect(
                error.fieldViolations.contains { $0.field == field },
                "expected a violation of \(field), got \(error.fieldViolations)", sourceLocation: sourceLocation)
            #expect(error.message.contains(field) || error.fieldViolations.count > 1, sourceLocation: sourceLocation)
        }
        return error
    } catch {
        Issue.record("expected an EngineError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

func observation(
    _ content: String, at occurredAt: Int64 = 1_000, source: String = "agent", conversations: [String] = ["conv-1"],
    subject: String? = nil, key: String? = nil, embedding: [Float]? = nil
) -> ObservationInput {
    ObservationInput(
        content: content, source: source, occurredAt: occurredAt, conversationIDs: conversations, subjectKey: subject,
        embedding: embedding, idempotencyKey: key)
}

func email(_ value: String) -> IdentifierInput { IdentifierInput(type: "email", value: value) }
func phone(_ value: String) -> IdentifierInput { IdentifierInput(type: "phone", value: value) }

extension Engine {
    /// A store with default settings.
    func makeStore(_ name: String = "test") throws(EngineError) -> String {
        try createStore(displayName: name).store.id
    }

    /// A new profile holding one email.
    func makeProfile(store: String, email value: String) throws(EngineError) -> String {
        try resolveIdentity(storeID: store, identifiers: [email(value)]).profileID
    }
}
