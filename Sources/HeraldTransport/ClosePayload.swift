/// RFC 6455 §5.5.1 and §7.4 rules for the payload of a close frame a client sends.
enum ClosePayload {
    /// `true` when the payload is empty, or a status code a peer may send followed by a UTF-8 reason.
    static func isValid(_ payload: UnsafeRawBufferPointer) -> Bool {
        if payload.isEmpty { return true }
        guard payload.count >= 2 else { return false }
        let code = UInt16(payload[0]) << 8 | UInt16(payload[1])
        guard isSendable(code) else { return false }
        var decoder = UTF8()
        var bytes = payload.dropFirst(2).makeIterator()
        while true {
            switch decoder.decode(&bytes) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// Codes an endpoint may put on the wire: the defined 1000–1003 and 1007–1014, and the
    /// registered and private ranges 3000–4999. 1004–1006 and 1015 are reserved or local only.
    static func isSendable(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1014, 3000...4999: return true
        default: return false
        }
    }
}
