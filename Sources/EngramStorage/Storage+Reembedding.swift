import EngramCore
import Glibc
import Logging

extension Storage {
    /// Re-embeds, in the background, every profile whose observation vectors were made by
    /// another embedder than the engine's (the server was started with a new `--embedder`).
    ///
    /// Each profile is re-embedded whole and switched in one logged command
    /// (`Engine.reembed`), so its recall never compares vectors of two models; until then it
    /// ranks with its old vectors. Progress shows in `Engine.reembedProgress` (ServerInfo). The
    /// model runs on a thread of its own at a lower priority, so calls come first. After a
    /// pass that re-embedded something it looks again after `rescanInterval` (a merge during
    /// the pass can bring old vectors into a done profile); once a scan finds nothing it stops,
    /// since every vector written from then on is the current embedder's. Stops when storage
    /// closes.
    func startReembedding(rescanInterval: Duration = .seconds(60)) {
        startThread(name: "engram-reembed") { [self] in
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
            let target = engine.configuration.recall.embedder.identity
            while !closed.load(ordering: .relaxed) {
                let pending = engine.profilesToReembed()
                if pending.isEmpty { return }
                logger.notice(
                    "re-embedding profiles written with another embedder",
                    metadata: ["profiles": "\(pending.count)", "embedder": "\(target)"])
                let started = ContinuousClock.now
                var vectors = 0
                for (storeID, profileID) in pending {
                    if closed.load(ordering: .relaxed) { return }
                    do throws(EngineError) {
                        vectors += try engine.reembed(storeID: storeID, profileID: profileID)
                    } catch  where error.code == .notFound {
                        continue  // deleted meanwhile
                    } catch {
                        logger.warning(
                            "re-embedding a profile failed",
                            metadata: ["store_id": "\(storeID)", "profile_id": "\(profileID)", "error": "\(error)"])
                    }
                }
                logger.notice(
                    "re-embedding done",
                    metadata: [
                        "profiles": "\(pending.count)", "vectors": "\(vectors)",
                        "took": "\(ContinuousClock.now - started)",
                    ])
                // Sleep in short steps so close() is not kept waiting.
                let wake = ContinuousClock.now + rescanInterval
                while ContinuousClock.now < wake, !closed.load(ordering: .relaxed) {
                    usleep(100_000)
                }
            }
        }
    }
}
