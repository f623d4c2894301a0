@testable import HeraldTransport
import Testing

@Suite struct FramingTests {
    private func header(for length: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 10)
        let size = bytes.withUnsafeMutableBufferPointer {
            ServerFrameHeader.write(payloadLength: length, to: $0.baseAddress!)
        }
        #expect(size == ServerFrameHeader.size(forPayloadLength: length))
        return Array(bytes.prefix(size))
    }

    @Test func headerLengthForms() {
        #expect(header(for: 0) == [0x81, 0])
        #expect(header(for: 125) == [0x81, 125])
        #expect(header(for: 126) == [0x81, 126, 0, 126])
        #expect(header(for: 65535) == [0x81, 126, 0xFF, 0xFF])
        #expect(header(for: 65536) == [0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0])
        #expect(header(for: 1 << 20) == [0x81, 127, 0, 0, 0, 0, 0, 0x10, 0, 0])
    }

    @Test func queueCountsBytesAndCompacts() {
        var queue = OutboundQueue()
        for index in 0..<600 { queue.append([UInt8](repeating: UInt8(index % 256), count: 3)) }
        #expect(queue.byteCount == 1800)
        queue.removeFirst(400)
        #expect(queue.count == 200)
        #expect(queue.byteCount == 600)
        #expect(queue[0] == [UInt8](repeating: UInt8(400 % 256), count: 3))
        queue.removeFirst(200)
        #expect(queue.isEmpty)
        #expect(queue.byteCount == 0)
    }

    @Test func writeBufferMergesWholeFramesWithinLimits() {
        var queue = OutboundQueue()
        queue.append(Array("abc".utf8))
        queue.append(Array("de".utf8))
        queue.append([UInt8](repeating: 120, count: 300))
        var buffer = WriteBuffer(capacity: 64)
        defer { buffer.release() }
        let batch = buffer.fill(from: queue, maxFrames: 16, maxBytes: 64)
        #expect(batch.frames == 2)
        #expect(Array(UnsafeBufferPointer(start: batch.start, count: batch.bytes))
                == [0x81, 3] + Array("abc".utf8) + [0x81, 2] + Array("de".utf8))
        queue.removeFirst(batch.frames)
        // A single message larger than the limit is still written whole.
        let big = buffer.fill(from: queue, maxFrames: 16, maxBytes: 64)
        #expect(big.frames == 1)
        #expect(big.bytes == 304)
        #expect(Array(UnsafeBufferPointer(start: big.start, count: 4)) == [0x81, 126, 1, 44])
    }
}
