/// Range conditions of one field, answering "which ranges contain this number" in
/// O(log n + matches): a treap ordered by lower bound, each node knowing its subtree's highest
/// upper bound.
struct IntervalTree {
    private struct Node {
        var bounds: RangeBounds
        var condition: Int32
        var priority: UInt64
        var left: Int32 = -1
        var right: Int32 = -1
        var maxUpper: Double
    }

    private var nodes: [Node] = []
    private var freeSlots: [Int32] = []
    private var root: Int32 = -1
    private var randomState: UInt64 = 0x2545_F491_4F6C_DD1D
    private(set) var count = 0

    /// Adds the range of `condition` (a condition id not already in the tree).
    mutating func insert(_ bounds: RangeBounds, condition: Int32) {
        randomState ^= randomState << 13
        randomState ^= randomState >> 7
        randomState ^= randomState << 17
        let node = Node(bounds: bounds, condition: condition, priority: randomState, maxUpper: bounds.upper)
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
            nodes[Int(slot)] = node
        } else {
            slot = Int32(nodes.count)
            nodes.append(node)
        }
        let (less, greater) = split(root, lower: bounds.lower, condition: condition)
        root = merge(merge(less, slot), greater)
        count += 1
    }

    /// Removes the range of `condition`, inserted earlier with these `bounds`.
    mutating func remove(_ bounds: RangeBounds, condition: Int32) {
        let (less, rest) = split(root, lower: bounds.lower, condition: condition)
        let (found, greater) = split(rest, lower: bounds.lower, condition: condition + 1)
        if found >= 0 {
            freeSlots.append(found)
            count -= 1
        }
        root = merge(less, greater)
    }

    /// Appends to `matches` the conditions whose range contains `value`.
    func stab(_ value: Double, into matches: inout [Int32]) {
        stab(root, value, into: &matches)
    }

    private func stab(_ slot: Int32, _ value: Double, into matches: inout [Int32]) {
        var current = slot
        while current >= 0 {
            let node = nodes[Int(current)]
            if node.maxUpper < value { return }
            if node.left >= 0 { stab(node.left, value, into: &matches) }
            if node.bounds.lower > value { return }
            if node.bounds.contains(value) { matches.append(node.condition) }
            current = node.right
        }
    }

    /// Splits into nodes ordered before (lower, condition) and the others.
    private mutating func split(_ slot: Int32, lower: Double, condition: Int32) -> (Int32, Int32) {
        guard slot >= 0 else { return (-1, -1) }
        let node = nodes[Int(slot)]
        if node.bounds.lower < lower || (node.bounds.lower == lower && node.condition < condition) {
            let (less, greater) = split(node.right, lower: lower, condition: condition)
            nodes[Int(slot)].right = less
            update(slot)
            return (slot, greater)
        } else {
            let (less, greater) = split(node.left, lower: lower, condition: condition)
            nodes[Int(slot)].left = greater
            update(slot)
            return (less, slot)
        }
    }

    /// Joins two treaps where every node of `left` orders before every node of `right`.
    private mutating func merge(_ left: Int32, _ right: Int32) -> Int32 {
        if left < 0 { return right }
        if right < 0 { return left }
        if nodes[Int(left)].priority > nodes[Int(right)].priority {
            nodes[Int(left)].right = merge(nodes[Int(left)].right, right)
            update(left)
            return left
        } else {
            nodes[Int(right)].left = merge(left, nodes[Int(right)].left)
            update(right)
            return right
        }
    }

    private mutating func update(_ slot: Int32) {
        let node = nodes[Int(slot)]
        var maxUpper = node.bounds.upper
        if node.left >= 0 { maxUpper = Swift.max(maxUpper, nodes[Int(node.left)].maxUpper) }
        if node.right >= 0 { maxUpper = Swift.max(maxUpper, nodes[Int(node.right)].maxUpper) }
        nodes[Int(slot)].maxUpper = maxUpper
    }
}
