@testable import HeraldOperations
import HeraldWire
import Logging
import Synchronization
import Testing

@Suite struct JSONLogHandlerTests {
    final class Lines: Sendable {
        let stored = Mutex<[[UInt8]]>([])
        func append(_ line: [UInt8]) { stored.withLock { $0.append(line) } }
        var all: [[UInt8]] { stored.withLock { $0 } }
    }

    @Test func oneObjectPerLineWithMergedMetadata() throws {
        let lines = Lines()
        var handler = JSONLogHandler(label: "herald") { lines.append($0) }
        handler.logLevel = .debug
        handler[metadataKey: "node"] = "n1"
        var logger = Logger(label: "herald") { _ in handler }
        logger.logLevel = .debug
        logger.debug("request", metadata: ["status": "200", "tags": ["a", "b"]])
        logger.trace("hidden")
        let written = lines.all
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(!line.dropLast().contains(UInt8(ascii: "\n")))
        let object = try #require(try JSONParser.parse(Array(line.dropLast())).objectValue)
        #expect(Array(object.keys) == ["timestamp", "level", "label", "message", "metadata"])
        #expect(object["level"] == "debug")
        #expect(object["label"] == "herald")
        #expect(object["message"] == "request")
        #expect(object["metadata"] == ["node": "n1", "status": "200", "tags": ["a", "b"]])
        guard case .string(let timestamp)? = object["timestamp"] else {
            Issue.record("no timestamp")
            return
        }
        #expect(timestamp.count == 24 && timestamp.hasSuffix("Z"))
    }

    @Test func timestampsAreUTCWithMilliseconds() {
        #expect(JSONLogHandler.timestamp(seconds: 0, milliseconds: 5) == "1970-01-01T00:00:00.005Z")
        #expect(JSONLogHandler.timestamp(seconds: 1_700_000_000, milliseconds: 999) == "2023-11-14T22:13:20.999Z")
    }
}
