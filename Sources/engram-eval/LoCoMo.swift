import Foundation

/// One LoCoMo conversation as the harness uses it.
struct Sample {
    struct Fact {
        var text: String
        var speaker: String
        var session: Int
        /// Normalised turn ids the fact cites ("D1:3").
        var evidence: Set<String>
    }

    struct Question {
        var text: String
        var category: Int
        /// Normalised turn ids that exist in the conversation; never empty.
        var evidence: Set<String>
    }

    struct Turn {
        /// The turn id ("D1:3").
        var id: String
        var speaker: String
        var session: Int
        var text: String
    }

    var id: String
    /// Session number → when it happened (µs since the Unix epoch).
    var sessionTimes: [Int: Int64]
    /// Every turn, by session then order.
    var turns: [Turn] = []
    var facts: [Fact]
    var questions: [Question]
    /// Questions of categories 1-4 left out because none of their evidence names a turn.
    var unanswerable: Int
}

enum LoCoMoError: Error {
    case layout(String)
}

/// Turn ids in `text`, normalised: "D30:05" → "D30:5"; "D8:6; D9:17" gives both.
func turnIDs(in text: String) -> [String] {
    var ids: [String] = []
    let scanner = Scanner(string: text)
    scanner.charactersToBeSkipped = nil
    while !scanner.isAtEnd {
        if scanner.scanString("D") != nil, let session = scanner.scanInt(), scanner.scanString(":") != nil,
            let turn = scanner.scanInt()
        {
            ids.append("D\(session):\(turn)")
        } else {
            _ = scanner.scanCharacter()
        }
    }
    return ids
}

func loadLoCoMo(path: String) throws -> [Sample] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    guard let list = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
        throw LoCoMoError.layout("expected a JSON list of samples")
    }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "h:mm a 'on' d MMMM, yyyy"
    return try list.map { sample in
        guard let id = sample["sample_id"] as? String, let conversation = sample["conversation"] as? [String: Any],
            let observations = sample["observation"] as? [String: Any], let qa = sample["qa"] as? [[String: Any]]
        else { throw LoCoMoError.layout("a sample lacks sample_id, conversation, observation or qa") }
        var times: [Int: Int64] = [:]
        var turns = Set<String>()
        var said: [Sample.Turn] = []
        for (key, value) in conversation {
            let parts = key.split(separator: "_")
            guard parts.count >= 2, parts[0] == "session", let n = Int(parts[1]) else { continue }
            if key.hasSuffix("_date_time"), let text = value as? String {
                guard let date = formatter.date(from: text) else {
                    throw LoCoMoError.layout("\(id): unreadable date \(text)")
                }
                times[n] = Int64(date.timeIntervalSince1970) * 1_000_000
            } else if parts.count == 2, let list = value as? [[String: Any]] {
                for turn in list {
                    guard let dia = turn["dia_id"] as? String else { continue }
                    turns.formUnion(turnIDs(in: dia))
                    var text = turn["text"] as? String ?? ""
                    // An image shared in the turn is known by its caption.
                    if let caption = turn["blip_caption"] as? String { text += " [shares \(caption)]" }
                    if let id = turnIDs(in: dia).first, let speaker = turn["speaker"] as? String, !text.isEmpty {
                        said.append(Sample.Turn(id: id, speaker: speaker, session: n, text: text))
                    }
                }
            }
        }
        var facts: [Sample.Fact] = []
        for key in observations.keys.sorted() {
            let parts = key.split(separator: "_")
            guard parts.count >= 2, let n = Int(parts[1]), let bySpeaker = observations[key] as? [String: Any] else {
                continue
            }
            for speaker in bySpeaker.keys.sorted() {
                for item in bySpeaker[speaker] as? [[Any]] ?? [] {
                    guard let text = item.first as? String else { continue }
                    let raw = item.count > 1 ? item[1] : ""
                    let cited = (raw as? [String]) ?? [(raw as? String) ?? ""]
                    facts.append(
                        Sample.Fact(
                            text: text, speaker: speaker, session: n,
                            evidence: Set(cited.flatMap(turnIDs(in:)).filter(turns.contains))))
                }
            }
        }
        var questions: [Sample.Question] = []
        var unanswerable = 0
        for item in qa {
            guard let category = item["category"] as? Int, (1...4).contains(category),
                let text = item["question"] as? String
            else { continue }
            let evidence = Set(((item["evidence"] as? [String]) ?? []).flatMap(turnIDs(in:)).filter(turns.contains))
            if evidence.isEmpty {
                unanswerable += 1
                continue
            }
            questions.append(Sample.Question(text: text, category: category, evidence: evidence))
        }
        // By session, then turn number (the dictionary gave sessions in no order).
        said.sort { a, b in
            let ta = Int(a.id.split(separator: ":").last ?? "") ?? 0
            let tb = Int(b.id.split(separator: ":").last ?? "") ?? 0
            return (a.session, ta) < (b.session, tb)
        }
        return Sample(
            id: id, sessionTimes: times, turns: said, facts: facts, questions: questions, unanswerable: unanswerable)
    }
}
