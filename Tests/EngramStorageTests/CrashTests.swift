import EngramClient
import EngramTestSupport
import EngramWire
import Foundation
import Synchronization
import Testing

/// Kills the real engramd with SIGKILL at random moments while clients write, restarts it,
/// and checks that every acknowledged write is there and no write is half there.
@Suite("engramd process: crashes, locks, directories", .serialized)
struct CrashTests {
    /// One Observe call: two facts, a summary and a communication, all or nothing.
    struct ObserveCall: Sendable, Hashable {
        var profileID: String
        var tokens: [String]
    }

    final class LedgerBox: Sendable {
        let mutex = Mutex(Ledger())
    }

    struct Ledger: Sendable {
        /// Profiles whose ResolveIdentity was acknowledged: email, id, the trait it set.
        var profiles: [(email: String, id: String, writer: Int64)] = []
        var attempted: [ObserveCall] = []
        var acknowledged: Set<ObserveCall> = []
    }

    @Test func acknowledgedWritesSurviveSIGKILL() async throws {
        let rounds = Int(ProcessInfo.processInfo.environment["ENGRAM_CRASH_ROUNDS"] ?? "") ?? 20
        try await withTemporaryDirectory { dir in
            let data = dir + "/data"
            let ledger = LedgerBox()
            var rng = SeededGenerator(seed: UInt64(UInt32.random(in: 0...UInt32.max)))
            // Small segments and frequent snapshots, so kills land in rolls and snapshots too.
            let arguments = ["--segment-bytes", "32768", "--snapshot-every", "150", "--snapshot-interval", "1"]
            var store = ""
            var checkedUpTo = 0
            var tornTails = 0
            var snapshotsWritten = 0
            for round in 0..<rounds {
                let server = try EngramdProcess(dataDirectory: data, arguments: arguments)
                defer { server.removeLog() }
                try await server.waitUntilServing()
                let client = try server.client()
                defer { client.close() }
                if store.isEmpty {
                    store = try await client.createStore(.with { $0.displayName = "crash" }).store!.id
                }
                // What the previous round acknowledged is all here.
                try await verify(
                    client, store: store, ledger: ledger.mutex.withLock { $0 }, from: checkedUpTo, server: server)
                checkedUpTo = ledger.mutex.withLock { $0.profiles.count }

                let killAfter = Duration.milliseconds(Int.random(in: 20...350, using: &rng))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for writer in 0..<8 {
                        let storeID = store
                        group.addTask {
                            await Self.write(client, store: storeID, round: round, writer: writer, ledger: ledger)
                        }
                    }
                    // Snapshot requests too (the Snapshot method), so kills also land mid-snapshot.
                    group.addTask {
                        while (try? await client.snapshot(deadline: .seconds(5))) != nil {
                            try? await Task.sleep(for: .milliseconds(30))
                        }
                    }
                    try await Task.sleep(for: killAfter)
                    server.kill()
                    try await group.waitForAll()
                }
                _ = await server.waitForExit()
                if server.log.contains("torn record") { tornTails += 1 }
                snapshotsWritten += server.log.components(separatedBy: "snapshot written").count - 1
            }
            // Final check of everything, then a graceful stop, which writes a snapshot.
            let server = try EngramdProcess(dataDirectory: data, arguments: arguments)
            defer { server.removeLog() }
            try await server.waitUntilServing()
            let client = try server.client()
            let final = ledger.mutex.withLock { $0 }
            try await verify(client, store: store, ledger: final, from: 0, server: server)
            client.close()
            #expect(final.acknowledged.count > rounds, "the writers got acknowledgements to check")
            print(
                "crash test: \(rounds) SIGKILL rounds, \(final.profiles.count) profiles, \(final.acknowledged.count) of \(final.attempted.count) Observe calls acknowledged, \(snapshotsWritten) snapshots written, \(tornTails) torn tails cut"
            )
            server.kill(SIGTERM)
            #expect(await server.waitForExit() == 0, "graceful shutdown: \(server.log)")
            #expect(server.log.contains("shutdown snapshot written"), "\(server.log)")
            let snapshots = try FileManager.default.contentsOfDirectory(atPath: data + "/snapshots")
            #expect(snapshots.count >= 1 && snapshots.allSatisfy { $0.hasSuffix(".sqlite") }, "\(snapshots)")
        }
    }

    /// Writes until the server dies: one profile, then Observe calls on it.
    static func write(_ client: EngramClient, store: String, round: Int, writer: Int, ledger: LedgerBox) async {
        let email = "r\(round)w\(writer)@crash.io"
        let profileID: String
        do {
            let response = try await client.resolveIdentity(
                .with {
                    $0.storeId = store
                    $0.identifiers = [
                        .with {
                            $0.type = "email"
                            $0.value = email
                        }
                    ]
                    $0.traits = [
                        "Crash": .with { $0.traits = ["writer": Wire.TraitValue(.integerValue(Int64(writer)))] }
                    ]
                }, deadline: .seconds(5))
            profileID = response.profile!.id
        } catch {
            if let error = error as? EngramClientError, error.code != .unavailable {
                Issue.record("ResolveIdentity failed with \(error), not because the server died")
            }
            return
        }
        ledger.mutex.withLock { $0.profiles.append((email, profileID, Int64(writer))) }
        for i in 0..<100_000 {
            let call = ObserveCall(
                profileID: profileID,
                tokens: [
                    "f\(round)x\(writer)x\(i)a\(UInt32.random(in: 0...UInt32.max))",
                    "g\(round)y\(writer)y\(i)b\(UInt32.random(in: 0...UInt32.max))",
                ])
            ledger.mutex.withLock { $0.attempted.append(call) }
            do {
                _ = try await client.observe(
                    .with {
                        $0.storeId = store
                        $0.profileId = profileID
                        $0.observations = call.tokens.map { token in
                            .with {
                                $0.content = "the customer mentioned \(token)"
                                $0.source = "crash-test"
                                $0.occurredAtUs = 1_700_000_000_000_000
                            }
                        }
                        $0.summaries = [
                            .with {
                                $0.content = "summary of \(call.tokens[0])"
                                $0.conversationId = "conv-\(i)"
                                $0.source = "crash-test"
                                $0.occurredAtUs = 1_700_000_000_000_000
                            }
                        ]
                    }, deadline: .seconds(5))
            } catch {
                if let error = error as? EngramClientError, error.code != .unavailable {
                    Issue.record("Observe failed with \(error), not because the server died")
                }
                return
            }
            ledger.mutex.withLock { _ = $0.acknowledged.insert(call) }
        }
    }

    /// Every acknowledged profile and Observe is present; every attempted Observe is all there or absent.
    func verify(_ client: EngramClient, store: String, ledger: Ledger, from first: Int, server: EngramdProcess)
        async throws
    {
        let calls = Dictionary(grouping: ledger.attempted, by: \.profileID)
        for entry in ledger.profiles[first...] {
            let found = try await client.lookupProfiles(
                .with {
                    $0.storeId = store
                    $0.identifier = .with {
                        $0.type = "email"
                        $0.value = entry.email
                    }
                })
            #expect(found.profiles.map(\.id) == [entry.id], "acknowledged profile \(entry.email) after restart")
            guard let profile = found.profiles.first else { continue }
            if case .integerValue(let w)? = profile.traits["Crash"]?.traits["writer"]?.kind {
                #expect(w == entry.writer)
            } else {
                Issue.record("profile \(entry.id) lost the trait its ResolveIdentity set")
            }
            var contents = Set<String>()
            var token = ""
            repeat {
                let page = try await client.listObservations(
                    .with {
                        $0.storeId = store
                        $0.profileId = entry.id
                        $0.pageSize = 100
                        $0.pageToken = token
                    })
                for o in page.observations { contents.insert(o.content) }
                token = page.nextPageToken
            } while !token.isEmpty
            var applied = 0
            for call in calls[entry.id] ?? [] {
                let present = call.tokens.map { contents.contains("the customer mentioned \($0)") }
                if ledger.acknowledged.contains(call) {
                    #expect(present == [true, true], "acknowledged Observe \(call.tokens) is missing after SIGKILL")
                }
                #expect(present[0] == present[1], "Observe \(call.tokens) is half applied")
                if present[0] { applied += 1 }
            }
            #expect(contents.count == applied * 2, "no observation appears that was not written")
            #expect(profile.summaryCount == UInt64(applied), "summaries match applied Observe calls")
        }
    }

    /// A conversation closed and acknowledged, then SIGKILL before any extractor ran: after
    /// the restart it is still CLOSED, and extracted once its store has an extractor.
    @Test func aClosedConversationSurvivesSIGKILLAndIsExtractedAfterTheRestart() async throws {
        try await withTemporaryDirectory { dir in
            let data = dir + "/data"
            let first = try EngramdProcess(dataDirectory: data)
            defer { first.removeLog() }
            try await first.waitUntilServing()
            let client = try first.client()
            // A store that extracts nothing yet: its closed conversation waits.
            var none = Wire.ConversationSettings()
            none.extractor = .none
            let store = try #require(
                try await client.createStore(
                    .with {
                        $0.displayName = "killed"
                        $0.conversationSettings = none
                    }
                ).store?.id)
            var author = Wire.Participant()
            author.type = .customer
            author.address = "+1 415 555 0100"
            var message = Wire.Communication()
            message.id = "m1"
            message.author = author
            message.channel = .sms
            message.text = "Please text me instead of calling."
            let appended = try await client.appendCommunications(
                .with {
                    $0.storeId = store
                    $0.conversationId = "sms-1"
                    $0.communications = [message]
                    $0.close = true
                })
            #expect(appended.conversation?.state == .closed)
            client.close()
            first.kill()
            _ = await first.waitForExit()

            let second = try EngramdProcess(dataDirectory: data)
            defer { second.removeLog() }
            try await second.waitUntilServing()
            let again = try second.client()
            defer { again.close() }
            func state() async throws -> Wire.Conversation {
                try await again.getConversation(
                    .with {
                        $0.storeId = store
                        $0.conversationId = "sms-1"
                    }
                ).conversation ?? Wire.Conversation()
            }
            #expect(try await state().state == .closed)
            var rules = Wire.ConversationSettings()
            rules.extractor = .rules
            _ = try await again.updateStore(
                .with {
                    $0.storeId = store
                    $0.conversationSettings = rules
                })
            let deadline = ContinuousClock.now + .seconds(20)
            var conversation = try await state()
            while conversation.state != .extracted && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
                conversation = try await state()
            }
            #expect(conversation.state == .extracted && !conversation.observationIds.isEmpty, "\(conversation)")
            second.kill(SIGTERM)
            #expect(await second.waitForExit() == 0)
        }
    }

    @Test func secondServerOnTheSameDirectoryRefusesToStart() async throws {
        try await withTemporaryDirectory { dir in
            let data = dir + "/data"
            let first = try EngramdProcess(dataDirectory: data)
            defer { first.removeLog() }
            try await first.waitUntilServing()
            let second = try EngramdProcess(dataDirectory: data)
            defer { second.removeLog() }
            #expect(await second.waitForExit() != 0)
            #expect(second.log.contains("is in use by another engramd"), "\(second.log)")
            first.kill(SIGTERM)
            #expect(await first.waitForExit() == 0)
        }
    }

    @Test func unwritableDataDirectoryIsAClearStartupError() async throws {
        try await withTemporaryDirectory { dir in
            let data = dir + "/data"
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: false)
            chmod(dir, 0o755)
            chmod(data, 0o755)
            // As root permissions are not enforced, so run engramd as nobody via setpriv.
            let wrapper =
                geteuid() == 0 ? ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : []
            if geteuid() != 0 { chmod(data, 0o500) }
            let server = try EngramdProcess(dataDirectory: data, wrapper: wrapper)
            defer { server.removeLog() }
            #expect(await server.waitForExit() != 0)
            #expect(
                server.log.contains("data directory \(data)") && server.log.contains("not readable and writable"),
                "\(server.log)")
            chmod(data, 0o700)
        }
    }

    @Test func damagedLogRecordNamesFileOffsetAndFlag() async throws {
        try await withTemporaryDirectory { dir in
            let data = dir + "/data"
            let server = try EngramdProcess(
                dataDirectory: data, arguments: ["--snapshot-every", "0", "--snapshot-interval", "0"])
            defer { server.removeLog() }
            try await server.waitUntilServing()
            let client = try server.client()
            let store = try await client.createStore(.with { $0.displayName = "damage" }).store!.id
            for i in 0..<20 {
                _ = try await client.resolveIdentity(
                    .with {
                        $0.storeId = store
                        $0.identifiers = [
                            .with {
                                $0.type = "email"
                                $0.value = "d\(i)@x.io"
                            }
                        ]
                    })
            }
            client.close()
            server.kill()
            _ = await server.waitForExit()
            let segments = try FileManager.default.contentsOfDirectory(atPath: data + "/log").filter {
                $0.hasSuffix(".log")
            }.sorted()
            let path = data + "/log/" + segments[0]
            var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            let offset = 24 + 16 + 3  // inside the first record's payload
            bytes[offset] ^= 0xFF
            try bytes.write(to: URL(fileURLWithPath: path))

            let refused = try EngramdProcess(dataDirectory: data)
            defer { refused.removeLog() }
            #expect(await refused.waitForExit() != 0)
            #expect(
                refused.log.contains(path) && refused.log.contains("offset 24")
                    && refused.log.contains("--accept-log-loss"), "\(refused.log)")

            let accepted = try EngramdProcess(dataDirectory: data, arguments: ["--accept-log-loss"])
            defer { accepted.removeLog() }
            try await accepted.waitUntilServing()
            let after = try accepted.client()
            #expect(try await after.listStores().stores.isEmpty, "everything from the damaged record on is dropped")
            after.close()
            accepted.kill(SIGTERM)
            #expect(await accepted.waitForExit() == 0)
        }
    }
}
