import CLibWebSockets

/// Answers a plain HTTP request in one go: headers and a small body from the delegate.
enum HTTPResponder {
    static func respond(
        wsi: OpaquePointer, input: UnsafeMutableRawPointer?, length: Int,
        delegate: (any WebSocketServerDelegate)?
    ) -> Int32 {
        let path = input.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) } ?? "/"
        let response = delegate?.httpRequest(path: path)
            ?? HTTPResponse(status: 503, contentType: "text/plain", body: Array("unavailable\n".utf8))
        let headerSpace = response.extraHeaders.reduce(1024) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
        var buffer = [UInt8](repeating: 0, count: herald_lws_pre + headerSpace + response.body.count)
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
                || lws_finalize_write_http_header(wsi, start, &cursor, end) != 0 { return 1 }
            if !response.body.isEmpty {
                let body = start + headerSpace
                response.body.withUnsafeBufferPointer { body.update(from: $0.baseAddress!, count: $0.count) }
                if lws_write(wsi, body, response.body.count, LWS_WRITE_HTTP_FINAL) != response.body.count {
                    return 1
                }
            }
            return lws_http_transaction_completed(wsi) != 0 ? -1 : 0
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
