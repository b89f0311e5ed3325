import EngramClient
import EngramTestSupport
import EngramWire
import Foundation
import Synchronization
import Testing

/// SIGKILL while identities are created, merged and deleted, traits set and removed,
/// observations deleted and snapshots written; after each restart the whole state a script
/// built is checked, not only observations: who owns each identifier, each profile's traits,
/// merged ids and observations, and that deleted things stay deleted.
///
/// Each writer runs the same eleven-step script over and over on fresh identifiers. The ledger
/// knows how many steps of each run were acknowledged; the one step in flight at the kill may
/// or may not have been applied, so the state found must be the script's state after the
/// acknowledged steps or after one more. Whichever it was is final: later restarts must find
/// the same.
@Suite("engramd process: the whole state across SIGKILL", .serialized)
struct WholeStateCrashTests {
    static let steps = 11

    /// One run of the script: its identifiers, the ids it learnt, how far it got.
    struct Run: Sendable {
        var tag: String
        /// Unique to the run (from its index in the ledger), so no two runs ever share one.
        var phone: String
        /// Acknowledged steps (0...steps).
        var acknowledged = 0
        /// A step sent and not answered when the server died.
        var inFlight = false
        /// Steps whose answers the writer saw (the ids below); a step found applied after a kill
        /// counts as acknowledged, but the id it created stays unknown.
        var answered = 0
        var p1 = ""
        var p2 = ""
        var p3 = ""
        var firstObservation = ""
    }

    final class LedgerBox: Sendable {
        let runs = Mutex<[Run]>([])
    }

    /// What a profile looks like from outside, ids written as the script's names (P1, P2, P3,
    /// or "new" for one created by the unacknowledged step).
    struct ProfileView: Hashable, CustomStringConvertible {
        var name: String
        var traits: [String: Int64]
        var merged: [String]
        var observations: Set<String>
        var description: String { "\(name) traits \(traits) merged \(merged) observations \(observations.sorted())" }
    }

    /// The owners of the run's three identifiers (email a, phone b, email c).
    struct StateView: Hashable, CustomStringConvertible {
        var a: [ProfileView]
        var b: [ProfileView]
        var c: [ProfileView]
        var description: String { "a: \(a) b: \(b) c: \(c)" }
    }

    /// The script's state after `k` steps; profiles created by a step past `known` are "new".
    static func expected(after k: Int, known: Int) -> StateView {
        func name(_ role: String, createdBy step: Int) -> String { step <= known ? role : "new" }
        var p1Traits: [String: Int64] = ["x": 1]
        if k >= 5 { p1Traits["y"] = 2 }  // from P2 by the merge; P2's older x lost to P1's
        if k >= 7 { p1Traits["y"] = nil }
        var p1Observations: Set<String> = k >= 3 ? ["one", "two"] : []
        if k >= 6 { p1Observations.remove("one") }
        let p1 = ProfileView(
            name: name("P1", createdBy: 1), traits: p1Traits, merged: k >= 5 ? [name("P2", createdBy: 2)] : [],
            observations: p1Observations)
        let p2 = ProfileView(
            name: name("P2", createdBy: 2), traits: k >= 4 ? ["y": 2, "x": 5] : ["y": 2, "z": 3], merged: [],
            observations: [])
        let p3 = ProfileView(
            name: name("P3", createdBy: 9), traits: [:], merged: [], observations: k >= 10 ? ["three"] : [])
        return StateView(
            a: k >= 1 ? [p1] : [], b: k >= 5 ? [p1] : k >= 2 ? [p2] : [], c: (9...10).contains(k) ? [p3] : [])
    }

    @Test func mergesDeletionsAndTraitRemovalsSurviveSIGKILL() async throws {
        let rounds = Int(ProcessInfo.processInfo.environment["ENGRAM_CRASH_ROUNDS"] ?? "") ?? 12
        try await withTemporaryDirectory { dir in
            let data = dir + "/data"
            let ledger = LedgerBox()
            var rng = SeededGenerator(seed: UInt64(UInt32.random(in: 0...UInt32.max)))
            let arguments = ["--segment-bytes", "16384", "--snapshot-every", "60", "--snapshot-interval", "1"]
            var store = ""
            var ambiguous = 0
            var appliedUnacknowledged = 0
            var snapshots = 0
            for round in 0...rounds {
                let server = try EngramdProcess(dataDirectory: data, arguments: arguments)
                defer { server.removeLog() }
                try await server.waitUntilServing()
                let client = try server.client(connections: 4)
                defer { client.close() }
                if store.isEmpty {
                    store = try await client.createStore(.with { $0.displayName = "whole-state" }).store!.id
                }
                // Every run so far, as the ledger says; the step in flight settles either way.
                let runs = ledger.runs.withLock { $0 }
                var settled = runs
                for (index, run) in runs.enumerated() {
                    let found = try await Self.view(of: run, client: client, store: store)
                    let acknowledged = Self.expected(after: run.acknowledged, known: run.answered)
                    if found == acknowledged {
                        settled[index].inFlight = false
                        continue
                    }
                    if run.inFlight, run.acknowledged < Self.steps,
                        found == Self.expected(after: run.acknowledged + 1, known: run.answered)
                    {
                        settled[index].inFlight = false
                        settled[index].acknowledged += 1
                        appliedUnacknowledged += 1
                        continue
                    }
                    Issue.record(
                        "run \(run.tag) (\(run.acknowledged) steps acknowledged\(run.inFlight ? ", one in flight" : "")): found \(found), expected \(acknowledged)\nserver log:\n\(server.log.suffix(2_000))"
                    )
                }
                ambiguous += runs.count(where: \.inFlight)
                // Once P2's removal of z and P1's of y are in, older writes of them change nothing.
                for run in settled where run.acknowledged >= 7 {
                    _ = try await client.updateTraits(
                        .with {
                            $0.storeId = store
                            $0.profileId = run.p2
                            $0.traits = ["T": .with { $0.traits = ["z": .init(.integerValue(9), updatedAtUs: 1_500)] }]
                        })
                    _ = try await client.updateTraits(
                        .with {
                            $0.storeId = store
                            $0.profileId = run.p1
                            $0.traits = ["T": .with { $0.traits = ["y": .init(.integerValue(7), updatedAtUs: 2_500)] }]
                        })
                }
                // A run whose unacknowledged step was lost stays where it was; the next round's
                // writers start new runs.
                ledger.runs.withLock { $0 = settled }
                guard round < rounds else {
                    server.kill(SIGTERM)
                    #expect(await server.waitForExit() == 0, "graceful shutdown: \(server.log)")
                    break
                }

                let killAfter = Duration.milliseconds(Int.random(in: 30...300, using: &rng))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for writer in 0..<6 {
                        let storeID = store
                        group.addTask {
                            var sequence = 0
                            while await Self.runScript(
                                client, store: storeID, tag: "r\(round)w\(writer)s\(sequence)", ledger: ledger)
                            {
                                sequence += 1
                            }
                        }
                    }
                    group.addTask {
                        while (try? await client.snapshot(deadline: .seconds(5))) != nil {
                            try? await Task.sleep(for: .milliseconds(25))
                        }
                    }
                    try await Task.sleep(for: killAfter)
                    server.kill()
                    try await group.waitForAll()
                }
                _ = await server.waitForExit()
                snapshots += server.log.components(separatedBy: "snapshot written").count - 1
            }
            let runs = ledger.runs.withLock { $0 }
            let stepsDone = runs.reduce(0) { $0 + $1.acknowledged }
            #expect(runs.count(where: { $0.acknowledged == Self.steps }) > rounds, "runs completed the script")
            #expect(runs.contains { (1..<Self.steps).contains($0.acknowledged) }, "kills landed inside the script")
            print(
                "whole-state crash test: \(rounds) SIGKILL rounds, \(runs.count) script runs, \(stepsDone) steps acknowledged, \(ambiguous) steps in flight at a kill (\(appliedUnacknowledged) of them found applied), \(snapshots) snapshots written"
            )
        }
    }

    /// Runs the script once; false when the server went away.
    static func runScript(_ client: EngramClient, store: String, tag: String, ledger: LedgerBox) async -> Bool {
        let index = ledger.runs.withLock { runs in
            runs.append(Run(tag: tag, phone: "+1317555" + String(String(10_000 + runs.count).suffix(4))))
            return runs.count - 1
        }
        guard index < 10_000 else { return false }
        func ledgerRun() -> Run { ledger.runs.withLock { $0[index] } }
        func identifier(_ type: String, _ value: String) -> Wire.Identifier {
            .with {
                $0.type = type
                $0.value = value
            }
        }
        func traits(_ values: [String: Int64?], at time: Int64) -> [String: Wire.TraitGroup] {
            [
                "T": .with {
                    $0.traits = values.mapValues { value in
                        value.map { Wire.TraitValue(.integerValue($0), updatedAtUs: time) }
                            ?? Wire.TraitValue(.nullValue(true), updatedAtUs: time)
                    }
                }
            ]
        }
        let (a, c) = (identifier("email", "\(tag)@a.io"), identifier("email", "\(tag)@c.io"))
        let phone = identifier("phone", ledgerRun().phone)
        for step in 1...steps {
            ledger.runs.withLock { $0[index].inFlight = true }
            let run = ledgerRun()
            do {
                switch step {
                case 1:
                    let r = try await client.resolveIdentity(
                        .with {
                            $0.storeId = store
                            $0.identifiers = [a]
                            $0.traits = traits(["x": 1], at: 1_000)
                        }, deadline: .seconds(5))
                    ledger.runs.withLock { $0[index].p1 = r.profile!.id }
                case 2:
                    let r = try await client.resolveIdentity(
                        .with {
                            $0.storeId = store
                            $0.identifiers = [phone]
                            $0.traits = traits(["y": 2, "z": 3], at: 1_000)
                        }, deadline: .seconds(5))
                    ledger.runs.withLock { $0[index].p2 = r.profile!.id }
                case 3:
                    let r = try await client.observe(
                        .with {
                            $0.storeId = store
                            $0.profileId = run.p1
                            $0.observations = ["one", "two"].map { text in
                                .with {
                                    $0.content = text
                                    $0.source = "whole-state"
                                    $0.occurredAtUs = 1_700_000_000_000_000
                                }
                            }
                        }, deadline: .seconds(5))
                    ledger.runs.withLock { $0[index].firstObservation = r.results[0].observationId }
                case 4:
                    _ = try await client.updateTraits(
                        .with {
                            $0.storeId = store
                            $0.profileId = run.p2
                            $0.traits = traits(["z": nil, "x": 5], at: 2_000)
                            $0.traits["T"]!.traits["x"]!.updatedAtUs = 500
                        }, deadline: .seconds(5))
                case 5:
                    _ = try await client.resolveIdentity(
                        .with {
                            $0.storeId = store
                            $0.identifiers = [a, phone]
                        }, deadline: .seconds(5))
                case 6:
                    _ = try await client.deleteObservation(
                        .with {
                            $0.storeId = store
                            $0.profileId = run.p1
                            $0.observationId = run.firstObservation
                        }, deadline: .seconds(5))
                case 7:
                    // Through the merged-away id.
                    _ = try await client.updateTraits(
                        .with {
                            $0.storeId = store
                            $0.profileId = run.p2
                            $0.traits = traits(["y": nil], at: 3_000)
                        }, deadline: .seconds(5))
                case 8:
                    // Older than the removals: changes nothing.
                    _ = try await client.updateTraits(
                        .with {
                            $0.storeId = store
                            $0.profileId = run.p1
                            $0.traits = traits(["y": 8, "z": 8], at: 1_800)
                        }, deadline: .seconds(5))
                case 9:
                    let r = try await client.resolveIdentity(
                        .with {
                            $0.storeId = store
                            $0.identifiers = [c]
                        }, deadline: .seconds(5))
                    ledger.runs.withLock { $0[index].p3 = r.profile!.id }
                case 10:
                    _ = try await client.observe(
                        .with {
                            $0.storeId = store
                            $0.profileId = run.p3
                            $0.observations = [
                                .with {
                                    $0.content = "three"
                                    $0.source = "whole-state"
                                    $0.occurredAtUs = 1_700_000_000_000_000
                                }
                            ]
                        }, deadline: .seconds(5))
                default:
                    _ = try await client.deleteProfile(
                        .with {
                            $0.storeId = store
                            $0.profileId = run.p3
                        }, deadline: .seconds(5))
                }
            } catch {
                if let error = error as? EngramClientError, error.code != .unavailable {
                    Issue.record("step \(step) of \(tag) failed with \(error), not because the server died")
                }
                return false
            }
            ledger.runs.withLock {
                $0[index].acknowledged = step
                $0[index].answered = step
                $0[index].inFlight = false
            }
        }
        return true
    }

    /// The run's identifiers' owners as the server has them now.
    static func view(of run: Run, client: EngramClient, store: String) async throws -> StateView {
        var names: [String: String] = [:]
        for (id, name) in [(run.p1, "P1"), (run.p2, "P2"), (run.p3, "P3")] where !id.isEmpty { names[id] = name }
        func name(_ id: String) -> String { names[id] ?? "new" }
        func owners(_ type: String, _ value: String) async throws -> [ProfileView] {
            let found = try await client.lookupProfiles(
                .with {
                    $0.storeId = store
                    $0.identifier = .with {
                        $0.type = type
                        $0.value = value
                    }
                })
            var views: [ProfileView] = []
            for profile in found.profiles {
                var traits: [String: Int64] = [:]
                for (key, value) in profile.traits["T"]?.traits ?? [:] {
                    if case .integerValue(let v)? = value.kind { traits[key] = v }
                }
                let observations = try await client.listObservations(
                    .with {
                        $0.storeId = store
                        $0.profileId = profile.id
                        $0.pageSize = 100
                    })
                views.append(
                    ProfileView(
                        name: name(profile.id), traits: traits, merged: profile.mergedProfileIds.map(name),
                        observations: Set(observations.observations.map(\.content))))
            }
            return views
        }
        return StateView(
            a: try await owners("email", "\(run.tag)@a.io"), b: try await owners("phone", run.phone),
            c: try await owners("email", "\(run.tag)@c.io"))
    }
}
