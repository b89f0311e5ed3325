import EngramCore
import EngramTestSupport
import Testing

@Suite struct PropertyTests {
    /// The engine's answer to an operation, in the model's terms.
    func engineResult(_ engine: Engine, _ operation: RandomOperation, stores: [String], source: inout OperationSource)
        -> ModelResult
    {
        do throws(EngineError) {
            switch operation {
            case .resolve(let s, let identifiers, let traits):
                let r = try engine.resolveIdentity(storeID: stores[s], identifiers: identifiers, traits: traits)
                source.learn(profile: r.profileID)
                return .resolved(
                    profileID: r.profileID, outcome: r.outcome, merged: r.mergedProfileIDs, attached: r.attached,
                    dropped: r.dropped, demoted: ModelResult.demotionKeys(r.demoted), traits: r.traits)
            case .observe(let s, let profile, let observations, let summaries, let communications):
                var r = try engine.observe(
                    storeID: stores[s], profileID: profile, observations: observations, summaries: summaries,
                    communications: communications)
                for outcome in r.observations { source.learn(observation: outcome.observationID) }
                r.logPosition = 0
                return .observed(r)
            case .updateTraits(let s, let profile, let traits):
                var r = try engine.updateTraits(storeID: stores[s], profileID: profile, traits)
                r.logPosition = 0
                return .traits(r)
            case .deleteObservation(let s, let profile, let observation):
                var r = try engine.deleteObservation(storeID: stores[s], profileID: profile, observationID: observation)
                r.logPosition = 0
                return .observationDeleted(r)
            case .deleteProfile(let s, let profile):
                var r = try engine.deleteProfile(storeID: stores[s], profileID: profile)
                r.logPosition = 0
                return .profileDeleted(r)
            case .getProfile(let s, let profile):
                return .profile(try engine.getProfile(storeID: stores[s], profileID: profile))
            case .listObservations(let s, let profile, let filter, let pageSize):
                return .page(
                    try engine.listObservations(
                        storeID: stores[s], profileID: profile, filter: filter, pageSize: pageSize))
            case .lookup(let s, let type, let value):
                return .lookup(try engine.lookupProfiles(storeID: stores[s], type: type, value: value))
            case .listSummaries(let s, let profile):
                return .summaries(try engine.listSummaries(storeID: stores[s], profileID: profile))
            case .listCommunications(let s, let profile):
                let page = try engine.listCommunications(storeID: stores[s], profileID: profile, pageSize: 1_000)
                return .communications(
                    CommunicationList(profileID: page.profileID, communications: page.communications))
            }
        } catch {
            return .failure(error.code)
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func engineAgreesWithTheReferenceModel(seed: UInt64) throws {
        let t = makeEngine(shards: 5, window: 5)
        let stores = [try t.engine.makeStore("one"), try t.engine.makeStore("two")]
        for store in stores { try t.engine.putIdentitySettings(storeID: store, randomTestSettings) }
        let model = ReferenceModel(stores: stores, settings: randomTestSettings, threshold: 0.9, window: 5)
        var source = OperationSource(seed: seed)
        var kinds: [String: Int] = [:]
        for step in 0..<1_500 {
            let operation = source.next()
            let journaled = t.journal.commands.count
            let actual = engineResult(t.engine, operation, stores: stores, source: &source)
            let command = t.journal.commands.count > journaled ? t.journal.commands.last : nil
            let expected = model.apply(operation, stores: stores, command: command, now: t.clock.current)
            #expect(actual == expected, "seed \(seed) step \(step): \(operation)")
            if actual != expected { return }
            switch actual {
            case .resolved(_, let outcome, _, _, let dropped, let demoted, _):
                kinds[outcome.rawValue, default: 0] += 1
                if !dropped.isEmpty { kinds["dropped", default: 0] += 1 }
                if demoted.contains(where: { $0.hasSuffix("typeLimit") }) { kinds["demoted", default: 0] += 1 }
            case .observed(let result):
                for outcome in result.observations {
                    kinds[outcome.kind.rawValue + (outcome.isRetry ? "-retry" : ""), default: 0] += 1
                }
            case .failure(let code): kinds["\(code)", default: 0] += 1
            default: kinds["other", default: 0] += 1
            }
        }
        // Every rule the generator aims at was exercised.
        for kind in [
            "CREATED", "MATCHED", "MERGED", "dropped", "demoted", "ADDED", "DUPLICATE", "SUPERSEDED", "ADDED-retry",
            "notFound", "invalidArgument",
        ] {
            #expect(kinds[kind, default: 0] > 0, "seed \(seed) never produced \(kind): \(kinds)")
        }
        // Final state: every profile reads the same on both sides.
        for (s, store) in stores.enumerated() {
            let ids = model.profileIDs(store)
            #expect(ids == t.engine.view().snapshot().stores[s].profiles.map(\.id))
            for id in ids {
                for read in [
                    RandomOperation.getProfile(store: s, profile: id),
                    .listObservations(store: s, profile: id, filter: ObservationFilter(), pageSize: 100),
                    .listSummaries(store: s, profile: id), .listCommunications(store: s, profile: id),
                ] {
                    #expect(
                        engineResult(t.engine, read, stores: stores, source: &source)
                            == model.apply(read, stores: stores, command: nil, now: t.clock.current))
                }
            }
        }
    }
}
