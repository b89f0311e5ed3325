import EngramCore

/// An extractive summary: the conversation's date and channels, then its most central
/// sentences in the order they were said.
///
/// A sentence's weight is the mean, over its content words, of how often the conversation
/// uses each word (a centroid score), lifted for the customer's own statements and requests,
/// which are what the next agent needs. Questions and chit-chat score nothing.
enum Summarizer {
    static let maxSentences = 4
    static let maxCharacters = 900

    static func summary(of messages: [Communication]) -> String? {
        guard let first = messages.first else { return nil }
        struct Candidate {
            var text: String
            var order: Int
            var words: [UInt64]
            var customer: Bool
            var tagged: Bool
            var score = 0.0
        }
        var candidates: [Candidate] = []
        var frequency: [UInt64: Int] = [:]
        for message in messages where message.authorType != .system {
            for sentence in Sentences.split(message.text) {
                let words = Words(sentence)
                guard Statement.isWorthKeeping(sentence, words: words) else { continue }
                let content = words.hashes.indices.filter { words.isContent($0) }.map { words.hashes[$0] }
                for word in Set(content) { frequency[word, default: 0] += 1 }
                let speaker = message.authorType == .customer ? "Customer" : "Agent"
                let label =
                    message.authorType == .customer && !message.authorAddress.isEmpty
                        && Speaker(address: message.authorAddress) != .customer
                    ? message.authorAddress : speaker
                candidates.append(
                    Candidate(
                        text: "\(label): \(sentence)", order: candidates.count, words: content,
                        customer: message.authorType == .customer, tagged: Statement.tag(for: words) != nil))
            }
        }
        let header = Self.header(messages, first: first)
        guard !candidates.isEmpty else { return header + " No statements of substance." }
        for i in candidates.indices {
            let words = candidates[i].words
            guard !words.isEmpty else { continue }
            let centrality = words.reduce(0.0) { $0 + Double(frequency[$1] ?? 0) } / Double(words.count)
            // Longer sentences carry more, up to a point.
            let length = min(1.0, Double(words.count) / 8)
            candidates[i].score = centrality * (0.5 + 0.5 * length) * (candidates[i].customer ? 1.5 : 1)
            if candidates[i].tagged { candidates[i].score *= 1.3 }
        }
        var chosen: [Candidate] = []
        var used = header.count
        for candidate in candidates.sorted(by: { ($0.score, -$0.order) > ($1.score, -$1.order) }) {
            guard chosen.count < maxSentences else { break }
            if used + candidate.text.count + 1 > maxCharacters { continue }
            chosen.append(candidate)
            used += candidate.text.count + 1
        }
        return ([header] + chosen.sorted { $0.order < $1.order }.map(\.text)).joined(separator: " ")
    }

    /// "Conversation of 8 May 2023 on chat, 18 messages."
    static func header(_ messages: [Communication], first: Communication) -> String {
        var channels: [String] = []
        for message in messages where !channels.contains(message.channel.rawValue) {
            channels.append(message.channel.rawValue)
        }
        let count = messages.count == 1 ? "1 message" : "\(messages.count) messages"
        return
            "Conversation of \(RelativeDates.date(first.createdAt)) on \(channels.joined(separator: " and ")), \(count)."
    }
}
