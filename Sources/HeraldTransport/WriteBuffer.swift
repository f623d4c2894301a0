import CLibWebSockets

/// The service thread's scratch buffer for merged writes: `LWS_PRE` headroom, then several
/// complete server frames back to back, sent with one raw `lws_write`.
struct WriteBuffer {
    /// Where a filled batch starts and how much it holds.
    struct Batch {
        var start: UnsafeMutablePointer<UInt8>
        var bytes: Int
        var frames: Int
    }

    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 4096)
        storage = .allocate(capacity: herald_lws_pre + self.capacity)
    }

    func release() { storage.deallocate() }

    /// Frames as many queued messages as fit (at least one) and returns the batch to write.
    mutating func fill(from queue: OutboundQueue, maxFrames: Int, maxBytes: Int) -> Batch {
        var frames = 0
        var bytes = 0
        while frames < queue.count, frames < maxFrames {
            let length = queue[frames].count
            let needed = ServerFrameHeader.size(forPayloadLength: length) + length
            if frames > 0, bytes + needed > maxBytes { break }
            bytes += needed
            frames += 1
        }
        reserve(bytes)
        let start = storage + herald_lws_pre
        var cursor = start
        for offset in 0..<frames {
            queue[offset].withUnsafeBufferPointer { payload in
                cursor += ServerFrameHeader.write(payloadLength: payload.count, to: cursor)
                if let base = payload.baseAddress {
                    cursor.update(from: base, count: payload.count)
                }
                cursor += payload.count
            }
        }
        return Batch(start: start, bytes: bytes, frames: frames)
    }

    private mutating func reserve(_ bytes: Int) {
        guard bytes > capacity else { return }
        storage.deallocate()
        capacity = bytes
        storage = .allocate(capacity: herald_lws_pre + capacity)
    }
}
