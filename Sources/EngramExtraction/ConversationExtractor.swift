import EngramCore

/// Turns a closed conversation's messages into observations and a summary.
///
/// An extractor reads an `ExtractionJob` (the conversation's messages, which of them are new,
/// the profile's current facts) and returns what to record; the engine reconciles the facts
/// with the profile's as any Observe does, so an extractor never writes anything itself.
public protocol ConversationExtractor: Sendable {
    /// The extractor and its version, e.g. "rules/1": a conversation extracted by one version
    /// is not extracted again by the same one.
    var name: String { get }

    /// What the job's messages say. Throws `ExtractionError` when it cannot finish; the
    /// conversation then ends FAILED with the reason.
    func extract(_ job: ExtractionJob) async throws(ExtractionError) -> ExtractionOutput
}

/// Why an extraction could not finish.
public struct ExtractionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, for the conversation's `error` field.
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
