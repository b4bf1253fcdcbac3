import LocalStore
import Runtime

/// A stored item with its encoded keys.
struct StoredItem {
    var partition: [UInt8]
    var sort: [UInt8]
    var item: AttributeValue.Item
}

extension DynamoDBStore {
    /// The sort-key column's value for tables without a sort key (never NULL, so the primary key holds).
    static let noSortKey: [UInt8] = [0]

    func createSchema() throws {
        try database.execute(
            """
            CREATE TABLE IF NOT EXISTS dynamodb_tables (
                name TEXT PRIMARY KEY,
                definition TEXT NOT NULL,
                created INTEGER NOT NULL
            );
            CREATE TABLE IF NOT EXISTS dynamodb_items (
                table_name TEXT NOT NULL,
                pk BLOB NOT NULL,
                sk BLOB NOT NULL,
                item_json TEXT NOT NULL,
                ttl INTEGER,
                PRIMARY KEY (table_name, pk, sk)
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS dynamodb_items_ttl ON dynamodb_items (ttl) WHERE ttl IS NOT NULL;
            """)
    }

    // MARK: Tables

    func saveTable(_ config: TableConfig, created: Int64) throws {
        try database.query(
            """
            INSERT INTO dynamodb_tables (name, definition, created) VALUES (?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET definition = excluded.definition
            """,
            [.text(config.name), .text(try JSON.encodeString(config.definition, sortedKeys: true)), .integer(created)])
    }

    func loadTables() throws -> [String: StoredTable] {
        var tables: [String: StoredTable] = [:]
        for row in try database.query("SELECT definition, created FROM dynamodb_tables") {
            guard let text = row[0].text else { continue }
            let config = try TableConfig(definition: try JSON.decode(JSONValue.self, from: text))
            tables[config.name] = StoredTable(config: config, created: row[1].integer ?? 0)
        }
        return tables
    }

    func dropTable(_ name: String) throws {
        try database.query("DELETE FROM dynamodb_items WHERE table_name = ?", [.text(name)])
        try database.query("DELETE FROM dynamodb_tables WHERE name = ?", [.text(name)])
    }

    // MARK: Items

    func loadItem(_ table: TableConfig, partition: [UInt8], sort: [UInt8]) throws -> AttributeValue.Item? {
        let rows = try database.query(
            "SELECT item_json FROM dynamodb_items WHERE table_name = ? AND pk = ? AND sk = ?",
            [.text(table.name), .blob(partition), .blob(sort)])
        return try rows.first.map { try Self.decodeItem($0[0]) }
    }

    func saveItem(_ table: TableConfig, _ item: AttributeValue.Item) throws {
        let (partition, sort) = Self.encodedKey(of: item, in: table)
        var ttl = SQLiteDatabase.Value.null
        if let attribute = table.ttlAttribute, let seconds = Self.ttlSeconds(item[attribute]) {
            ttl = .integer(seconds)
        }
        try database.query(
            "INSERT OR REPLACE INTO dynamodb_items (table_name, pk, sk, item_json, ttl) VALUES (?, ?, ?, ?, ?)",
            [
                .text(table.name), .blob(partition), .blob(sort),
                .text(try JSON.encodeString(AttributeValue.wire(item))), ttl,
            ])
    }

    func removeItem(_ table: TableConfig, partition: [UInt8], sort: [UInt8]) throws {
        try database.query(
            "DELETE FROM dynamodb_items WHERE table_name = ? AND pk = ? AND sk = ?",
            [.text(table.name), .blob(partition), .blob(sort)])
    }

    /// The items of one partition in sort-key order, narrowed by a sort-key range in SQL.
    func loadPartition(
        _ table: TableConfig, partition: [UInt8], sortRange: [(sql: String, value: [UInt8])], after start: [UInt8]?,
        ascending: Bool, limit: Int?
    ) throws -> [StoredItem] {
        var sql = "SELECT pk, sk, item_json FROM dynamodb_items WHERE table_name = ? AND pk = ?"
        var parameters: [SQLiteDatabase.Value] = [.text(table.name), .blob(partition)]
        for condition in sortRange {
            sql += " AND " + condition.sql
            parameters.append(.blob(condition.value))
            if condition.sql.hasPrefix("substr") { parameters.append(.blob(condition.value)) }
        }
        if let start {
            sql += ascending ? " AND sk > ?" : " AND sk < ?"
            parameters.append(.blob(start))
        }
        sql += ascending ? " ORDER BY sk ASC" : " ORDER BY sk DESC"
        if let limit {
            sql += " LIMIT ?"
            parameters.append(.integer(Int64(limit)))
        }
        return try database.query(sql, parameters).map(Self.storedItem)
    }

    /// The table's items in key order, from just after `start` (a partition and sort key).
    func loadTable(_ table: TableConfig, after start: ([UInt8], [UInt8])?, limit: Int?) throws -> [StoredItem] {
        var sql = "SELECT pk, sk, item_json FROM dynamodb_items WHERE table_name = ?"
        var parameters: [SQLiteDatabase.Value] = [.text(table.name)]
        if let (partition, sort) = start {
            sql += " AND (pk > ? OR (pk = ? AND sk > ?))"
            parameters += [.blob(partition), .blob(partition), .blob(sort)]
        }
        sql += " ORDER BY pk, sk"
        if let limit {
            sql += " LIMIT ?"
            parameters.append(.integer(Int64(limit)))
        }
        return try database.query(sql, parameters).map(Self.storedItem)
    }

    func countItems(_ table: String) throws -> (count: Int, bytes: Int) {
        let row = try database.query(
            "SELECT count(*), coalesce(sum(length(item_json)), 0) FROM dynamodb_items WHERE table_name = ?",
            [.text(table)])
        return (Int(row.first?[0].integer ?? 0), Int(row.first?[1].integer ?? 0))
    }

    /// Recomputes the `ttl` column of a table's items after its TTL attribute changed.
    func refreshExpiry(_ table: TableConfig) throws {
        for stored in try loadTable(table, after: nil, limit: nil) { try saveItem(table, stored.item) }
    }

    private static func storedItem(_ row: SQLiteDatabase.Row) throws -> StoredItem {
        StoredItem(partition: row[0].blob ?? [], sort: row[1].blob ?? [], item: try decodeItem(row[2]))
    }

    private static func decodeItem(_ value: SQLiteDatabase.Value) throws -> AttributeValue.Item {
        guard let text = value.text else { return [:] }
        return try AttributeValue.item(wire: try JSON.decode(JSONValue.self, from: text))
    }

    /// Whole epoch seconds of a TTL attribute; nil when it is not a number.
    static func ttlSeconds(_ value: AttributeValue?) -> Int64? {
        guard let number = value?.decimal, !number.isNegative, number.magnitude < 18 else { return nil }
        let text = number.description
        return Int64(text.split(separator: ".").first ?? "0")
    }
}
