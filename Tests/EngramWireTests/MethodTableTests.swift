import EngramWire
import Foundation
import Testing

/// The method table (`Methods`) is the one source the server routes by and the Swift client is
/// typed by; FRAMING.md's table and the proto's service must say the same.
@Suite struct MethodTableTests {
    static let protocolDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Protocol")

    struct Row: Equatable, CustomStringConvertible {
        var id: UInt16
        var name: String
        var request: String
        var response: String
        var access: String?
        var description: String { "\(id) \(name)(\(request)) → \(response) [\(access ?? "-")]" }
    }

    static var table: [Row] {
        Methods.all.map {
            Row(
                id: $0.id, name: $0.name, request: $0.requestType.protoMessageName,
                response: $0.responseType.protoMessageName, access: $0.access.rawValue)
        }
    }

    @Test func everyMethodHasOneDescriptorWithItsOwnTypes() {
        #expect(Set(Methods.all.map(\.method)) == Set(Method.allCases))
        #expect(Set(Methods.all.map(\.id)).count == Methods.all.count)
        for method in Method.allCases {
            let d = method.descriptor
            #expect(d.method == method)
            #expect(d.requestType.protoMessageName == "\(method)Request")
            #expect(d.responseType.protoMessageName == "\(method)Response")
        }
        #expect(Methods.observe.access == .write && Methods.recall.access == .read && Methods.snapshot.access == .admin)
    }

    @Test func storeScopedMethodsReadTheStoreFromTheRequest() {
        var request = Wire.ObserveRequest()
        request.storeId = "st_1"
        #expect(Methods.observe.store?(request) == "st_1")
        #expect(Methods.createStore.store == nil && Methods.ping.store == nil)
        for method in Methods.all where method.access == .read || method.access == .write {
            #expect(
                method.requestType is any StoreScopedRequest.Type,
                "\(method.name) checks a store, so its request names one")
        }
    }

    @Test func framingDocumentListsExactlyTheTable() throws {
        let text = try String(contentsOf: Self.protocolDirectory.appendingPathComponent("FRAMING.md"), encoding: .utf8)
        let section = try #require(
            text.components(separatedBy: "## Methods").dropFirst().first?.components(separatedBy: "\n## ").first)
        var rows: [Row] = []
        for line in section.split(separator: "\n") where line.hasPrefix("|") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard cells.count >= 6, let id = UInt16(cells[1]) else { continue }
            let types = cells[3].components(separatedBy: "→").map { $0.trimmingCharacters(in: .whitespaces) }
            try #require(types.count == 2, "request → response in \(line)")
            rows.append(Row(id: id, name: cells[2], request: types[0], response: types[1], access: cells[4]))
        }
        #expect(rows == Self.table, "FRAMING.md's method table differs from Methods.all")
    }

    @Test func protoServiceDeclaresExactlyTheTable() throws {
        let text = try String(
            contentsOf: Self.protocolDirectory.appendingPathComponent("engram.proto"), encoding: .utf8)
        let service = try #require(
            text.components(separatedBy: "service Memory {").dropFirst().first?.components(separatedBy: "\n}").first)
        var rows: [Row] = []
        var pendingID: UInt16?
        let idPattern = /\/\/\s*Method (\d+)\./
        let rpcPattern = /rpc\s+(\w+)\s*\(\s*(\w+)\s*\)\s*returns\s*\(\s*(\w+)\s*\)/
        for line in service.split(separator: "\n") {
            if let match = line.firstMatch(of: idPattern) { pendingID = UInt16(match.1) }
            if let match = line.firstMatch(of: rpcPattern) {
                let id = try #require(pendingID, "rpc \(match.1) has no `// Method N.` comment above it")
                rows.append(
                    Row(id: id, name: String(match.1), request: String(match.2), response: String(match.3), access: nil)
                )
                pendingID = nil
            }
        }
        let expected = Self.table.map {
            Row(id: $0.id, name: $0.name, request: $0.request, response: $0.response, access: nil)
        }
        #expect(rows == expected, "engram.proto's service Memory differs from Methods.all")
    }
}
