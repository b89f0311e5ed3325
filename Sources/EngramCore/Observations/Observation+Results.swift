/// The result of Observe.
public struct ObserveResult: Sendable, Hashable {
    /// The canonical profile id.
    public var profileID: String
    /// One outcome per observation, in request order.
    public var observations: [ObservationOutcome]
    /// One id per summary, in request order (a replaced summary keeps its id).
    public var summaryIDs: [String]
    /// One id per communication, in request order.
    public var communicationIDs: [String]
    /// The command's log sequence number (0 without a journal).
    public var logPosition: UInt64
}

/// An observation with its history, newest revision first.
public struct ObservationHistory: Sendable, Hashable {
    /// The canonical profile id.
    public var profileID: String
    /// The observation as it is now.
    public var observation: Observation
    /// Prior states, newest first.
    public var revisions: [ObservationRevision]
}

/// A summary with its history, newest revision first.
public struct SummaryHistory: Sendable, Hashable {
    /// The summary.
    public var summary: Summary
    /// Prior states, newest first.
    public var revisions: [SummaryRevision]
}

/// A profile's summaries, the most recent conversation first.
public struct SummaryList: Sendable, Hashable {
    /// The canonical profile id.
    public var profileID: String
    /// Each conversation's summary with its history.
    public var summaries: [SummaryHistory]
}

/// A profile's kept communications, newest first.
public struct CommunicationList: Sendable, Hashable {
    /// The canonical profile id.
    public var profileID: String
    /// The messages, newest first.
    public var communications: [Communication]

    public init(profileID: String, communications: [Communication]) {
        self.profileID = profileID
        self.communications = communications
    }
}

/// What DeleteObservation erased.
public struct ObservationDeletionReceipt: Sendable, Hashable {
    /// The canonical profile id.
    public var profileID: String
    /// The observation's id.
    public var observationID: String
    /// Revisions erased.
    public var revisionsErased: Int
    /// The erasure's log sequence number (0 without a journal).
    public var logPosition: UInt64
    /// When the erasure happened (the command's time, µs since the epoch).
    public var erasedAt: Int64 = 0
}
