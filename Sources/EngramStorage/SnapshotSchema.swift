import EngramCore

/// The snapshot file's tables (docs/storage.md documents them for operators). Every table is
/// written in one pass over the engine's view and read back in rowid order; lists inside a
/// row (conversation ids, blocked values) are JSON arrays of strings; times are µs since the
/// Unix epoch; embeddings are little-endian float32 blobs.
enum SnapshotSchema {
    /// Version 2 added observations' `embedder` column; version 3 the stores' conversation
    /// settings, observations' `communication_ids` and the `conversations` table; version 4 the
    /// knowledge tables; version 5 `trait_tombstones`. Older files are still read.
    static let formatVersion = 5

    /// Columns a file of an older version lacks, and what to read in their place.
    static let addedColumns: [(name: String, version: Int, placeholder: String)] = [
        ("embedder", 2, "NULL"),
        ("idle_timeout_us", 3, String(ConversationSettings().idleTimeout)),
        ("extractor", 3, "'\(ConversationSettings().extractor.rawValue)'"),
        ("link_whatsapp_to_phone", 3, ConversationSettings().linkWhatsAppToPhone ? "1" : "0"),
        ("message_retention_us", 3, "0"), ("observation_retention_us", 3, "0"), ("recorded_at_us", 3, "0"),
        ("communication_ids", 3, "'[]'"),
    ]

    /// Tables a file of an older version lacks (read as empty).
    static let addedTables: [String: Int] = [
        "conversations": 3, "knowledge_bases": 4, "knowledge": 4, "knowledge_chunks": 4, "trait_tombstones": 5,
    ]

    /// (table, columns with types), in the order rows are read back.
    static let tables: [(name: String, columns: [(String, String)])] = [
        (
            "stores",
            [
                ("store_id", "TEXT NOT NULL"), ("display_name", "TEXT NOT NULL"), ("description", "TEXT NOT NULL"),
                ("created_at_us", "INTEGER NOT NULL"), ("updated_at_us", "INTEGER NOT NULL"),
                ("idle_timeout_us", "INTEGER NOT NULL"), ("extractor", "TEXT NOT NULL"),
                ("link_whatsapp_to_phone", "INTEGER NOT NULL"), ("message_retention_us", "INTEGER NOT NULL"),
                ("observation_retention_us", "INTEGER NOT NULL"),
            ]
        ),
        (
            "identity_settings",
            [("store_id", "TEXT NOT NULL"), ("default_region", "TEXT NOT NULL"), ("priority", "TEXT NOT NULL")]
        ),
        (
            "identifier_types",
            [
                ("store_id", "TEXT NOT NULL"), ("name", "TEXT NOT NULL"), ("normalization", "TEXT NOT NULL"),
                ("per_profile_limit", "INTEGER NOT NULL"), ("overflow_policy", "TEXT NOT NULL"),
                ("is_unique", "INTEGER NOT NULL"),
                ("blocked_values", "TEXT NOT NULL"), ("blocked_patterns", "TEXT NOT NULL"),
            ]
        ),
        (
            "aliases",
            [("store_id", "TEXT NOT NULL"), ("merged_id", "TEXT NOT NULL"), ("canonical_id", "TEXT NOT NULL")]
        ),
        (
            "profiles",
            [
                ("store_id", "TEXT NOT NULL"), ("profile_id", "TEXT NOT NULL"), ("created_at_us", "INTEGER NOT NULL"),
                ("updated_at_us", "INTEGER NOT NULL"),
            ]
        ),
        (
            "profile_merges",
            [("store_id", "TEXT NOT NULL"), ("profile_id", "TEXT NOT NULL"), ("merged_id", "TEXT NOT NULL")]
        ),
        (
            "identifiers",
            [
                ("store_id", "TEXT NOT NULL"), ("profile_id", "TEXT NOT NULL"), ("type", "TEXT NOT NULL"),
                ("value", "TEXT NOT NULL"),
                ("added_at_us", "INTEGER NOT NULL"),
            ]
        ),
        (
            "traits",
            [
                ("store_id", "TEXT NOT NULL"), ("profile_id", "TEXT NOT NULL"), ("trait_group", "TEXT NOT NULL"),
                ("name", "TEXT NOT NULL"),
                ("value_type", "TEXT NOT NULL"), ("value", ""), ("updated_at_us", "INTEGER NOT NULL"),
            ]
        ),
        ("observations", observationColumns(prefix: [("store_id", "TEXT NOT NULL"), ("profile_id", "TEXT NOT NULL")])),
        (
            "observation_revisions",
            observationColumns(prefix: [
                ("store_id", "TEXT NOT NULL"), ("profile_id", "TEXT NOT NULL"), ("of_observation_id", "TEXT NOT NULL"),
                ("recorded_at_us", "INTEGER NOT NULL"), ("reason", "TEXT NOT NULL"),
                ("revision_conversation_ids", "TEXT NOT NULL"),
            ])
        ),
        ("summaries", summaryColumns(prefix: [("store_id", "TEXT NOT NULL"), ("profile_id", "TEXT NOT NULL")])),
        (
            "summary_revisions",
            summaryColumns(prefix: [
                ("store_id", "TEXT NOT NULL"), ("profile_id", "TEXT NOT NULL"), ("of_conversation_id", "TEXT NOT NULL"),
                ("recorded_at_us", "INTEGER NOT NULL"),
            ])
        ),
        (
            "communications",
            [
                ("store_id", "TEXT NOT NULL"), ("profile_id", "TEXT NOT NULL"), ("communication_id", "TEXT NOT NULL"),
                ("conversation_id", "TEXT NOT NULL"), ("author_type", "TEXT NOT NULL"), ("channel", "TEXT NOT NULL"),
                ("text", "TEXT NOT NULL"),
                ("created_at_us", "INTEGER NOT NULL"), ("author_address", "TEXT NOT NULL"),
            ]
        ),
        (
            "communication_recipients",
            [
                ("store_id", "TEXT NOT NULL"), ("profile_id", "TEXT NOT NULL"),
                ("communication_index", "INTEGER NOT NULL"),
                ("type", "TEXT NOT NULL"), ("address", "TEXT NOT NULL"),
            ]
        ),
        (
            "idempotency_keys",
            [
                ("store_id", "TEXT NOT NULL"), ("profile_id", "TEXT NOT NULL"), ("idempotency_key", "TEXT NOT NULL"),
                ("outcome", "TEXT NOT NULL"), ("observation_id", "TEXT NOT NULL"), ("replaced_id", "TEXT"),
                ("status", "TEXT NOT NULL"),
                ("is_retry", "INTEGER NOT NULL"), ("recorded_at_us", "INTEGER NOT NULL"),
            ]
        ),
        (
            "conversations",
            [
                ("store_id", "TEXT NOT NULL"), ("profile_id", "TEXT NOT NULL"), ("conversation_id", "TEXT NOT NULL"),
                ("state", "TEXT NOT NULL"), ("created_at_us", "INTEGER NOT NULL"),
                ("updated_at_us", "INTEGER NOT NULL"), ("last_append_at_us", "INTEGER NOT NULL"),
                ("first_message_at_us", "INTEGER NOT NULL"), ("last_message_at_us", "INTEGER NOT NULL"),
                ("message_ids", "TEXT NOT NULL"), ("channels", "TEXT NOT NULL"), ("closed_at_us", "INTEGER NOT NULL"),
                ("error", "TEXT"), ("observation_ids", "TEXT NOT NULL"), ("summary_id", "TEXT"), ("extractor", "TEXT"),
                ("extracted_at_us", "INTEGER NOT NULL"), ("extracted_message_count", "INTEGER NOT NULL"),
            ]
        ),
        (
            "knowledge_bases",
            [
                ("store_id", "TEXT NOT NULL"), ("knowledge_base_id", "TEXT NOT NULL"),
                ("display_name", "TEXT NOT NULL"),
                ("description", "TEXT NOT NULL"), ("created_at_us", "INTEGER NOT NULL"),
                ("updated_at_us", "INTEGER NOT NULL"), ("embedder", "TEXT"),
            ]
        ),
        (
            "knowledge",
            [
                ("store_id", "TEXT NOT NULL"), ("knowledge_base_id", "TEXT NOT NULL"),
                ("knowledge_id", "TEXT NOT NULL"),
                ("name", "TEXT NOT NULL"), ("description", "TEXT NOT NULL"), ("metadata", "TEXT NOT NULL"),
                ("source_type", "TEXT NOT NULL"), ("source_bytes", "INTEGER NOT NULL"),
                ("created_at_us", "INTEGER NOT NULL"), ("updated_at_us", "INTEGER NOT NULL"),
            ]
        ),
        (
            "knowledge_chunks",
            [
                ("store_id", "TEXT NOT NULL"), ("knowledge_base_id", "TEXT NOT NULL"),
                ("knowledge_id", "TEXT NOT NULL"),
                ("chunk_index", "INTEGER NOT NULL"), ("content", "TEXT NOT NULL"), ("heading_path", "TEXT NOT NULL"),
                ("start_offset", "INTEGER NOT NULL"), ("end_offset", "INTEGER NOT NULL"), ("embedding", "BLOB"),
                ("heading_embedding", "BLOB"),
            ]
        ),
        (
            "trait_tombstones",
            [
                ("store_id", "TEXT NOT NULL"), ("profile_id", "TEXT NOT NULL"), ("trait_group", "TEXT NOT NULL"),
                ("name", "TEXT NOT NULL"), ("removed_at_us", "INTEGER NOT NULL"),
            ]
        ),
    ]

    static func observationColumns(prefix: [(String, String)]) -> [(String, String)] {
        prefix + [
            ("observation_id", "TEXT NOT NULL"), ("content", "TEXT NOT NULL"), ("source", "TEXT NOT NULL"),
            ("occurred_at_us", "INTEGER NOT NULL"), ("conversation_ids", "TEXT NOT NULL"), ("subject_key", "TEXT"),
            ("embedding", "BLOB"), ("idempotency_key", "TEXT"), ("created_at_us", "INTEGER NOT NULL"),
            ("updated_at_us", "INTEGER NOT NULL"), ("mention_count", "INTEGER NOT NULL"), ("status", "TEXT NOT NULL"),
            ("superseded_by", "TEXT"), ("embedder", "TEXT"), ("communication_ids", "TEXT NOT NULL"),
        ]
    }

    static func summaryColumns(prefix: [(String, String)]) -> [(String, String)] {
        prefix + [
            ("summary_id", "TEXT NOT NULL"), ("conversation_id", "TEXT NOT NULL"), ("content", "TEXT NOT NULL"),
            ("source", "TEXT NOT NULL"), ("occurred_at_us", "INTEGER NOT NULL"), ("created_at_us", "INTEGER NOT NULL"),
            ("updated_at_us", "INTEGER NOT NULL"),
        ]
    }

    /// Indexes for operators' queries, built after the rows are in (cheaper than maintaining them).
    static let indexes = [
        "CREATE INDEX identifiers_by_value ON identifiers (store_id, type, value)",
        "CREATE INDEX observations_by_profile ON observations (store_id, profile_id)",
    ]

    static var createSQL: String {
        var sql = "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
        for table in tables {
            // `value` in traits has no declared type, so SQLite keeps each value as bound.
            sql +=
                "CREATE TABLE \(table.name) ("
                + table.columns.map { $0.1.isEmpty ? $0.0 : "\($0.0) \($0.1)" }.joined(separator: ", ") + ");\n"
        }
        return sql
    }

    static func insertSQL(_ table: String) -> String {
        let columns = tables.first { $0.name == table }!.columns
        return "INSERT INTO \(table) (" + columns.map(\.0).joined(separator: ", ") + ") VALUES ("
            + columns.map { _ in "?" }.joined(separator: ", ") + ")"
    }

    static func selectSQL(_ table: String, formatVersion: Int = formatVersion, rowids: ClosedRange<Int64>? = nil)
        -> String
    {
        let columns = tables.first { $0.name == table }!.columns
        // A column an older file lacks is read as its placeholder.
        let names = columns.map { column in
            addedColumns.first { $0.name == column.0 && formatVersion < $0.version }?.placeholder ?? column.0
        }
        let range = rowids.map { " WHERE rowid BETWEEN \($0.lowerBound) AND \($0.upperBound)" } ?? ""
        return "SELECT " + names.joined(separator: ", ") + " FROM \(table)\(range) ORDER BY rowid"
    }
}
