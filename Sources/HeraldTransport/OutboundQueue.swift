/// A FIFO of encoded messages waiting for a socket to become writable, with a running byte count.
///
/// Messages are shared `[UInt8]` buffers: the same notification bytes sit in many queues at once.
struct OutboundQueue {
    private var messages: [[UInt8]] = []
    private var head = 0
    /// Payload bytes still queued.
    private(set) var byteCount = 0

    var isEmpty: Bool { head == messages.count }
    var count: Int { messages.count - head }

    mutating func append(_ message: [UInt8]) {
        messages.append(message)
        byteCount += message.count
    }

    /// The message at `offset` from the front.
    subscript(offset: Int) -> [UInt8] { messages[head + offset] }

    /// Drops the first `n` messages.
    mutating func removeFirst(_ n: Int) {
        for index in head..<(head + n) {
            byteCount -= messages[index].count
        }
        head += n
        if head == messages.count {
            messages.removeAll(keepingCapacity: messages.capacity <= 1024)
            head = 0
        } else if head >= 256, head * 2 >= messages.count {
            messages.removeFirst(head)
            head = 0
        }
    }

    mutating func removeAll() {
        messages.removeAll()
        head = 0
        byteCount = 0
    }
}
