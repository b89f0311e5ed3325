import EngramWire
import Foundation

/// How CSV columns become a ResolveIdentity request: each mapped column is an identifier type
/// or a trait (group, name and value type). Written `COLUMN=id:TYPE`, `COLUMN=Group.name`,
/// `COLUMN=Group.name:TYPE` or `COLUMN=skip`; the column is its header name.
public struct ImportMapping: Sendable, Hashable {
    public enum Target: Sendable, Hashable {
        case identifier(type: String)
        case trait(group: String, name: String, type: TraitInput.ValueType)
        case skip
    }

    public var columns: [(column: String, target: Target)]

    public static func == (a: Self, b: Self) -> Bool {
        a.columns.map(\.column) == b.columns.map(\.column) && a.columns.map(\.target) == b.columns.map(\.target)
    }
    public func hash(into h: inout Hasher) {
        for c in columns {
            h.combine(c.column)
            h.combine(c.target)
        }
    }

    public init(columns: [(column: String, target: Target)]) { self.columns = columns }

    /// Parses `--map` values, and the lines of a mapping file (blank lines and `#` comments skipped).
    public static func parse(_ specs: [String], source: String = "--map") throws(CLIError) -> ImportMapping {
        var columns: [(String, Target)] = []
        for raw in specs {
            let spec = raw.trimmingCharacters(in: .whitespaces)
            if spec.isEmpty || spec.hasPrefix("#") { continue }
            // Targets never contain '=', column names might: split at the last one.
            guard let eq = spec.lastIndex(of: "="), eq != spec.startIndex else {
                throw .usage("\(source) '\(raw)': expected COLUMN=id:TYPE, COLUMN=Group.name[:TYPE] or COLUMN=skip")
            }
            let column = String(spec[..<eq]).trimmingCharacters(in: .whitespaces)
            let target = String(spec[spec.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
            if columns.contains(where: { $0.0 == column }) {
                throw .usage("\(source): column '\(column)' is mapped twice")
            }
            if target == "skip" {
                columns.append((column, .skip))
            } else if target.hasPrefix("id:") {
                let type = String(target.dropFirst(3))
                guard !type.isEmpty, type.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") })
                else {
                    throw .usage(
                        "\(source) '\(raw)': an identifier type is email, phone, whatsapp, chat or a custom [a-z0-9_] type"
                    )
                }
                columns.append((column, .identifier(type: type)))
            } else {
                let (group, name, type) = try TraitInput.parseTarget(target, context: "\(source) '\(raw)'")
                columns.append((column, .trait(group: group, name: name, type: type)))
            }
        }
        guard columns.contains(where: { if case .identifier = $0.1 { true } else { false } }) else {
            throw .usage("\(source): map at least one column to an identifier, e.g. --map 'Email=id:email'")
        }
        return ImportMapping(columns: columns)
    }

    /// Reads a mapping file: one `COLUMN=TARGET` a line.
    public static func load(path: String) throws(CLIError) -> ImportMapping {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw CLIError("--mapping \(path): cannot read it (\(error.localizedDescription))")
        }
        return try parse(text.components(separatedBy: .newlines), source: "--mapping \(path)")
    }

    /// The mapping applied to a file's header: column positions, checked once.
    public func bind(header: [String]) throws(CLIError) -> Bound {
        let names = header.map { $0.trimmingCharacters(in: .whitespaces) }
        var bound: [(index: Int, column: String, target: Target)] = []
        for (column, target) in columns {
            var matches = names.indices.filter { names[$0] == column }
            if matches.isEmpty {
                matches = names.indices.filter { names[$0].caseInsensitiveCompare(column) == .orderedSame }
            }
            guard !matches.isEmpty else {
                throw CLIError(
                    "the mapping names column '\(column)', which the header does not have (it has: \(names.joined(separator: ", ")))"
                )
            }
            guard matches.count == 1 else {
                throw CLIError("the header has \(matches.count) columns named '\(column)'")
            }
            if target != .skip { bound.append((matches[0], names[matches[0]], target)) }
        }
        let mapped = Set(bound.map(\.index)).union(
            columns.compactMap { c in c.target == .skip ? names.firstIndex(of: c.column) : nil })
        return Bound(
            columns: bound, fieldCount: header.count,
            unmapped: names.indices.filter { !mapped.contains($0) }.map { names[$0] })
    }

    /// A mapping bound to a header.
    public struct Bound: Sendable {
        public var columns: [(index: Int, column: String, target: Target)]
        public var fieldCount: Int
        /// Header columns the mapping does not mention (ignored).
        public var unmapped: [String]

        /// The request for one row, or why the row is rejected.
        public func request(storeID: String, row: [String]) -> Result<Wire.ResolveIdentityRequest, RowRejection> {
            guard row.count == fieldCount else {
                return .failure(
                    RowRejection(
                        "the row has \(row.count) field\(row.count == 1 ? "" : "s"), the header has \(fieldCount)"))
            }
            var request = Wire.ResolveIdentityRequest()
            request.storeId = storeID
            for (index, column, target) in columns {
                let cell = row[index].trimmedIfNeeded
                if cell.isEmpty { continue }  // an empty cell sets nothing
                switch target {
                case .identifier(let type):
                    request.identifiers.append(Wire.Identifier(type: type, value: cell))
                case .trait(let group, let name, let type):
                    do throws(CLIError) {
                        let value = try TraitInput.parseValue(cell, as: type, context: "column '\(column)'")
                        request.traits[group, default: Wire.TraitGroup()].traits[name] = value
                    } catch {
                        return .failure(RowRejection(error.message))
                    }
                case .skip: break
                }
            }
            if request.identifiers.isEmpty {
                let idColumns = columns.filter { if case .identifier = $0.target { true } else { false } }.map {
                    "'\($0.column)'"
                }
                return .failure(
                    RowRejection(
                        "no identifier: \(idColumns.joined(separator: ", ")) \(idColumns.count == 1 ? "is" : "are") empty"
                    ))
            }
            return .success(request)
        }
    }
}

/// Why a row was not imported.
public struct RowRejection: Error, Sendable, Hashable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}

extension String {
    /// Trimmed of whitespace and newlines; the check first spares most cells Foundation's
    /// trimming, which bridges through NSString and dominated an import's client time.
    var trimmedIfNeeded: String {
        guard let first = first, let last = last, first.isWhitespace || last.isWhitespace else { return self }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Line feeds in the text, counted on its UTF-8 bytes.
    var lineFeedCount: Int { utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
}
