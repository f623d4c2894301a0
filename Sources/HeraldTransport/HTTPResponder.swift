import CLibWebSockets

/// Writes one HTTP answer: status line, common headers (type, length, keep-alive), the extra
/// headers, then the body, and completes the transaction so the next pipelined request is read.
enum HTTPResponder {
    /// Returns the callback's result: -1 when the connection must close.
    static func write(_ response: HTTPResponse, wsi: OpaquePointer, headOnly: Bool = false) -> Int32 {
        let headerSpace = response.extraHeaders.reduce(1024) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
        let bodyCount = headOnly ? 0 : response.body.count
        var buffer = [UInt8](repeating: 0, count: herald_lws_pre + headerSpace + bodyCount)
        // The header space is reserved in front of the body; headers shorter than it leave a gap
        // the body is moved over, so the two are contiguous.
        return buffer.withUnsafeMutableBufferPointer { raw -> Int32 in
            let base = raw.baseAddress!
            let start = base + herald_lws_pre
            var cursor: UnsafeMutablePointer<UInt8>? = start
            let end = start + headerSpace - 1
            let failed = response.contentType.withCString { type in
                lws_add_http_common_headers(
                    wsi, UInt32(response.status), type, lws_filepos_t(response.body.count), &cursor, end) != 0
            }
            if failed || !addExtraHeaders(response.extraHeaders, wsi: wsi, cursor: &cursor, end: end)
                || lws_finalize_http_header(wsi, &cursor, end) != 0 { return -1 }
            // Headers and body leave in one write: two small writes would meet Nagle's algorithm
            // and the peer's delayed acknowledgement on every keep-alive answer.
            let headerCount = cursor! - start
            if bodyCount > 0 {
                response.body.withUnsafeBufferPointer { (start + headerCount).update(from: $0.baseAddress!, count: $0.count) }
            }
            let total = headerCount + bodyCount
            if lws_write(wsi, start, total, herald_lws_write_raw) != total { return -1 }
            return lws_http_transaction_completed(wsi) != 0 ? -1 : 0
        }
    }

    /// Writes the status line and headers of a streamed answer (`Transfer-Encoding: chunked`, no
    /// length); the pieces follow with ``writeChunk(_:wsi:)``, then ``writeLastChunk(wsi:)``.
    static func writeStreamHead(_ response: HTTPResponse, wsi: OpaquePointer) -> Int32 {
        let headers = [("Transfer-Encoding", "chunked")] + response.extraHeaders
        let headerSpace = headers.reduce(1024) { $0 + $1.0.utf8.count + $1.1.utf8.count + 4 }
        var buffer = [UInt8](repeating: 0, count: herald_lws_pre + headerSpace)
        return buffer.withUnsafeMutableBufferPointer { raw -> Int32 in
            let start = raw.baseAddress! + herald_lws_pre
            var cursor: UnsafeMutablePointer<UInt8>? = start
            let end = start + headerSpace - 1
            let type = Array(response.contentType.utf8)
            if lws_add_http_header_status(wsi, UInt32(response.status), &cursor, end) != 0
                || lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE, type, Int32(type.count), &cursor, end) != 0
                || !addExtraHeaders(headers, wsi: wsi, cursor: &cursor, end: end)
                || lws_finalize_http_header(wsi, &cursor, end) != 0 { return -1 }
            let count = cursor! - start
            return lws_write(wsi, start, count, herald_lws_write_raw) == count ? 0 : -1
        }
    }

    /// Writes one non-empty piece of a streamed answer as an HTTP/1.1 chunk.
    static func writeChunk(_ piece: [UInt8], wsi: OpaquePointer) -> Int32 {
        let frame = Array(String(piece.count, radix: 16).utf8) + [13, 10] + piece + [13, 10]
        return writeRaw(frame, wsi: wsi)
    }

    /// Ends a streamed answer and completes the transaction.
    static func writeLastChunk(wsi: OpaquePointer) -> Int32 {
        if writeRaw(Array("0\r\n\r\n".utf8), wsi: wsi) != 0 { return -1 }
        return lws_http_transaction_completed(wsi) != 0 ? -1 : 0
    }

    private static func writeRaw(_ bytes: [UInt8], wsi: OpaquePointer) -> Int32 {
        var buffer = [UInt8](repeating: 0, count: herald_lws_pre + bytes.count)
        return buffer.withUnsafeMutableBufferPointer { raw -> Int32 in
            let start = raw.baseAddress! + herald_lws_pre
            bytes.withUnsafeBufferPointer { start.update(from: $0.baseAddress!, count: $0.count) }
            return lws_write(wsi, start, bytes.count, herald_lws_write_raw) == bytes.count ? 0 : -1
        }
    }

    /// Writes each header as `name: value`; false when one does not fit.
    private static func addExtraHeaders(
        _ headers: [(name: String, value: String)], wsi: OpaquePointer,
        cursor: inout UnsafeMutablePointer<UInt8>?, end: UnsafeMutablePointer<UInt8>
    ) -> Bool {
        for header in headers {
            let name = Array((header.name.lowercased() + ":").utf8) + [0]
            let value = Array(header.value.utf8)
            let failed = lws_add_http_header_by_name(wsi, name, value, Int32(value.count), &cursor, end) != 0
            if failed { return false }
        }
        return true
    }
}
