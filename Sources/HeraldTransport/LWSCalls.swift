import CLibWebSockets

/// Small libwebsockets calls the server makes in several places, in Swift terms.
enum LWSCalls {
    /// A request header's value, or `nil` when absent.
    static func header(_ wsi: OpaquePointer, _ token: lws_token_indexes) -> String? {
        let length = Int(lws_hdr_total_length(wsi, token))
        guard length > 0, length < 4096 else { return nil }
        var buffer = [CChar](repeating: 0, count: length + 1)
        guard lws_hdr_copy(wsi, &buffer, Int32(buffer.count), token) >= 0 else { return nil }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The client's IP address as text (IPv4 dotted, IPv6 colon form), `nil` when unknown.
    static func peerAddress(_ wsi: OpaquePointer) -> String? {
        var buffer = [CChar](repeating: 0, count: 64)
        guard let text = lws_get_peer_simple(wsi, &buffer, buffer.count) else { return nil }
        let address = String(cString: text)
        return address.isEmpty ? nil : address
    }

    /// The status and reason of the close frame libwebsockets sends when the callback returns -1.
    static func setCloseReason(_ wsi: OpaquePointer, status: UInt16, reason: String) {
        var bytes = Array(reason.utf8.prefix(120))
        bytes.withUnsafeMutableBufferPointer { buffer in
            lws_close_reason(wsi, lws_close_status(rawValue: UInt32(status)), buffer.baseAddress, buffer.count)
        }
    }
}
