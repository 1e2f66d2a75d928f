import Foundation
import GRDB

/// Opening the SQLite file of a store: read-only (also for a store in a read-only file, folder or
/// mount) and read-write (WAL mode, with retries while another process switches a new file to WAL).
enum StoreFile {
    /// The connection settings every store connection shares: a busy store is waited on for up to 60 s;
    /// a writer keeps foreign keys on and lets the write-ahead log shrink back to 1 MB after each
    /// checkpoint of it (a checkpoint transaction can make it several MB).
    static func configuration(readonly: Bool) -> Configuration {
        var configuration = Configuration()
        configuration.readonly = readonly
        configuration.busyMode = .timeout(60)
        configuration.prepareDatabase { db in
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA foreign_keys = ON; PRAGMA journal_size_limit = 1048576") }
        }
        return configuration
    }

    /// True when `url` names a file with content (an absent or 0-byte file becomes a new store).
    static func hasContent(_ url: URL) -> Bool {
        ((try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0) > 0
    }

    /// A read-only connection that writes nothing to the database file, and what the file holds.
    ///
    /// SQLite reads a WAL-mode file through its `-shm` index, which it must be able to create; where it
    /// cannot (a read-only folder or mount, or a read-only `-shm`), the file is opened `immutable`
    /// (read as it is on disk, without locks — a read-only location has no writer) — unless a non-empty
    /// `-wal` holds rows that such a reading would miss (``StoreError/unreadableLog(_:)``). A file that
    /// is not an SQLite database is ``StoreError/notAStore(_:reason:)``.
    static func openReadOnly(_ url: URL) throws -> (DatabaseQueue, StoreSchema.Contents) {
        let path = url.path
        func open(_ location: String) throws -> (DatabaseQueue, StoreSchema.Contents) {
            let queue = try DatabaseQueue(path: location, configuration: configuration(readonly: true))
            return (queue, try queue.read(StoreSchema.inspect))
        }
        do {
            return try open(path)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw StoreError.notAStore(path, reason: "not an SQLite database")
        } catch let first {
            if hasContent(URL(fileURLWithPath: path + "-wal")) { throw StoreError.unreadableLog(path) }
            let escaped = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "?#%"))) ?? path
            do { return try open("file:\(escaped)?immutable=1") } catch let second as DatabaseError where second.resultCode == .SQLITE_NOTADB {
                throw StoreError.notAStore(path, reason: "not an SQLite database")
            } catch {
                throw first
            }
        }
    }

    /// The read-write pool, retrying while another process holds the lock that switching a new database
    /// to WAL mode needs (SQLite answers that switch with SQLITE_BUSY at once, without the busy timeout):
    /// concurrent runs of a sweep may open a new store at the same moment. Gives up after ≈ 30 s.
    static func openReadWrite(_ url: URL) throws -> DatabasePool {
        var attempt = 0
        while true {
            do {
                return try DatabasePool(path: url.path, configuration: configuration(readonly: false))
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && attempt < 300 {
                attempt += 1
                usleep(100_000)
            }
        }
    }
}
