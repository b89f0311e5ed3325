import CSQLite
import Dispatch
import EngramCore
import Glibc
import Synchronization

/// Writes an engine view into a SQLite file and reads one back.
enum SnapshotFile {
    static func name(sequence: UInt64) -> String { "snapshot-" + LogFormat.pad20(sequence) + ".sqlite" }

    /// The log sequence from a snapshot file name, or nil if it is not one.
    static func sequence(ofName name: String) -> UInt64? {
        guard name.hasPrefix("snapshot-"), name.hasSuffix(".sqlite"), name.utf8.count == 9 + 20 + 7 else { return nil }
        return UInt64(name.dropFirst(9).dropLast(7))
    }

    // MARK: Writing

    /// Writes `view` into a new database at `path` and fsyncs it; returns the file's size.
    static func write(_ view: EngineView, to path: String, createdAtUs: Int64, faults: StorageFaults?)
        throws(StorageError) -> Int64
    {
        if let faults, case let e = faults.writeErrno.load(ordering: .relaxed), e != 0 {
            throw FileIO.error("write", path, e)
        }
        try FileIO.remove(path)
        do {
            let db = try SQLiteDatabase(path: path, readOnly: false)
            // No rollback journal: an unfinished file is never renamed into place, so SQLite's
            // own crash safety would only cost time.
            try db.execute(
                "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
            )
            try db.execute(SnapshotSchema.createSQL)
            try db.execute("BEGIN")
            let writer = try Writer(db: db)
            try writer.write(view)
            for sql in SnapshotSchema.indexes { try db.execute(sql) }
            let meta = try db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)")
            var entries: [(String, String)] = [
                ("format_version", String(SnapshotSchema.formatVersion)),
                ("log_sequence", String(view.logPosition)),
                ("created_at_us", String(createdAtUs)),
            ]
            for (table, statement) in writer.statements {
                entries.append(("rows." + table, String(statement.rows)))
                entries.append(("crc32c." + table, String(statement.checksum.value)))
            }
            entries.append(("complete", "1"))
            for (key, value) in entries {
                meta.bind(key)
                meta.bind(value)
                try meta.insert()
            }
            try db.execute("COMMIT")
        }
        let fd = try FileIO.open(path, O_RDONLY)
        defer { close(fd) }
        try FileIO.fsync(fd, path: path, faults: faults)
        return FileIO.fileSize(path) ?? 0
    }

    /// Inserts rows, one prepared statement per table.
    struct Writer {
        let statements: [(String, SQLiteStatement)]
        let stores, settings, types, aliases, profiles, merges, identifiers, traits, observations, observationRevisions,
            summaries, summaryRevisions, communications, recipients, idempotency, conversations, knowledgeBases,
            knowledgeItems, knowledgeChunks, traitTombstones: SQLiteStatement

        init(db: SQLiteDatabase) throws(StorageError) {
            var statements: [(String, SQLiteStatement)] = []
            for table in SnapshotSchema.tables {
                statements.append((table.name, try db.prepare(SnapshotSchema.insertSQL(table.name))))
            }
            self.statements = statements
            let s = statements.map(\.1)
            (stores, settings, types, aliases, profiles, merges, identifiers, traits) = (
                s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]
            )
            (observations, observationRevisions, summaries, summaryRevisions) = (s[8], s[9], s[10], s[11])
            (communications, recipients, idempotency, conversations) = (s[12], s[13], s[14], s[15])
            (knowledgeBases, knowledgeItems, knowledgeChunks, traitTombstones) = (s[16], s[17], s[18], s[19])
        }

        func write(_ view: EngineView) throws(StorageError) {
            for store in view.stores {
                let sid = store.id
                stores.bind(sid)
                stores.bind(store.displayName)
                stores.bind(store.description)
                stores.bind(store.createdAt)
                stores.bind(store.updatedAt)
                stores.bind(store.conversationSettings.idleTimeout)
                stores.bind(store.conversationSettings.extractor.rawValue)
                stores.bind(store.conversationSettings.linkWhatsAppToPhone)
                stores.bind(store.conversationSettings.messageRetention)
                stores.bind(store.conversationSettings.observationRetention)
                try stores.insert()

                let st = view.settings(for: sid) ?? .default
                settings.bind(sid)
                settings.bind(st.defaultRegion)
                settings.bind(JSONStringArray.encode(st.priority))
                try settings.insert()
                for t in st.types {
                    types.bind(sid)
                    types.bind(t.name)
                    types.bind(t.normalization.rawValue)
                    types.bind(t.limit)
                    types.bind(t.overflowPolicy.rawValue)
                    types.bind(t.unique)
                    types.bind(JSONStringArray.encode(t.blockedValues))
                    types.bind(JSONStringArray.encode(t.blockedPatterns))
                    try types.insert()
                }
                for alias in view.aliases(in: sid) {
                    aliases.bind(sid)
                    aliases.bind(alias.mergedID)
                    aliases.bind(alias.canonicalID)
                    try aliases.insert()
                }
                do {
                    try view.forEachProfile(in: sid) { try write($0, store: sid) }
                } catch let error as StorageError {
                    throw error
                } catch {
                    throw StorageError(.io, "writing store \(sid): \(error)")
                }
                for base in view.knowledgeBases(in: sid) { try write(base, store: sid) }
            }
        }

        func write(_ k: KnowledgeBaseSnapshot, store sid: String) throws(StorageError) {
            let bid = k.base.id
            knowledgeBases.bind(sid)
            knowledgeBases.bind(bid)
            knowledgeBases.bind(k.base.displayName)
            knowledgeBases.bind(k.base.description)
            knowledgeBases.bind(k.base.createdAt)
            knowledgeBases.bind(k.base.updatedAt)
            knowledgeBases.bind(k.embedder)
            try knowledgeBases.insert()
            for item in k.items {
                knowledgeItems.bind(sid)
                knowledgeItems.bind(bid)
                knowledgeItems.bind(item.id)
                knowledgeItems.bind(item.name)
                knowledgeItems.bind(item.description)
                knowledgeItems.bind(JSONStringArray.encode(item.metadata.flatMap { [$0.key, $0.value] }))
                knowledgeItems.bind(item.sourceType.rawValue)
                knowledgeItems.bind(item.sourceBytes)
                knowledgeItems.bind(item.createdAt)
                knowledgeItems.bind(item.updatedAt)
                try knowledgeItems.insert()
            }
            for row in k.chunks {
                knowledgeChunks.bind(sid)
                knowledgeChunks.bind(bid)
                knowledgeChunks.bind(row.chunk.knowledgeID)
                knowledgeChunks.bind(row.chunk.index)
                knowledgeChunks.bind(row.chunk.content)
                knowledgeChunks.bind(JSONStringArray.encode(row.chunk.headingPath))
                knowledgeChunks.bind(row.chunk.start)
                knowledgeChunks.bind(row.chunk.end)
                knowledgeChunks.bind(floats: row.embedding)
                knowledgeChunks.bind(floats: row.headingEmbedding)
                try knowledgeChunks.insert()
            }
        }

        func write(_ p: ProfileSnapshot, store sid: String) throws(StorageError) {
            let pid = p.id
            profiles.bind(sid)
            profiles.bind(pid)
            profiles.bind(p.createdAt)
            profiles.bind(p.updatedAt)
            try profiles.insert()
            for merged in p.mergedIDs {
                merges.bind(sid)
                merges.bind(pid)
                merges.bind(merged)
                try merges.insert()
            }
            for i in p.identifiers {
                identifiers.bind(sid)
                identifiers.bind(pid)
                identifiers.bind(i.type)
                identifiers.bind(i.value)
                identifiers.bind(i.addedAt)
                try identifiers.insert()
            }
            for (group, members) in p.traits.sorted(by: { $0.key < $1.key }) {
                for (name, trait) in members.sorted(by: { $0.key < $1.key }) {
                    traits.bind(sid)
                    traits.bind(pid)
                    traits.bind(group)
                    traits.bind(name)
                    switch trait.value {
                    case .string(let s):
                        traits.bind("string")
                        traits.bind(s)
                    case .number(let d):
                        traits.bind("number")
                        traits.bind(d)
                    case .integer(let i):
                        traits.bind("integer")
                        traits.bind(i)
                    case .bool(let b):
                        traits.bind("bool")
                        traits.bind(b)
                    case .strings(let list):
                        traits.bind("strings")
                        traits.bind(JSONStringArray.encode(list))
                    }
                    traits.bind(trait.updatedAt)
                    try traits.insert()
                }
            }
            for (group, names) in p.traitTombstones.sorted(by: { $0.key < $1.key }) {
                for (name, removedAt) in names.sorted(by: { $0.key < $1.key }) {
                    traitTombstones.bind(sid)
                    traitTombstones.bind(pid)
                    traitTombstones.bind(group)
                    traitTombstones.bind(name)
                    traitTombstones.bind(removedAt)
                    try traitTombstones.insert()
                }
            }
            for item in p.observations {
                observations.bind(sid)
                observations.bind(pid)
                bind(item.observation, to: observations)
                try observations.insert()
                for revision in item.revisions {
                    observationRevisions.bind(sid)
                    observationRevisions.bind(pid)
                    observationRevisions.bind(item.observation.id)
                    observationRevisions.bind(revision.recordedAt)
                    observationRevisions.bind(revision.reason.rawValue)
                    observationRevisions.bind(JSONStringArray.encode(revision.conversationIDs))
                    bind(revision.prior, to: observationRevisions)
                    try observationRevisions.insert()
                }
            }
            for item in p.summaries {
                summaries.bind(sid)
                summaries.bind(pid)
                bind(item.summary, to: summaries)
                try summaries.insert()
                for revision in item.revisions {
                    summaryRevisions.bind(sid)
                    summaryRevisions.bind(pid)
                    summaryRevisions.bind(item.summary.conversationID)
                    summaryRevisions.bind(revision.recordedAt)
                    bind(revision.prior, to: summaryRevisions)
                    try summaryRevisions.insert()
                }
            }
            for (index, c) in p.communications.enumerated() {
                communications.bind(sid)
                communications.bind(pid)
                communications.bind(c.id)
                communications.bind(c.conversationID)
                communications.bind(c.authorType.rawValue)
                communications.bind(c.channel.rawValue)
                communications.bind(c.text)
                communications.bind(c.createdAt)
                communications.bind(c.authorAddress)
                try communications.insert()
                for r in c.recipients {
                    recipients.bind(sid)
                    recipients.bind(pid)
                    recipients.bind(index)
                    recipients.bind(r.type.rawValue)
                    recipients.bind(r.address)
                    try recipients.insert()
                }
            }
            for record in p.idempotencyKeys {
                idempotency.bind(sid)
                idempotency.bind(pid)
                idempotency.bind(record.key)
                idempotency.bind(record.outcome.kind.rawValue)
                idempotency.bind(record.outcome.observationID)
                idempotency.bind(record.outcome.replacedID)
                idempotency.bind(record.outcome.status.rawValue)
                idempotency.bind(record.outcome.isRetry)
                idempotency.bind(record.recordedAt)
                try idempotency.insert()
            }
            for c in p.conversations {
                conversations.bind(sid)
                conversations.bind(pid)
                conversations.bind(c.id)
                conversations.bind(c.state.rawValue)
                conversations.bind(c.createdAt)
                conversations.bind(c.updatedAt)
                conversations.bind(c.lastAppendAt)
                conversations.bind(c.firstMessageAt)
                conversations.bind(c.lastMessageAt)
                conversations.bind(JSONStringArray.encode(c.messageIDs))
                conversations.bind(JSONStringArray.encode(c.channels.map(\.rawValue)))
                conversations.bind(c.closedAt)
                conversations.bind(c.error)
                conversations.bind(JSONStringArray.encode(c.observationIDs))
                conversations.bind(c.summaryID)
                conversations.bind(c.extractor)
                conversations.bind(c.extractedAt)
                conversations.bind(c.extractedMessageCount)
                try conversations.insert()
            }
        }

        func bind(_ o: Observation, to s: SQLiteStatement) {
            s.bind(o.id)
            s.bind(o.content)
            s.bind(o.source)
            s.bind(o.occurredAt)
            s.bind(JSONStringArray.encode(o.conversationIDs))
            s.bind(o.subjectKey)
            // The standard hashed vector is a pure function of the content: restore recomputes it.
            s.bind(floats: o.hasDerivedVector ? nil : o.embedding)
            s.bind(o.idempotencyKey)
            s.bind(o.createdAt)
            s.bind(o.updatedAt)
            s.bind(o.mentionCount)
            s.bind(o.status.rawValue)
            s.bind(o.supersededBy)
            s.bind(o.embedder)
            s.bind(JSONStringArray.encode(o.communicationIDs))
        }

        func bind(_ m: Summary, to s: SQLiteStatement) {
            s.bind(m.id)
            s.bind(m.conversationID)
            s.bind(m.content)
            s.bind(m.source)
            s.bind(m.occurredAt)
            s.bind(m.createdAt)
            s.bind(m.updatedAt)
        }
    }

    // MARK: Reading

    /// Reads a snapshot back, checking its format, row counts and checksums.
    static func read(_ path: String) throws(StorageError) -> EngineSnapshot {
        guard FileIO.fileSize(path) != nil else { throw StorageError(.corruptSnapshot, "\(path) does not exist") }
        let db = try SQLiteDatabase(path: path, readOnly: true)
        var reader = Reader(db: db, path: path)
        return try reader.read()
    }

    struct Reader {
        var db: SQLiteDatabase
        let path: String
        var meta: [String: String] = [:]
        var formatVersion = SnapshotSchema.formatVersion
        var stores: [StoreSnapshot] = []
        var storeIndex: [String: Int] = [:]
        /// (store index, profile index) by store id + NUL + profile id.
        var profileIndex: [String: (Int, Int)] = [:]

        init(db: SQLiteDatabase, path: String) {
            self.db = db
            self.path = path
        }

        func corrupt(_ message: String) -> StorageError { StorageError(.corruptSnapshot, "\(path): \(message)") }

        mutating func read() throws(StorageError) -> EngineSnapshot {
            let m = try db.prepare("SELECT key, value FROM meta")
            while try m.step() { meta[m.string(0)] = m.string(1) }
            guard let version = meta["format_version"].flatMap(Int.init),
                (1...SnapshotSchema.formatVersion).contains(version)
            else {
                throw corrupt(
                    "snapshot format version \(meta["format_version"] ?? "missing"); this build reads 1 to \(SnapshotSchema.formatVersion)"
                )
            }
            formatVersion = version
            guard meta["complete"] == "1", let sequence = meta["log_sequence"].flatMap(UInt64.init) else {
                throw corrupt("the snapshot is incomplete (no complete marker or log sequence)")
            }
            for table in SnapshotSchema.tables {
                if let added = SnapshotSchema.addedTables[table.name], formatVersion < added { continue }
                let rows: Int64
                let checksum: UInt32
                if table.name == "observations" {
                    (rows, checksum) = try readObservations()
                } else {
                    let s = try db.prepare(SnapshotSchema.selectSQL(table.name, formatVersion: formatVersion))
                    try readRows(table.name, s)
                    (rows, checksum) = (s.rows, s.checksum.value)
                }
                guard String(rows) == meta["rows." + table.name], String(checksum) == meta["crc32c." + table.name]
                else {
                    throw corrupt(
                        "table \(table.name): \(rows) rows with checksum \(checksum), but the snapshot recorded \(meta["rows." + table.name] ?? "?") rows with checksum \(meta["crc32c." + table.name] ?? "?")"
                    )
                }
            }
            return EngineSnapshot(logPosition: sequence, stores: stores)
        }

        /// One part of the observations table: runs of rows of one profile, in rowid order.
        struct ObservationRows: Sendable {
            var runs: [(profile: (Int, Int), observations: [ObservationSnapshot])] = []
            var rows: Int64 = 0
            var checksum = CRC32C()
        }

        /// The observations table, most of a snapshot's rows, read in two halves of its rowids
        /// on two connections at once (recovery runs on a thread of its own, so both cores
        /// work); the halves' checksums combine into the table's.
        mutating func readObservations() throws(StorageError) -> (rows: Int64, checksum: UInt32) {
            let bounds = try db.prepare("SELECT coalesce(min(rowid), 1), coalesce(max(rowid), 0) FROM observations")
            guard try bounds.step() else { throw corrupt("observations: no row bounds") }
            let low = sqlite3_column_int64(bounds.handle, 0)
            let high = sqlite3_column_int64(bounds.handle, 1)
            let middle = low + (high - low) / 2
            let ranges = [low...middle, (middle + 1)...max(middle + 1, high)]
            let (path, version, index) = (self.path, formatVersion, profileIndex)
            let parts = Mutex<[Result<ObservationRows, StorageError>?]>([nil, nil])
            DispatchQueue.concurrentPerform(iterations: ranges.count) { k in
                let outcome = Result { () throws(StorageError) -> ObservationRows in
                    var reader = Reader(db: try SQLiteDatabase(path: path, readOnly: true), path: path)
                    reader.formatVersion = version
                    reader.profileIndex = index
                    let s = try reader.db.prepare(
                        SnapshotSchema.selectSQL("observations", formatVersion: version, rowids: ranges[k]))
                    var part = ObservationRows()
                    while try s.step() {
                        let profile = try reader.profile(s)
                        let item = ObservationSnapshot(observation: try reader.observation(s, from: 2), revisions: [])
                        if let last = part.runs.last, last.profile == profile {
                            part.runs[part.runs.count - 1].observations.append(item)
                        } else {
                            part.runs.append((profile, [item]))
                        }
                    }
                    part.rows = s.rows
                    part.checksum = s.checksum
                    return part
                }
                parts.withLock { $0[k] = outcome }
            }
            var rows: Int64 = 0
            var checksum = CRC32C()
            for part in parts.withLock({ $0 }) {
                guard let part else { throw corrupt("observations: a part was not read") }
                let read = try part.get()
                rows += read.rows
                checksum = CRC32C.combine(checksum, read.checksum)
                for run in read.runs {
                    let (i, j) = run.profile
                    if stores[i].profiles[j].observations.isEmpty {
                        stores[i].profiles[j].observations = run.observations
                    } else {
                        stores[i].profiles[j].observations += run.observations
                    }
                }
            }
            return (rows, checksum.value)
        }

        func store(_ id: String) throws(StorageError) -> Int {
            guard let i = storeIndex[id] else { throw corrupt("row names unknown store \(id)") }
            return i
        }

        /// The last profile looked up: rows are written profile by profile, so most rows name
        /// the one before them, found without building and hashing a key.
        var lastProfile: (store: String, profile: String, index: (Int, Int))?

        mutating func profile(_ s: SQLiteStatement) throws(StorageError) -> (Int, Int) {
            let storeText = s.text(0)
            let profileText = s.text(1)
            if let last = lastProfile, last.profile.hasUTF8(profileText), last.store.hasUTF8(storeText) {
                return last.index
            }
            let sid = String(decoding: storeText, as: UTF8.self)
            let pid = String(decoding: profileText, as: UTF8.self)
            guard let p = profileIndex[sid + "\u{0}" + pid] else {
                throw corrupt("row names unknown profile \(sid)/\(pid)")
            }
            lastProfile = (sid, pid, p)
            return p
        }

        func value<E: RawRepresentable>(_ type: E.Type, _ text: String, _ what: String) throws(StorageError) -> E
        where E.RawValue == String {
            guard let v = E(rawValue: text) else { throw corrupt("unknown \(what) \"\(text)\"") }
            return v
        }

        func strings(_ text: String, _ what: String) throws(StorageError) -> [String] {
            guard let list = JSONStringArray.decode(text) else {
                throw corrupt("\(what) is not a JSON array of strings: \(text.prefix(60))")
            }
            return list
        }

        mutating func readRows(_ table: String, _ s: SQLiteStatement) throws(StorageError) {
            switch table {
            case "stores":
                while try s.step() {
                    let store = Store(
                        id: s.string(0), displayName: s.string(1), description: s.string(2), createdAt: s.int64(3),
                        updatedAt: s.int64(4),
                        conversationSettings: ConversationSettings(
                            idleTimeout: s.int64(5), extractor: try value(ExtractorKind.self, s.string(6), "extractor"),
                            linkWhatsAppToPhone: s.bool(7), messageRetention: s.int64(8),
                            observationRetention: s.int64(9)))
                    storeIndex[store.id] = stores.count
                    stores.append(StoreSnapshot(store: store, settings: IdentitySettings(), aliases: [], profiles: []))
                }
            case "identity_settings":
                while try s.step() {
                    let i = try store(s.string(0))
                    stores[i].settings.defaultRegion = s.string(1)
                    stores[i].settings.priority = try strings(s.string(2), "priority")
                }
            case "identifier_types":
                while try s.step() {
                    let i = try store(s.string(0))
                    let t = IdentifierTypeSettings(
                        name: s.string(1),
                        normalization: try value(IdentifierNormalization.self, s.string(2), "normalization"),
                        limit: s.int(3), overflowPolicy: try value(OverflowPolicy.self, s.string(4), "overflow policy"),
                        unique: s.bool(5), blockedValues: try strings(s.string(6), "blocked_values"),
                        blockedPatterns: try strings(s.string(7), "blocked_patterns"))
                    stores[i].settings.types.append(t)
                }
            case "aliases":
                while try s.step() {
                    let i = try store(s.string(0))
                    stores[i].aliases.append(ProfileAlias(mergedID: s.string(1), canonicalID: s.string(2)))
                }
            case "profiles":
                while try s.step() {
                    let sid = s.string(0)
                    let i = try store(sid)
                    let p = ProfileSnapshot(
                        id: s.string(1), createdAt: s.int64(2), updatedAt: s.int64(3), identifiers: [], traits: [:],
                        mergedIDs: [],
                        observations: [], summaries: [], communications: [], idempotencyKeys: [])
                    profileIndex[sid + "\u{0}" + p.id] = (i, stores[i].profiles.count)
                    stores[i].profiles.append(p)
                }
            case "profile_merges":
                while try s.step() {
                    let (i, j) = try profile(s)
                    stores[i].profiles[j].mergedIDs.append(s.string(2))
                }
            case "identifiers":
                while try s.step() {
                    let (i, j) = try profile(s)
                    stores[i].profiles[j].identifiers.append(
                        StoredIdentifier(type: s.string(2), value: s.string(3), addedAt: s.int64(4)))
                }
            case "traits":
                while try s.step() {
                    let (i, j) = try profile(s)
                    let group = s.string(2)
                    let name = s.string(3)
                    let kind = s.string(4)
                    let v: TraitValue
                    switch kind {
                    case "string": v = .string(s.string(5))
                    case "number": v = .number(s.double(5))
                    case "integer": v = .integer(s.int64(5))
                    case "bool": v = .bool(s.bool(5))
                    case "strings": v = .strings(try strings(s.string(5), "trait value"))
                    default: throw corrupt("unknown trait value_type \"\(kind)\"")
                    }
                    stores[i].profiles[j].traits[group, default: [:]][name] = Trait(value: v, updatedAt: s.int64(6))
                }
            case "observation_revisions":
                var positions: [String: Int] = [:]
                var positionsFor: (Int, Int) = (-1, -1)
                while try s.step() {
                    let (i, j) = try profile(s)
                    if positionsFor != (i, j) {
                        positions = [:]
                        for (k, item) in stores[i].profiles[j].observations.enumerated() {
                            positions[item.observation.id] = k
                        }
                        positionsFor = (i, j)
                    }
                    let owner = s.string(2)
                    guard let k = positions[owner] else { throw corrupt("revision of unknown observation \(owner)") }
                    let revision = ObservationRevision(
                        recordedAt: s.int64(3), reason: try value(RevisionReason.self, s.string(4), "revision reason"),
                        conversationIDs: try strings(s.string(5), "revision_conversation_ids"),
                        prior: try observation(s, from: 6))
                    stores[i].profiles[j].observations[k].revisions.append(revision)
                }
            case "summaries":
                while try s.step() {
                    let (i, j) = try profile(s)
                    stores[i].profiles[j].summaries.append(SummarySnapshot(summary: summary(s, from: 2), revisions: []))
                }
            case "summary_revisions":
                while try s.step() {
                    let (i, j) = try profile(s)
                    let owner = s.string(2)
                    guard
                        let k = stores[i].profiles[j].summaries.firstIndex(where: { $0.summary.conversationID == owner }
                        )
                    else {
                        throw corrupt("revision of unknown summary for conversation \(owner)")
                    }
                    let revision = SummaryRevision(recordedAt: s.int64(3), prior: summary(s, from: 4))
                    stores[i].profiles[j].summaries[k].revisions.append(revision)
                }
            case "communications":
                while try s.step() {
                    let (i, j) = try profile(s)
                    let c = Communication(
                        id: s.string(2), conversationID: s.string(3),
                        authorType: try value(AuthorType.self, s.string(4), "author type"),
                        channel: try value(Channel.self, s.string(5), "channel"), text: s.string(6),
                        createdAt: s.int64(7),
                        authorAddress: s.string(8))
                    stores[i].profiles[j].communications.append(c)
                }
            case "communication_recipients":
                while try s.step() {
                    let (i, j) = try profile(s)
                    let k = s.int(2)
                    guard stores[i].profiles[j].communications.indices.contains(k) else {
                        throw corrupt("recipient of unknown communication \(k)")
                    }
                    stores[i].profiles[j].communications[k].recipients.append(
                        CommunicationParticipant(
                            type: try value(AuthorType.self, s.string(3), "recipient type"), address: s.string(4)))
                }
            case "idempotency_keys":
                while try s.step() {
                    let (i, j) = try profile(s)
                    let key = s.string(2)
                    let outcome = ObservationOutcome(
                        kind: try value(ObservationOutcomeKind.self, s.string(3), "outcome"),
                        observationID: s.string(4),
                        replacedID: s.optionalString(5),
                        status: try value(ObservationStatus.self, s.string(6), "status"),
                        isRetry: s.bool(7))
                    stores[i].profiles[j].idempotencyKeys.append(
                        IdempotencyRecord(key: key, outcome: outcome, recordedAt: s.int64(8)))
                }
            case "conversations":
                while try s.step() {
                    let (i, j) = try profile(s)
                    // Columns in order: the checksum is fed as they are read.
                    let id = s.string(2)
                    let state = try value(ConversationState.self, s.string(3), "conversation state")
                    let (createdAt, updatedAt, lastAppendAt) = (s.int64(4), s.int64(5), s.int64(6))
                    let (firstMessageAt, lastMessageAt) = (s.int64(7), s.int64(8))
                    let messageIDs = try strings(s.string(9), "message_ids")
                    var channels: [Channel] = []
                    for name in try strings(s.string(10), "channels") {
                        channels.append(try value(Channel.self, name, "channel"))
                    }
                    let closedAt = s.int64(11)
                    let error = s.optionalString(12)
                    let observationIDs = try strings(s.string(13), "observation_ids")
                    let conversation = Conversation(
                        id: id, profileID: stores[i].profiles[j].id, state: state, createdAt: createdAt,
                        updatedAt: updatedAt, lastAppendAt: lastAppendAt, firstMessageAt: firstMessageAt,
                        lastMessageAt: lastMessageAt, messageIDs: messageIDs, channels: channels, closedAt: closedAt,
                        error: error, observationIDs: observationIDs, summaryID: s.optionalString(14),
                        extractor: s.optionalString(15), extractedAt: s.int64(16), extractedMessageCount: s.int(17))
                    stores[i].profiles[j].conversations.append(conversation)
                }
            case "trait_tombstones":
                while try s.step() {
                    let (i, j) = try profile(s)
                    let group = s.string(2)
                    let name = s.string(3)
                    stores[i].profiles[j].traitTombstones[group, default: [:]][name] = s.int64(4)
                }
            case "knowledge_bases", "knowledge", "knowledge_chunks":
                try readKnowledge(table, s)
            default:
                throw corrupt("no reader for table \(table)")
            }
        }

        /// Knowledge base index by store id + NUL + base id.
        var baseIndex: [String: (Int, Int)] = [:]
        /// Document titles by base key + NUL + document id, for their chunks.
        var titles: [String: String] = [:]

        mutating func knowledgeBase(_ storeID: String, _ baseID: String) throws(StorageError) -> (Int, Int) {
            guard let found = baseIndex[storeID + "\0" + baseID] else {
                throw corrupt("a row names knowledge base \(baseID), which is not in knowledge_bases")
            }
            return found
        }

        mutating func readKnowledge(_ table: String, _ s: SQLiteStatement) throws(StorageError) {
            // Each column is read once, in order: the checksum is fed as they are read.
            switch table {
            case "knowledge_bases":
                while try s.step() {
                    let storeID = s.string(0)
                    let i = try store(storeID)
                    let base = KnowledgeBase(
                        id: s.string(1), displayName: s.string(2), description: s.string(3), createdAt: s.int64(4),
                        updatedAt: s.int64(5))
                    baseIndex[storeID + "\0" + base.id] = (i, stores[i].knowledgeBases.count)
                    stores[i].knowledgeBases.append(
                        KnowledgeBaseSnapshot(base: base, items: [], chunks: [], embedder: s.optionalString(6)))
                }
            case "knowledge":
                while try s.step() {
                    let (storeID, baseID) = (s.string(0), s.string(1))
                    let (i, j) = try knowledgeBase(storeID, baseID)
                    let id = s.string(2)
                    let name = s.string(3)
                    let description = s.string(4)
                    let flat = try strings(s.string(5), "metadata")
                    guard flat.count % 2 == 0 else { throw corrupt("knowledge \(id): metadata has an odd length") }
                    let metadata = stride(from: 0, to: flat.count, by: 2).map {
                        MetadataPair(key: flat[$0], value: flat[$0 + 1])
                    }
                    let type = try value(KnowledgeSourceType.self, s.string(6), "knowledge source type")
                    let item = Knowledge(
                        id: id, knowledgeBaseID: baseID, name: name, description: description, metadata: metadata,
                        sourceType: type, sourceBytes: s.int(7), status: .ready, chunkCount: 0, embeddedCount: 0,
                        createdAt: s.int64(8), updatedAt: s.int64(9))
                    titles[storeID + "\0" + baseID + "\0" + id] = name
                    stores[i].knowledgeBases[j].items.append(item)
                }
            default:
                while try s.step() {
                    let (storeID, baseID) = (s.string(0), s.string(1))
                    let (i, j) = try knowledgeBase(storeID, baseID)
                    let knowledgeID = s.string(2)
                    guard let title = titles[storeID + "\0" + baseID + "\0" + knowledgeID] else {
                        throw corrupt("a chunk names knowledge \(knowledgeID), which is not in knowledge")
                    }
                    let chunk = KnowledgeChunk(
                        knowledgeID: knowledgeID, index: s.int(3), content: s.string(4), documentTitle: title,
                        headingPath: try strings(s.string(5), "heading_path"), start: s.int(6), end: s.int(7))
                    stores[i].knowledgeBases[j].chunks.append(
                        KnowledgeChunkSnapshot(chunk: chunk, embedding: s.floats(8), headingEmbedding: s.floats(9)))
                }
                // Counts follow from the rows.
                for i in stores.indices {
                    for j in stores[i].knowledgeBases.indices {
                        var counts: [String: Int] = [:]
                        for row in stores[i].knowledgeBases[j].chunks { counts[row.chunk.knowledgeID, default: 0] += 1 }
                        for k in stores[i].knowledgeBases[j].items.indices {
                            let n = counts[stores[i].knowledgeBases[j].items[k].id] ?? 0
                            stores[i].knowledgeBases[j].items[k].chunkCount = n
                            stores[i].knowledgeBases[j].items[k].embeddedCount = n
                        }
                        stores[i].knowledgeBases[j].base.knowledgeCount = stores[i].knowledgeBases[j].items.count
                        stores[i].knowledgeBases[j].base.chunkCount = stores[i].knowledgeBases[j].chunks.count
                    }
                }
            }
        }

        /// Values that repeat row after row (a source, an embedder), kept so equal ones share one string.
        var lastSource = "", lastEmbedder = "", lastStatus = ""

        mutating func observation(_ s: SQLiteStatement, from c: Int32) throws(StorageError) -> Observation {
            // Columns in order: the checksum is fed as they are read.
            let id = s.string(c)
            let content = s.string(c + 1)
            let source = s.string(c + 2, reusing: &lastSource)
            let occurredAt = s.int64(c + 3)
            let conversations = s.text(c + 4)
            let conversationIDs =
                Self.isEmptyArray(conversations)
                ? [] : try strings(String(decoding: conversations, as: UTF8.self), "conversation_ids")
            var o = Observation(
                id: id, content: content, source: source, occurredAt: occurredAt, conversationIDs: conversationIDs,
                subjectKey: s.optionalString(c + 5), embedding: s.floats(c + 6),
                idempotencyKey: s.optionalString(c + 7),
                createdAt: s.int64(c + 8), updatedAt: s.int64(c + 9), mentionCount: s.int(c + 10),
                status: try value(ObservationStatus.self, s.string(c + 11, reusing: &lastStatus), "status"),
                supersededBy: s.optionalString(c + 12))
            // Version 1 did not record it: its engine-made vectors were all the hashed embedder's.
            if formatVersion >= 2 {
                o.embedder =
                    s.columnType(c + 13) == SQLITE_NULL
                    ? s.optionalString(c + 13) : s.string(c + 13, reusing: &lastEmbedder)
            } else {
                o.embedder = o.embedding == nil ? nil : HashedEmbedder.standardIdentity
            }
            let messages = s.text(c + 14)
            if !Self.isEmptyArray(messages) {
                o.communicationIDs = try strings(String(decoding: messages, as: UTF8.self), "communication_ids")
            }
            return o
        }

        /// "[]", the usual list of conversation ids, needs no parsing.
        static func isEmptyArray(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
            text.count == 2 && text[0] == UInt8(ascii: "[") && text[1] == UInt8(ascii: "]")
        }

        func summary(_ s: SQLiteStatement, from c: Int32) -> Summary {
            Summary(
                id: s.string(c), conversationID: s.string(c + 1), content: s.string(c + 2), source: s.string(c + 3),
                occurredAt: s.int64(c + 4), createdAt: s.int64(c + 5), updatedAt: s.int64(c + 6))
        }
    }
}
