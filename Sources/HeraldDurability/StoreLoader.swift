import HeraldStore
import HeraldWire

/// Reads the whole database into a ``DocumentStore`` (at start, or after a failed write whose
/// effects cannot be undone one by one).
enum StoreLoader {
    /// Loads indexes, collections with their mappings, then documents in insertion order.
    /// Returns the number of documents loaded.
    static func load(_ connection: SQLiteConnection, into store: DocumentStore, path: String) throws(DurabilityError) -> Int {
        do {
            return try read(connection, into: store, path: path)
        } catch let error as SQLiteError {
            throw .storage(path: path, error)
        } catch let error as DurabilityError {
            throw error
        } catch {
            throw .corrupt(path: path, detail: "\(error)")
        }
    }

    private static func read(_ connection: SQLiteConnection, into store: DocumentStore, path: String) throws -> Int {
        let parser = JSONParser(maximumDepth: 100_000)
        var count = 0
        // One sequential pass over the whole file: read it through a memory map.
        try connection.execute("PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -65536")
        let indexes = try connection.prepare("SELECT name FROM indexes")
        while try indexes.step() {
            let name = indexes.text(at: 0)
            if !store.indexExists(name) { try? store.createIndex(name) }
        }
        let collections = try connection.prepare("SELECT index_name, name, mapping FROM collections")
        while try collections.step() {
            let index = collections.text(at: 0), name = collections.text(at: 1)
            guard case .object(let mapping)? = collections.withBytes(at: 2, { try? parser.parse($0) }) else {
                throw DurabilityError.corrupt(path: path, detail: "mapping of \(index):\(name)")
            }
            do throws(KuzzleError) {
                try store.createCollection(index: index, collection: name, mappings: mapping)
            } catch {
                throw DurabilityError.corrupt(path: path, detail: "mapping of \(index):\(name): \(error.message)")
            }
        }
        let documents = try connection.prepare(
            "SELECT index_name, collection, id, version, source FROM documents ORDER BY rowid")
        while try documents.step() {
            let index = documents.text(at: 0), collection = documents.text(at: 1), id = documents.text(at: 2)
            guard case .object(let source)? = documents.withBytes(at: 4, { try? parser.parse($0) }) else {
                throw DurabilityError.corrupt(path: path, detail: "document \(index):\(collection):\(id)")
            }
            let document = StoredDocument(id: id, source: source, version: documents.integer(at: 3))
            do throws(KuzzleError) {
                try store.restore(document, index: index, collection: collection)
            } catch {
                throw DurabilityError.corrupt(path: path, detail: "document \(index):\(collection):\(id) has no collection")
            }
            count += 1
        }
        return count
    }
}
