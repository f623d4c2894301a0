/// The server-wide bound on queued outbound bytes: past it, the connections with the largest
/// queues are cut first until the rest fits. Pure logic; the server tracks the total and applies
/// the verdict.
struct OutboundBudget: Sendable, Equatable {
    /// Queued bytes allowed across every connection (`0`: no bound).
    let maxTotalBytes: Int

    /// Whether `totalBytes` queued are over the budget.
    func isExceeded(byTotal totalBytes: Int) -> Bool {
        maxTotalBytes > 0 && totalBytes > maxTotalBytes
    }

    /// The connections to cut, largest queue first (ties: the older connection first), so that the
    /// bytes left queued are within the budget. `queues` lists each connection's queued bytes.
    func connectionsToCut(totalBytes: Int, queues: [(connection: ConnectionNumber, bytes: Int)]) -> [ConnectionNumber] {
        guard isExceeded(byTotal: totalBytes) else { return [] }
        let largestFirst = queues.filter { $0.bytes > 0 }.sorted {
            $0.bytes != $1.bytes ? $0.bytes > $1.bytes : $0.connection < $1.connection
        }
        var remaining = totalBytes
        var cut: [ConnectionNumber] = []
        for queue in largestFirst where remaining > maxTotalBytes {
            cut.append(queue.connection)
            remaining -= queue.bytes
        }
        return cut
    }
}
