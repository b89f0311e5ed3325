import CSV
import EngramCLI
import Foundation
import Testing

@Suite("engram import")
struct CSVImportTests {
    /// A BOM, quoted fields with commas, quotes and newlines, CRLF line ends, and bad rows.
    static let csv =
        "\u{FEFF}Email,Phone,First Name,Notes,Spend,VIP\r\n"
        + "alyssa@example.com,+13175551234,Alyssa,\"likes \"\"quick\"\" answers, by email\",12.50,yes\r\n"
        + "ben@example.com,,Ben,\"line one\nline two\",7,no\r\n" + "ALYSSA@example.com,,Alyssa P.,,,\r\n"  // matched (email normalised)
        + ",,Nobody,no identifier,,\r\n"  // rejected: no identifier
        + "carol@example.com,,Carol,,lots,\r\n"  // rejected: Spend is not a number
        + "not-an-email,,Dan,,,\r\n"  // rejected by the server
        + "dave@example.com,+13175559999\r\n"  // rejected: 2 fields
        + "eve@example.com,,\"Eve\",\"quoted, \"\"comma\"\"\",1,true\r\n" + "\r\n"  // a blank line: skipped
        + "ben@example.com,+13175551234,Ben,merges Ben into Alyssa,,\r\n"  // merged

    @Test("a CSV with a BOM, quoted fields, embedded newlines and bad rows: counts, traits and the rejects file")
    func importWithBadRows() async throws {
        try await withServer { port in
            let store = try await createStore("crm", port: port)
            try await withTemporaryDirectory { dir in
                let file = dir.appendingPathComponent("customers.csv")
                try Data(Self.csv.utf8).write(to: file)
                let mapping = dir.appendingPathComponent("mapping.txt")
                try """
                # column = target
                Email = id:email
                Phone=id:phone
                First Name=Contact.firstName
                Notes=Contact.notes
                Spend=Account.spend:number
                VIP=Account.vip:bool
                """.write(to: mapping, atomically: true, encoding: .utf8)
                let r = await engram(
                    ["import", file.path, "--mapping", mapping.path, "--store", store, "--batch-size", "3", "--json"],
                    port: port)
                #expect(r.status == 2, "rows were rejected: \(r.err)")
                let summary = try r.json()
                #expect(summary["rows"] as? Int == 9)
                #expect(summary["created"] as? Int == 3)
                #expect(summary["matched"] as? Int == 1)
                #expect(summary["merged"] as? Int == 1)
                #expect(summary["rejected"] as? Int == 4)
                let rejectsPath = try #require(summary["rejects_file"] as? String)
                #expect(rejectsPath == dir.appendingPathComponent("customers.rejects.csv").path)

                // The rejects file is CSV: line, reason, then the row's own fields.
                let reader = try CSVReader(
                    stream: try #require(InputStream(fileAtPath: rejectsPath)), hasHeaderRow: true)
                #expect(
                    reader.headerRow == ["line", "reason", "Email", "Phone", "First Name", "Notes", "Spend", "VIP"])
                var rejected: [[String]] = []
                while let row = reader.next() { rejected.append(row) }
                #expect(rejected.map { $0[0] } == ["6", "7", "8", "9"], "each reject names the line its row starts on")
                #expect(rejected[0][1].contains("no identifier"))
                #expect(rejected[1][1].contains("'lots' is not a number") && rejected[1][2] == "carol@example.com")
                #expect(
                    rejected[2][1].contains("INVALID_ARGUMENT") && rejected[2][1].contains("@"), "\(rejected[2][1])")
                #expect(rejected[3][1].contains("2 fields, the header has 6"))

                // Quoted fields, escaped quotes and an embedded newline arrive intact; the BOM is gone.
                let alyssa = try await engram(
                    ["profile", "lookup", "--email", "alyssa@example.com", "--store", store, "--json"], port: port
                ).json()
                let profile = try #require((alyssa["profiles"] as? [[String: Any]])?.first)
                let traits = try #require(profile["traits"] as? [String: [String: Any]])
                #expect(traits["Contact"]?["firstName"] as? String == "Ben", "the merge's row wrote last")
                #expect(traits["Account"]?["spend"] as? Double == 12.5)
                #expect(traits["Account"]?["vip"] as? Bool == true)
                let identifiers =
                    (profile["identifiers"] as? [[String: Any]])?.compactMap { $0["value"] as? String } ?? []
                #expect(Set(identifiers) == ["alyssa@example.com", "ben@example.com", "+13175551234"])
                let eve = try await engram(
                    ["profile", "lookup", "--email", "eve@example.com", "--store", store, "--json"], port: port
                ).json()
                let eveTraits = (eve["profiles"] as? [[String: Any]])?.first?["traits"] as? [String: [String: Any]]
                #expect(eveTraits?["Contact"]?["notes"] as? String == "quoted, \"comma\"")
                #expect(eveTraits?["Contact"]?["firstName"] as? String == "Eve")
            }
        }
    }

    @Test("an embedded newline survives, a CSV with no bad rows exits 0 and writes no rejects file")
    func cleanImport() async throws {
        try await withServer { port in
            let store = try await createStore("clean", port: port)
            try await withTemporaryDirectory { dir in
                let file = dir.appendingPathComponent("ok.csv")
                try "email,note\nx@example.com,\"two\nlines\"\ny@example.com,plain\n".write(
                    to: file, atomically: true, encoding: .utf8)
                let r = await engram(
                    [
                        "import", file.path, "--map", "email=id:email", "--map", "note=Notes.text", "--store", store,
                        "--progress",
                    ], port: port)
                #expect(r.status == 0, "\(r.err)")
                #expect(
                    r.err.hasSuffix("\n") && r.err.contains("100%") && r.err.contains("rows/s")
                        && r.err.contains("ETA 0:00"),
                    "--progress prints the bar even when standard error is not a terminal: \(r.err)")
                #expect(r.out.contains("CREATED") && r.out.contains("REJECTED"), "\(r.out)")
                #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("ok.rejects.csv").path))
                let x = try await engram(
                    ["profile", "lookup", "--email", "x@example.com", "--store", store, "--json"], port: port
                ).json()
                let traits = (x["profiles"] as? [[String: Any]])?.first?["traits"] as? [String: [String: Any]]
                #expect(traits?["Notes"]?["text"] as? String == "two\nlines")
            }
        }
    }

    @Test("files and mappings that cannot work fail before anything is sent")
    func badFiles() async throws {
        try await withServer { port in
            let store = try await createStore("bad", port: port)
            try await withTemporaryDirectory { dir in
                let missing = await engram(
                    ["import", dir.appendingPathComponent("nope.csv").path, "--map", "e=id:email", "--store", store],
                    port: port)
                #expect(missing.status == 1 && missing.err.contains("no such file"), "\(missing.err)")
                let empty = dir.appendingPathComponent("empty.csv")
                try Data().write(to: empty)
                let emptyResult = await engram(
                    ["import", empty.path, "--map", "e=id:email", "--store", store], port: port)
                #expect(emptyResult.status == 1 && emptyResult.err.contains("empty"), "\(emptyResult.err)")
                let file = dir.appendingPathComponent("a.csv")
                try "Email,Name\na@example.com,A\n".write(to: file, atomically: true, encoding: .utf8)
                let wrongColumn = await engram(
                    ["import", file.path, "--map", "Mail=id:email", "--store", store], port: port)
                #expect(
                    wrongColumn.status == 1 && wrongColumn.err.contains("'Mail'")
                        && wrongColumn.err.contains("Email, Name"), "\(wrongColumn.err)")
                let noStore = await engram(
                    ["import", file.path, "--map", "email=id:email", "--store", "st_missing"], port: port)
                #expect(noStore.status == 15, "a missing store stops the import: \(noStore.err)")
                let binary = dir.appendingPathComponent("binary.csv")
                try Data([0x45, 0x6D, 0x61, 0x69, 0x6C, 0x0A, 0xFF, 0xFE, 0xFD, 0x0A]).write(to: binary)
                let undecodable = await engram(
                    ["import", binary.path, "--map", "Email=id:email", "--store", store], port: port)
                #expect(undecodable.status == 1 && undecodable.err.contains("UTF-8"), "\(undecodable.err)")
            }
        }
    }

    @Test("mapping syntax")
    func mappingSyntax() throws {
        let m = try ImportMapping.parse(["E-mail = id:email", "a=b=Weird.key:int", "Notes=skip", "", "# comment"])
        #expect(m.columns.map(\.column) == ["E-mail", "a=b", "Notes"])
        #expect(m.columns[1].target == .trait(group: "Weird", name: "key", type: .int))
        #expect(m.columns[2].target == .skip)
        #expect(throws: CLIError.self) { try ImportMapping.parse(["Email=id:Email"]) }
        #expect(throws: CLIError.self) { try ImportMapping.parse(["Email=id:email", "Email=id:phone"]) }
        #expect(throws: CLIError.self) { try ImportMapping.parse(["Email=id:email", "X=Group.name:decimal"]) }
        #expect(throws: CLIError.self) { try ImportMapping.parse(["Email"]) }
        let bound = try ImportMapping.parse(["email=id:email", "n=G.n:int"]).bind(header: ["EMAIL", "N", "extra"])
        #expect(bound.unmapped == ["extra"])
        guard case .success(let request) = bound.request(storeID: "s", row: ["a@b.co", " 42 ", "x"]) else {
            Issue.record("a good row was rejected")
            return
        }
        #expect(request.identifiers.map(\.value) == ["a@b.co"])
        #expect(request.traits["G"]?.traits["n"]?.kind == .integerValue(42))
    }

    @Test("the progress bar shows the share done, rows per second and the time left")
    func progressBar() {
        let p = ImportProgress(rows: 5000, rejected: 3, elapsed: .seconds(2), fraction: 0.25, done: false)
        #expect(p.rowsPerSecond == 2500)
        #expect(p.etaSeconds == 6)
        let line = p.rendered(width: 20)
        #expect(line.hasPrefix("[#####...............]  25%"), "\(line)")
        #expect(line.contains("2,500 rows/s") && line.contains("ETA 0:06") && line.contains("3 rejected"), "\(line)")
        let done = ImportProgress(rows: 10, rejected: 0, elapsed: .seconds(1), fraction: 1, done: true).rendered(
            width: 4)
        #expect(done.hasPrefix("[####] 100%") && done.contains("ETA 0:00"), "\(done)")
    }
}
