import Foundation

/// A plain-text table for people: a header row, aligned columns, numbers right-aligned.
public struct TextTable: Sendable {
    public var header: [String]
    public var rows: [[String]] = []

    public init(_ header: [String]) { self.header = header }

    public mutating func add(_ row: [String]) { rows.append(row) }

    /// The table as lines; cells wider than 60 characters are cut with an ellipsis.
    public func rendered() -> String {
        let cut = { (s: String) -> String in
            let flat = s.replacingOccurrences(of: "\n", with: " ")
            return flat.count > 60 ? String(flat.prefix(59)) + "…" : flat
        }
        let all = ([header] + rows).map { $0.map(cut) }
        var widths = [Int](repeating: 0, count: header.count)
        for row in all {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        let numeric = (0..<header.count).map { i in
            !rows.isEmpty
                && rows.allSatisfy {
                    i >= $0.count || $0[i].isEmpty || Double($0[i].replacingOccurrences(of: ",", with: "")) != nil
                }
        }
        var lines: [String] = []
        for (r, row) in all.enumerated() {
            var cells: [String] = []
            for i in 0..<header.count {
                let cell = i < row.count ? row[i] : ""
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                cells.append(numeric[i] && r > 0 ? pad + cell : cell + pad)
            }
            lines.append(cells.joined(separator: "  ").trimmingTrailingSpaces())
            if r == 0 { lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
        return lines.joined(separator: "\n")
    }

    /// Two columns, field and value, for showing one record.
    public static func record(_ pairs: [(String, String)]) -> String {
        let width = pairs.map(\.0.count).max() ?? 0
        return pairs.map { k, v in k + String(repeating: " ", count: width - k.count) + "  " + v }.joined(
            separator: "\n")
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
