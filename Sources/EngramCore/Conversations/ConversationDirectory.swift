/// A store's conversations by id: the canonical profile holding each, the open ones with
/// the time of their last append (for the idle timeout), and the closed ones waiting for
/// extraction. Derived from the profiles' conversations, kept in step by every command that
/// changes one, and rebuilt on restore.
struct ConversationDirectory: Sendable {
    /// Conversation id → canonical profile id.
    var profiles: [String: String] = [:]
    /// Open conversation id → last append time (server time, µs).
    var open: [String: Int64] = [:]
    /// Closed conversations waiting for extraction.
    var pending: Set<String> = []

    /// Records a conversation's current state.
    mutating func register(_ conversation: Conversation, profileID: String) {
        profiles[conversation.id] = profileID
        open[conversation.id] = conversation.state == .open ? conversation.lastAppendAt : nil
        if conversation.state == .closed { pending.insert(conversation.id) } else { pending.remove(conversation.id) }
    }

    /// Forgets a conversation of an erased profile.
    mutating func remove(_ conversationID: String, of profileID: String) {
        guard profiles[conversationID] == profileID else { return }
        profiles[conversationID] = nil
        open[conversationID] = nil
        pending.remove(conversationID)
    }
}
