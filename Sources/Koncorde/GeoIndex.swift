import Glibc

/// Geospatial conditions of one field, answering "which shapes contain this point".
///
/// A hierarchy of latitude/longitude grids: level `k` cuts the world into 2^k × 2^k cells, and each
/// shape is filed at the finest level whose cells are at least as large as its envelope, so it
/// lands in at most 2 × 2 cells. A query looks up one cell per level in use, then tests the shapes
/// found there exactly. Level 0 is a single cell for unbounded envelopes.
struct GeoIndex {
    private struct Entry {
        let condition: Int32
        let shape: GeoShape
        let envelope: GeoBox
    }

    private static let deepestLevel = 30
    private var cells: [[UInt64: [Entry]]] = Array(repeating: [:], count: deepestLevel + 1)
    private var shapesPerLevel = [Int](repeating: 0, count: deepestLevel + 1)
    private var activeLevels: [Int] = []
    private(set) var count = 0

    /// Adds the shape of `condition` (a condition id not already in the index).
    mutating func insert(_ shape: GeoShape, condition: Int32) {
        let envelope = shape.envelope
        let level = Self.level(for: envelope)
        let entry = Entry(condition: condition, shape: shape, envelope: envelope)
        for key in Self.keys(of: envelope, level: level) {
            cells[level][key, default: []].append(entry)
        }
        shapesPerLevel[level] += 1
        if shapesPerLevel[level] == 1 {
            activeLevels.append(level)
            activeLevels.sort()
        }
        count += 1
    }

    /// Removes the shape of `condition`, inserted earlier as `shape`.
    mutating func remove(_ shape: GeoShape, condition: Int32) {
        let envelope = shape.envelope
        let level = Self.level(for: envelope)
        var found = false
        for key in Self.keys(of: envelope, level: level) {
            guard var entries = cells[level][key] else { continue }
            let before = entries.count
            entries.removeAll { $0.condition == condition }
            found = found || entries.count != before
            cells[level][key] = entries.isEmpty ? nil : entries
        }
        guard found else { return }
        shapesPerLevel[level] -= 1
        if shapesPerLevel[level] == 0 { activeLevels.removeAll { $0 == level } }
        count -= 1
    }

    /// Appends to `matches` the conditions whose shape contains `point`.
    func query(_ point: GeoPoint, into matches: inout [Int32]) {
        for level in activeLevels {
            guard let entries = cells[level][Self.key(lat: point.lat, lon: point.lon, level: level)] else { continue }
            for entry in entries where entry.envelope.contains(point) && entry.shape.contains(point) {
                matches.append(entry.condition)
            }
        }
    }

    private static func level(for envelope: GeoBox) -> Int {
        let width = envelope.right - envelope.left
        let height = envelope.top - envelope.bottom
        guard width.isFinite, height.isFinite, width >= 0, height >= 0 else { return 0 }
        var level = 0
        var cellWidth = 360.0
        var cellHeight = 180.0
        while level < deepestLevel, cellWidth / 2 >= width, cellHeight / 2 >= height {
            level += 1
            cellWidth /= 2
            cellHeight /= 2
        }
        return level
    }

    private static func keys(of envelope: GeoBox, level: Int) -> [UInt64] {
        if level == 0 { return [0] }
        let (minColumn, minRow) = cell(lat: envelope.bottom, lon: envelope.left, level: level)
        let (maxColumn, maxRow) = cell(lat: envelope.top, lon: envelope.right, level: level)
        var keys: [UInt64] = []
        keys.reserveCapacity((maxRow - minRow + 1) * (maxColumn - minColumn + 1))
        for row in minRow...maxRow {
            for column in minColumn...maxColumn {
                keys.append(packed(row: row, column: column))
            }
        }
        return keys
    }

    @inline(__always)
    private static func key(lat: Double, lon: Double, level: Int) -> UInt64 {
        if level == 0 { return 0 }
        let (column, row) = cell(lat: lat, lon: lon, level: level)
        return packed(row: row, column: column)
    }

    /// One number per cell of a level: the row in the high 32 bits, the column in the low ones.
    @inline(__always)
    private static func packed(row: Int, column: Int) -> UInt64 {
        UInt64(truncatingIfNeeded: row) &* 0x1_0000_0000 &+ UInt64(truncatingIfNeeded: column)
    }

    /// The cell holding a coordinate; coordinates outside the world fall in the border cells, which
    /// keeps the mapping monotonic so that a point inside an envelope always shares one of its cells.
    @inline(__always)
    private static func cell(lat: Double, lon: Double, level: Int) -> (column: Int, row: Int) {
        let divisions = Double(1 << level)
        let last = divisions - 1
        let column = min(last, max(0, ((lon + 180) / 360 * divisions).rounded(.down)))
        let row = min(last, max(0, ((lat + 90) / 180 * divisions).rounded(.down)))
        return (Int(column), Int(row))
    }
}
