/// Where the engine reports every command it applied, for the write-ahead log.
///
/// Contract: `append` is called once per *successful* command, while the engine still holds
/// the locks covering everything the command touched, so for two conflicting commands the
/// log order is the apply order. It must be cheap and must not block (buffer the record;
/// fsync elsewhere). It returns the record's sequence number, which results carry as
/// `logPosition`; callers wait for that position to be durable before acknowledging.
public protocol CommandJournal: Sendable {
    /// Records `command` and returns its sequence number (increasing, starting above 0).
    func append(_ command: Command) -> UInt64
}
