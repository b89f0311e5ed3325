/// What applying a command produced.
enum CommandOutput: Sendable {
    case store(StoreResult)
    case storeDeleted(StoreDeletionReceipt)
    case settings(IdentitySettingsResult)
    case resolved(ResolveResult)
    case traits(TraitsResult)
    case profileDeleted(ProfileDeletionReceipt)
    case observed(ObserveResult)
    case observationDeleted(ObservationDeletionReceipt)
    case reembedded(Int)
    case appended(AppendResult)
    case closed(CloseResult)
    case extracted(ExtractionResult)
    case expired(ExpiryResult)
    case knowledgeBase(KnowledgeBaseResult)
    case knowledge(KnowledgeResult)
    case knowledgeDeleted(KnowledgeDeletionReceipt)
}

extension Engine {
    /// Applies a command read back from the log: no journaling and nothing re-decided (ids
    /// and times come from the command). Replaying a log's commands in order onto the state
    /// the log started from rebuilds the state exactly. `logPosition` is the record's sequence
    /// number; the next `view()` reports it as covered.
    public func replay(_ command: Command, logPosition: UInt64 = 0) throws(EngineError) {
        _ = try apply(command, .replay(logPosition))
    }

    /// The one function that applies commands. Each case checks everything that depends on
    /// the state before it changes anything, so a command that fails changes nothing.
    func apply(_ command: Command, _ mode: ApplyMode) throws(EngineError) -> CommandOutput {
        switch command {
        case .createStore(let c): .store(try applyCreateStore(c, mode))
        case .updateStore(let c): .store(try applyUpdateStore(c, mode))
        case .deleteStore(let c): .storeDeleted(try applyDeleteStore(c, mode))
        case .putIdentitySettings(let c): .settings(try applyPutIdentitySettings(c, mode))
        case .resolveIdentity(let c): .resolved(try applyResolve(c, mode))
        case .updateTraits(let c): .traits(try applyUpdateTraits(c, mode))
        case .deleteProfile(let c): .profileDeleted(try applyDeleteProfile(c, mode))
        case .observe(let c): .observed(try applyObserve(c, mode))
        case .deleteObservation(let c): .observationDeleted(try applyDeleteObservation(c, mode))
        case .reembed(let c): .reembedded(try applyReembed(c, mode))
        case .appendCommunications(let c): .appended(try applyAppend(c, mode))
        case .closeConversation(let c): .closed(try applyClose(c, mode))
        case .recordExtraction(let c): .extracted(try applyRecordExtraction(c, mode))
        case .expire(let c): .expired(try applyExpire(c, mode))
        case .createKnowledgeBase(let c): .knowledgeBase(try applyCreateKnowledgeBase(c, mode))
        case .updateKnowledgeBase(let c): .knowledgeBase(try applyUpdateKnowledgeBase(c, mode))
        case .deleteKnowledgeBase(let c): .knowledgeDeleted(try applyDeleteKnowledgeBase(c, mode))
        case .putKnowledge(let c): .knowledge(try applyPutKnowledge(c, mode))
        case .updateKnowledgeInfo(let c): .knowledge(try applyUpdateKnowledgeInfo(c, mode))
        case .deleteKnowledge(let c): .knowledgeDeleted(try applyDeleteKnowledge(c, mode))
        }
    }
}

extension EngineError {
    static let unexpectedOutput = EngineError(code: .internal, message: "a command produced an unexpected result")
}
