import EngramClient
import EngramCore
import EngramServer
import EngramServerTestSupport
import EngramTestSupport
import EngramWire
import Foundation
import ServiceLifecycle
import Synchronization
import Testing

@Suite("End to end over loopback")
struct EndToEndTests {
    @Test func everyMethodRoundTrips() async throws {
        try await withServer(snapshotter: SlowSnapshotter(delay: .milliseconds(1))) { server in
            let client = try server.client()
            defer { client.close() }

            let pong = try await client.ping(
                .with {
                    $0.payload = [1, 2, 3]
                    $0.clientTimeUs = 42
                })
            #expect(pong.payload == [1, 2, 3] && pong.clientTimeUs == 42 && pong.serverTimeUs > 0)
            #expect(try await client.serverHello().maxInFlight == 256)

            let store = try #require(
                try await client.createStore(
                    .with {
                        $0.displayName = "support-eu"
                        $0.description = "EU support"
                    }
                ).store)
            #expect(store.displayName == "support-eu" && !store.id.isEmpty)
            #expect(try await client.getStore(.with { $0.storeId = store.id }).store == store)
            #expect(try await client.listStores().stores.map(\.id) == [store.id])
            let renamed = try await client.updateStore(
                .with {
                    $0.storeId = store.id
                    $0.description = "EU support desk"
                }
            ).store
            #expect(renamed?.description == "EU support desk")

            let settings = try #require(try await client.getIdentitySettings(.with { $0.storeId = store.id }).settings)
            #expect(settings.matchingOrder.contains("email"))
            var changed = settings
            changed.defaultRegion = "GB"
            let put = try await client.putIdentitySettings(
                .with {
                    $0.storeId = store.id
                    $0.settings = changed
                }
            ).settings
            #expect(put?.defaultRegion == "GB")

            let created = try await client.resolveIdentity(
                .with {
                    $0.storeId = store.id
                    $0.identifiers = [
                        Wire.Identifier(type: "email", value: " Alyssa@Example.com "),
                        Wire.Identifier(type: "phone", value: "+1 (317) 555-1234"),
                    ]
                    $0.traits = ["Contact": Wire.TraitGroup(["firstName": Wire.TraitValue(.stringValue("Alyssa"))])]
                })
            #expect(created.outcome == .created)
            let profile = try #require(created.profile)
            #expect(profile.identifiers.map(\.value).sorted() == ["+13175551234", "alyssa@example.com"])
            let matched = try await client.resolveIdentity(
                .with {
                    $0.storeId = store.id
                    $0.identifiers = [
                        Wire.Identifier(type: "email", value: "alyssa@example.com"),
                        Wire.Identifier(type: "whatsapp", value: "whatsapp:+13175559999"),
                    ]
                })
            #expect(matched.outcome == .matched && matched.profile?.id == profile.id)

            let lookup = try await client.lookupProfiles(
                .with {
                    $0.storeId = store.id
                    $0.identifier = Wire.Identifier(type: "email", value: "ALYSSA@example.com")
                })
            #expect(lookup.normalized?.value == "alyssa@example.com" && lookup.profiles.map(\.id) == [profile.id])

            let traits = try await client.updateTraits(
                .with {
                    $0.storeId = store.id
                    $0.profileId = profile.id
                    $0.traits = [
                        "Account": Wire.TraitGroup([
                            "tier": Wire.TraitValue(.stringValue("gold")), "seats": Wire.TraitValue(.integerValue(-3)),
                        ]),
                        "Contact": Wire.TraitGroup(["firstName": Wire.TraitValue(.nullValue(true))]),
                    ]
                })
            #expect(traits.profile?.traits["Account"]?.traits["seats"]?.kind == .integerValue(-3))
            #expect(traits.profile?.traits["Contact"]?.traits["firstName"] == nil)
            #expect(
                try await client.getProfile(
                    .with {
                        $0.storeId = store.id
                        $0.profileId = profile.id
                    }
                ).profile?.traits["Account"]?.traits["tier"]?.kind == .stringValue("gold"))

            let observed = try await client.observe(
                .with {
                    $0.storeId = store.id
                    $0.profileId = profile.id
                    $0.observations = [
                        Wire.NewObservation.with {
                            $0.content = "Prefers email over phone for follow-ups"
                            $0.source = "voice-agent"
                            $0.occurredAtUs = 1_767_225_600_000_000
                            $0.conversationIds = ["conv-1"]
                            $0.idempotencyKey = "msg-1"
                        }
                    ]
                    $0.summaries = [
                        Wire.NewSummary.with {
                            $0.content = "Billing dispute, resolved"
                            $0.conversationId = "conv-1"
                            $0.occurredAtUs = 1_767_225_600_000_000
                            $0.source = "voice-agent"
                        }
                    ]
                    $0.communications = [
                        Wire.Communication.with {
                            $0.id = "m-1"
                            $0.conversationId = "conv-1"
                            $0.author = Wire.Participant.with {
                                $0.type = .customer
                                $0.address = "+13175551234"
                            }
                            $0.recipients = [
                                Wire.Participant.with {
                                    $0.type = .aiAgent
                                    $0.address = "agent-7"
                                }
                            ]
                            $0.channel = .voice
                            $0.text = "I was charged twice"
                            $0.createdAtUs = 1_767_225_600_000_000
                        }
                    ]
                })
            #expect(observed.results.map(\.outcome) == [.added])
            #expect(observed.summaryIds.count == 1 && observed.communicationIds == ["m-1"])
            let observationID = observed.results[0].observationId

            let again = try await client.observe(
                .with {
                    $0.storeId = store.id
                    $0.profileId = profile.id
                    $0.observations = [
                        Wire.NewObservation.with {
                            $0.content = "prefers email over phone for follow-ups."
                            $0.source = "chat-agent"
                            $0.occurredAtUs = 1_767_312_000_000_000
                            $0.conversationIds = ["conv-2"]
                        }
                    ]
                })
            #expect(again.results.first?.outcome == .duplicate && again.results.first?.observationId == observationID)

            let listed = try await client.listObservations(
                .with {
                    $0.storeId = store.id
                    $0.profileId = profile.id
                })
            #expect(listed.observations.map(\.id) == [observationID])
            #expect(listed.observations.first?.conversationIds.sorted() == ["conv-1", "conv-2"])
            let revisions = try await client.listObservationRevisions(
                .with {
                    $0.storeId = store.id
                    $0.profileId = profile.id
                    $0.observationId = observationID
                })
            #expect(revisions.revisions.count == 1 && revisions.revisions.first?.kind == .mentioned)
            #expect(revisions.current?.mentionCount == 2)

            let recalled = try await client.recall(
                .with {
                    $0.storeId = store.id
                    $0.profileId = profile.id
                    $0.query = "how to follow up"
                    $0.communicationsLimit = 5
                })
            #expect(recalled.profileId == profile.id)
            #expect(recalled.observations.first?.observation?.id == observationID)
            #expect(recalled.communications.first?.author?.address == "+13175551234")

            let snap = try await client.snapshot()
            #expect(snap.sequence == 7)
            let info = try await client.serverInfo()
            #expect(
                info.profileCount == 1 && info.observationCount == 1 && info.storeCount == 1
                    && info.connectionCount >= 1)

            let erased = try await client.deleteObservation(
                .with {
                    $0.storeId = store.id
                    $0.profileId = profile.id
                    $0.observationId = observationID
                })
            #expect(erased.receipt?.observations == 1)
            let deleted = try await client.deleteProfile(
                .with {
                    $0.storeId = store.id
                    $0.profileId = profile.id
                })
            #expect(deleted.profileId == profile.id && deleted.receipt?.identifiers == 3)
            await expectFailure(.notFound) {
                try await client.getProfile(
                    .with {
                        $0.storeId = store.id
                        $0.profileId = profile.id
                    })
            }
            let gone = try await client.deleteStore(.with { $0.storeId = store.id })
            #expect(gone.receipt != nil)
            #expect(try await client.listStores().stores.isEmpty)
        }
    }

    @Test func thousandConcurrentRequestsOverTenConnections() async throws {
        try await withServer { server in
            let client = try server.client(connections: 10)
            defer { client.close() }
            let store = try #require(try await client.createStore(.with { $0.displayName = "load" }).store)
            let ok = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<1000 {
                    group.addTask {
                        if i % 2 == 0 {
                            let p = try await client.ping(.with { $0.payload = [UInt8(i & 0xFF)] })
                            return p.payload == [UInt8(i & 0xFF)]
                        }
                        let r = try await client.resolveIdentity(
                            .with {
                                $0.storeId = store.id
                                $0.identifiers = [Wire.Identifier(type: "email", value: "user\(i % 50)@example.com")]
                            })
                        return r.profile != nil
                    }
                }
                var ok = 0
                for try await result in group where result { ok += 1 }
                return ok
            }
            #expect(ok == 1000)
            let info = try await client.serverInfo()
            #expect(info.profileCount == 25, "odd i over i % 50: 25 distinct emails")
        }
    }

    @Test func slowRequestDoesNotBlockFasterOnesOnTheSameConnection() async throws {
        try await withServer(snapshotter: SlowSnapshotter(delay: .seconds(3))) { server in
            let client = try server.client()
            defer { client.close() }
            try await client.connect()
            let slowDone = Mutex(false)
            let slow = Task {
                let r = try await client.snapshot()
                slowDone.withLock { $0 = true }
                return r
            }
            try await Task.sleep(for: .milliseconds(50))
            for i in 0..<20 { #expect(try await client.ping(.with { $0.payload = [UInt8(i)] }).payload == [UInt8(i)]) }
            // Every ping came back while the snapshot was still running on the same connection.
            #expect(slowDone.withLock { $0 } == false)
            #expect(try await slow.value.sequence == 7)
        }
    }

    @Test func deadlinesAndCancellation() async throws {
        try await withServer(snapshotter: SlowSnapshotter(delay: .seconds(2))) { server in
            let client = try server.client()
            defer { client.close() }
            await expectFailure(.deadlineExceeded) { try await client.snapshot(deadline: .milliseconds(100)) }
            let call = Task { try await client.snapshot() }
            try await Task.sleep(for: .milliseconds(100))
            call.cancel()
            do {
                _ = try await call.value
                Issue.record("a cancelled call succeeded")
            } catch let error as EngramClientError {
                #expect(error.code == .cancelled)
            }
            // The connection is fine afterwards.
            #expect(try await client.ping(.with { $0.payload = [9] }).payload == [9])
        }
    }

    @Test func gracefulShutdownDrainsInFlightRequests() async throws {
        let engine = Engine()
        var configuration = ServerConfiguration()
        configuration.port = 0
        let server = EngramServer(
            configuration: configuration, engine: engine, snapshotter: SlowSnapshotter(delay: .milliseconds(500)),
            logger: quietLogger)
        let group = ServiceGroup(configuration: .init(services: [.init(service: server)], logger: quietLogger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await server.localAddress().port!
            let client = try TestServer(server: server, group: group, port: port, engine: engine).client()
            defer { client.close() }
            try await client.connect()
            let inFlight = Task { try await client.snapshot() }
            try await Task.sleep(for: .milliseconds(100))
            await group.triggerGracefulShutdown()
            let result = try await inFlight.value
            #expect(result.sequence == 7, "the in-flight request completed during the drain")
            try await tasks.waitForAll()
        }
    }
}
