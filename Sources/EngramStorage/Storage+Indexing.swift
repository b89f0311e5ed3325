import EngramCore
import Glibc
import Logging
import Synchronization

extension Storage {
    /// Builds the indexes recovery left for later (see `Engine.buildPendingIndexes`) on one
    /// background thread per core, at a lower priority so calls come first; stops when
    /// storage closes.
    func startIndexing() {
        let parts = max(1, EngineClock.coreCount)
        let started = ContinuousClock.now
        let built = Atomic<Int>(0)
        indexing.store(parts, ordering: .relaxed)
        for part in 0..<parts {
            startThread(name: "engram-indexer") { [self] in
                // Linux keeps a nice value per thread (who = 0 is this one): the scheduler then
                // favours the threads serving calls. No lock is held while building.
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
                let count = engine.buildPendingIndexes(part: part, of: parts) { closed.load(ordering: .relaxed) }
                let total = built.add(count, ordering: .relaxed).newValue
                if indexing.subtract(1, ordering: .relaxed).newValue == 0, total > 0 {
                    logger.info(
                        "restored profiles indexed",
                        metadata: [
                            "profiles": "\(total)", "threads": "\(parts)",
                            "duration": "\(ContinuousClock.now - started)",
                        ])
                }
            }
        }
    }

    /// Whether restored profiles are still being indexed in the background. Every call is
    /// served meanwhile; the first recall or write to a profile not yet indexed indexes it.
    public var isIndexing: Bool { indexing.load(ordering: .relaxed) > 0 }
}
