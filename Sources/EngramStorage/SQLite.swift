import CSQLite
import Glibc

/// A SQLite connection used by one thread at a time (a snapshot writer or reader).
final class SQLiteDatabase {
    let handle: OpaquePointer
    let path: String

    /// Opens (`readOnly`) or creates the database file.
    init(path: String, readOnly: Bool) throws(StorageError) {
        var db: OpaquePointer?
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "code \(rc)"
            if let db { sqlite3_close_v2(db) }
            throw StorageError(.corruptSnapshot, "cannot open \(path): \(message)")
        }
        handle = db
        self.path = path
    }

    deinit { sqlite3_close_v2(handle) }

    func error(_ what: String) -> StorageError {
        let code = sqlite3_extended_errcode(handle)
        let kind: StorageError.Code =
            (code & 0xFF) == SQLITE_FULL ? .diskFull : ((code & 0xFF) == SQLITE_IOERR ? .io : .corruptSnapshot)
        return StorageError(kind, "\(path): \(what): \(String(cString: sqlite3_errmsg(handle))) (sqlite code \(code))")
    }

    /// Runs SQL that returns no rows.
    func execute(_ sql: String) throws(StorageError) {
        var message: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(handle, sql, nil, nil, &message) == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(message)
            throw StorageError(.corruptSnapshot, "\(path): \(text) in: \(sql.prefix(80))")
        }
    }

    func prepare(_ sql: String) throws(StorageError) -> SQLiteStatement {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK,
            let statement
        else {
            throw error("preparing \(sql.prefix(80))")
        }
        return SQLiteStatement(database: self, handle: statement)
    }
}

/// A prepared statement. Binding and reading feed a running checksum of the values, so a
/// snapshot's reader can tell the rows it read are the rows its writer wrote.
final class SQLiteStatement {
    let database: SQLiteDatabase
    let handle: OpaquePointer
    var checksum = CRC32C()
    var rows: Int64 = 0
    private var index: Int32 = 0

    init(database: SQLiteDatabase, handle: OpaquePointer) {
        self.database = database
        self.handle = handle
    }

    deinit { sqlite3_finalize(handle) }

    // MARK: Writing

    func bind(_ value: String) {
        index += 1
        checksum.update(value)
        var value = value
        value.withUTF8 { utf8 in
            if let base = utf8.baseAddress, utf8.count > 0 {
                base.withMemoryRebound(to: CChar.self, capacity: utf8.count) {
                    _ = engram_sqlite3_bind_text_transient(handle, index, $0, Int32(utf8.count))
                }
            } else {
                // A nil pointer would bind NULL; an empty string is not NULL.
                _ = engram_sqlite3_bind_text_transient(handle, index, "", 0)
            }
        }
    }

    func bind(_ value: String?) {
        if let value { bind(value) } else { bindNull() }
    }

    func bind(_ value: Int64) {
        index += 1
        checksum.update(value)
        sqlite3_bind_int64(handle, index, value)
    }

    func bind(_ value: Int) { bind(Int64(value)) }

    func bind(_ value: Bool) { bind(Int64(value ? 1 : 0)) }

    func bind(_ value: Double) {
        index += 1
        checksum.update(Int64(bitPattern: value.bitPattern))
        sqlite3_bind_double(handle, index, value)
    }

    func bind(floats: [Float]?) {
        guard let floats else {
            bindNull()
            return
        }
        index += 1
        var bytes = [UInt8]()
        bytes.reserveCapacity(floats.count * 4)
        for f in floats { withUnsafeBytes(of: f.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        checksum.update(bytes)
        checksum.update(Int64(bytes.count))
        bytes.withUnsafeBytes { _ = engram_sqlite3_bind_blob_transient(handle, index, $0.baseAddress, Int32($0.count)) }
    }

    func bindNull() {
        index += 1
        checksum.update(Int64.min)
        sqlite3_bind_null(handle, index)
    }

    /// Runs the bound insert and resets for the next row.
    func insert() throws(StorageError) {
        let rc = sqlite3_step(handle)
        index = 0
        sqlite3_reset(handle)
        guard rc == SQLITE_DONE else { throw database.error("insert") }
        rows += 1
    }

    // MARK: Reading

    /// Advances to the next row; false at the end.
    func step() throws(StorageError) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW:
            rows += 1
            return true
        case SQLITE_DONE: return false
        default: throw database.error("reading")
        }
    }

    func string(_ column: Int32) -> String {
        let bytes = text(column)
        return bytes.isEmpty ? "" : String(decoding: bytes, as: UTF8.self)
    }

    /// A column's text as SQLite holds it (valid until the next step), fed to the checksum as
    /// `string(_:)` feeds it: readers compare it with what they have before making a string.
    func text(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
        // Text first: sqlite3_column_bytes then reports the UTF-8 length.
        let pointer = sqlite3_column_text(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        let bytes = UnsafeBufferPointer(
            start: count > 0 ? pointer : nil, count: count > 0 && pointer != nil ? count : 0)
        checksum.update(UnsafeRawBufferPointer(bytes))
        checksum.update(Int64(bytes.count))
        return bytes
    }

    /// As `string(_:)`, but returns `last` itself (sharing its storage) when the text is the
    /// same: columns such as a source or an embedder repeat row after row.
    func string(_ column: Int32, reusing last: inout String) -> String {
        let bytes = text(column)
        if last.hasUTF8(bytes) { return last }
        last = bytes.isEmpty ? "" : String(decoding: bytes, as: UTF8.self)
        return last
    }

    func optionalString(_ column: Int32) -> String? {
        if sqlite3_column_type(handle, column) == SQLITE_NULL {
            checksum.update(Int64.min)
            return nil
        }
        return string(column)
    }

    func int64(_ column: Int32) -> Int64 {
        let value = sqlite3_column_int64(handle, column)
        checksum.update(value)
        return value
    }

    func int(_ column: Int32) -> Int { Int(int64(column)) }

    func bool(_ column: Int32) -> Bool { int64(column) != 0 }

    func double(_ column: Int32) -> Double {
        let value = sqlite3_column_double(handle, column)
        checksum.update(Int64(bitPattern: value.bitPattern))
        return value
    }

    func floats(_ column: Int32) -> [Float]? {
        if sqlite3_column_type(handle, column) == SQLITE_NULL {
            checksum.update(Int64.min)
            return nil
        }
        let count = Int(sqlite3_column_bytes(handle, column))
        guard let raw = sqlite3_column_blob(handle, column) else {
            checksum.update([])
            checksum.update(Int64(0))
            return []
        }
        let bytes = UnsafeRawBufferPointer(start: raw, count: count)
        checksum.update(bytes)
        checksum.update(Int64(count))
        var out = [Float](repeating: 0, count: count / 4)
        for i in 0..<out.count {
            out[i] = Float(
                bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
        }
        return out
    }

    func columnType(_ column: Int32) -> Int32 { sqlite3_column_type(handle, column) }
}

extension String {
    /// Whether the string's UTF-8 is exactly `bytes`.
    func hasUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard utf8.count == bytes.count else { return false }
        guard let base = bytes.baseAddress else { return true }
        return utf8.withContiguousStorageIfAvailable { mine in memcmp(mine.baseAddress!, base, bytes.count) == 0 }
            ?? utf8.elementsEqual(bytes)
    }
}
