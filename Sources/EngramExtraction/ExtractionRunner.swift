import EngramCore
import Logging
import Metrics
import ServiceLifecycle

/// What /metrics shows of extraction.
enum ExtractionMetrics {
    static let pending = Gauge(label: "engram_extraction_pending")
    static let running = Gauge(label: "engram_extraction_running")
    static let completed = Counter(label: "engram_extraction_completed_total")
    static let failed = Counter(label: "engram_extraction_failed_total")
    /// From a conversation's close to its result.
    static let latency = Metrics.Timer(label: "engram_extraction_latency_seconds", preferredDisplayUnit: .seconds)
}

/// Runs the extractors on closed conversations, as a service beside the server.
///
/// It extracts what was closed but not extracted when it starts (after a crash, the log has
/// the closes and not the results), then each conversation as it closes, at most
/// `concurrency` at once; every second it closes the conversations whose store's idle
/// timeout has passed, and looks for closed ones it has not seen (a merge can close one).
/// An extractor's failure leaves the conversation FAILED with the reason and nothing written.
/// Run one per engine: it is the only reader of the engine's `closedConversations` stream.
public struct ExtractionRunner: Service {
    let engine: Engine
    let extractors: [ExtractorKind: any ConversationExtractor]
    let concurrency: Int
    let sweepInterval: Duration
    let retentionInterval: Duration
    let logger: Logger

    /// - Parameters:
    ///   - extractors: by kind; a store whose kind has none gets FAILED conversations saying so.
    ///   - concurrency: extractions at once (an LLM call takes seconds; rules take microseconds).
    public init(
        engine: Engine, extractors: [ExtractorKind: any ConversationExtractor], concurrency: Int = 4,
        sweepInterval: Duration = .seconds(1), retentionInterval: Duration = .seconds(60), logger: Logger
    ) {
        self.retentionInterval = retentionInterval
        self.engine = engine
        self.extractors = extractors
        self.concurrency = max(1, concurrency)
        self.sweepInterval = sweepInterval
        self.logger = logger
    }

    public func run() async throws {
        let queue = WorkQueue()
        await cancelWhenGracefulShutdown {
            await withTaskCancellationHandler {
                await withDiscardingTaskGroup { group in
                    // The sweeper: idle timeouts, and anything closed that no event announced.
                    group.addTask {
                        while !Task.isCancelled {
                            engine.closeIdleConversations()
                            for key in engine.pendingExtractions() { await queue.push(key) }
                            let stats = engine.extractionStats()
                            ExtractionMetrics.pending.record(stats.pending)
                            ExtractionMetrics.running.record(stats.running)
                            try? await Task.sleep(for: sweepInterval)
                        }
                    }
                    // Retention: what a store keeps no longer is erased.
                    group.addTask {
                        while !Task.isCancelled {
                            let erased = engine.expireRetained()
                            if !erased.isEmpty {
                                logger.info(
                                    "retention erased",
                                    metadata: [
                                        "profiles": "\(erased.count)",
                                        "messages": "\(erased.reduce(0) { $0 + $1.messagesErased })",
                                        "observations": "\(erased.reduce(0) { $0 + $1.observationsErased })",
                                    ])
                            }
                            try? await Task.sleep(for: retentionInterval)
                        }
                    }
                    // Conversations as they close.
                    group.addTask {
                        for await key in engine.closedConversations {
                            await queue.push(key)
                        }
                    }
                    for _ in 0..<concurrency {
                        group.addTask {
                            while let key = await queue.pop() {
                                await extract(key)
                                await queue.done(key)
                            }
                        }
                    }
                }
            } onCancel: {
                Task { await queue.close() }
            }
        }
    }

    func record(_ result: ExtractionResult, _ job: ExtractionJob) {
        if result.conversation.state == .failed {
            ExtractionMetrics.failed.increment()
        } else {
            ExtractionMetrics.completed.increment()
        }
        let latency = max(0, result.conversation.updatedAt - job.closedAt)
        ExtractionMetrics.latency.recordNanoseconds(latency * 1_000)
    }

    /// Extracts one conversation, if it is still waiting.
    func extract(_ key: ConversationKey) async {
        guard
            let job = engine.beginExtraction(
                key, extractorName: { kind in extractors[kind]?.name ?? kind.rawValue })
        else { return }
        guard let extractor = extractors[job.extractor] else {
            _ = try? engine.finishExtraction(
                job, extractorName: job.extractor.rawValue, output: nil,
                failure: "this server has no \(job.extractor.rawValue) extractor")
            return
        }
        do {
            let output = try await extractor.extract(job)
            if Task.isCancelled {
                engine.abandonExtraction(job)
                return
            }
            let result = try engine.finishExtraction(job, extractorName: extractor.name, output: output)
            record(result, job)
            logger.debug(
                "extracted",
                metadata: [
                    "store": "\(key.storeID)", "conversation": "\(key.conversationID)",
                    "observations": "\(result.outcomes.count)", "state": "\(result.conversation.state.rawValue)",
                ])
        } catch let error as ExtractionError {
            if Task.isCancelled {
                engine.abandonExtraction(job)
                return
            }
            logger.warning(
                "extraction failed",
                metadata: ["store": "\(key.storeID)", "conversation": "\(key.conversationID)", "error": "\(error)"])
            do {
                record(
                    try engine.finishExtraction(
                        job, extractorName: extractor.name, output: nil, failure: error.message),
                    job)
            } catch {
                engine.abandonExtraction(job)
            }
        } catch {
            // Recording failed (the profile or store was erased meanwhile): nothing to keep.
            logger.debug(
                "extraction not recorded",
                metadata: ["store": "\(key.storeID)", "conversation": "\(key.conversationID)", "error": "\(error)"])
            engine.abandonExtraction(job)
        }
    }
}

/// Conversations waiting for a worker, each at most once in the queue or in work.
actor WorkQueue {
    private var waiting: [ConversationKey] = []
    private var head = 0
    private var known: Set<String> = []
    private var waiters: [CheckedContinuation<ConversationKey?, Never>] = []
    private var closed = false

    private static func slot(_ key: ConversationKey) -> String { key.storeID + "\u{0}" + key.conversationID }

    func push(_ key: ConversationKey) {
        guard !closed, known.insert(Self.slot(key)).inserted else { return }
        if !waiters.isEmpty {
            waiters.removeFirst().resume(returning: key)
        } else {
            waiting.append(key)
        }
    }

    /// The next conversation; nil once the queue is closed (what waits is left for the next
    /// run, which finds it again among the closed ones).
    func pop() async -> ConversationKey? {
        if closed { return nil }
        if head < waiting.count {
            let key = waiting[head]
            head += 1
            if head > 1_024, head * 2 > waiting.count {
                waiting.removeFirst(head)
                head = 0
            }
            return key
        }
        if closed { return nil }
        return await withCheckedContinuation { waiters.append($0) }
    }

    func done(_ key: ConversationKey) {
        known.remove(Self.slot(key))
    }

    func close() {
        closed = true
        for waiter in waiters { waiter.resume(returning: nil) }
        waiters.removeAll()
    }
}
