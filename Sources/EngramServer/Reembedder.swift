import EngramCore
import Logging
import NIOPosix
import ServiceLifecycle

/// Re-embeds, in the background, every profile whose observation vectors were made by
/// another embedder than the engine's (the server was started with a new `--embedder`).
///
/// Each profile is re-embedded whole and switched in one logged command, so its recall
/// never compares vectors of two models; until then it ranks with its old vectors.
/// Progress shows in ServerInfo. The model runs on NIO's thread pool, never on an event
/// loop. After a pass that re-embedded something it looks again after `rescanInterval` (a
/// merge during the pass can bring old vectors into a done profile); once a scan finds
/// nothing it stops, since every vector written from then on is the current embedder's.
public struct Reembedder: Service {
    let engine: Engine
    let logger: Logger
    let rescanInterval: Duration

    public init(engine: Engine, logger: Logger, rescanInterval: Duration = .seconds(60)) {
        self.engine = engine
        self.logger = logger
        self.rescanInterval = rescanInterval
    }

    public func run() async throws {
        let engine = self.engine
        let target = engine.configuration.recall.embedder.identity
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let pending = try await NIOThreadPool.singleton.runIfActive { engine.profilesToReembed() }
            if pending.isEmpty { break }
            logger.notice(
                "re-embedding profiles written with another embedder",
                metadata: ["profiles": "\(pending.count)", "embedder": "\(target)"])
            let started = ContinuousClock.now
            var vectors = 0
            for (storeID, profileID) in pending {
                if Task.isShuttingDownGracefully || Task.isCancelled { return }
                do {
                    vectors += try await NIOThreadPool.singleton.runIfActive {
                        try engine.reembed(storeID: storeID, profileID: profileID)
                    }
                } catch let error as EngineError where error.code == .notFound {
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
                    "profiles": "\(pending.count)", "vectors": "\(vectors)", "took": "\(ContinuousClock.now - started)",
                ])
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: rescanInterval) }
            } catch {
                return
            }
        }
        // Nothing left to re-embed. A service that returns ends its group, so stay until shutdown.
        try? await gracefulShutdown()
    }
}
