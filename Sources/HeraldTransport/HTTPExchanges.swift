import CHeraldSocketInfo
import CLibWebSockets
import Glibc

/// The plain-HTTP side of the server: reads each request (headers, then a Content-Length or
/// chunked body), hands it to the handler, and writes the answer when it comes — at once or in a
/// later loop pass — from `LWS_CALLBACK_HTTP_WRITEABLE`. libwebsockets parses the next pipelined
/// request on a keep-alive connection only once the current one is completed, so answers leave in
/// request order.
///
/// Concurrency: used on the service thread only, from the server's callback.
final class HTTPExchanges {
    private enum Phase {
        /// Accumulating the body.
        case reading
        /// Handed to the handler, no answer yet.
        case waiting
        /// The answer, ready to be written on the next writable callback.
        case answered(HTTPResponse)
        /// A streamed answer whose head is written: one piece per writable callback.
        case streaming(@Sendable () -> [UInt8]?)
    }

    private struct Exchange {
        let number: UInt64
        var request: HTTPRequest
        var phase: Phase
        /// Set when the body went over the limit: the rest is read and dropped, then 413 answers.
        var tooLarge = false
        /// Monotonic nanoseconds by which the body must be complete.
        let deadline: UInt64
        /// Close the connection once this answer is written (see ``pipelinedWindowNanoseconds``;
        /// after a chunked body libwebsockets still expects body bytes).
        var closeAfterAnswer = false
        /// Decodes a chunked body.
        var chunks: ChunkedBodyDecoder?

        var phaseIsReading: Bool {
            if case .reading = phase { return true }
            return false
        }
    }

    weak var handler: (any HTTPRequestHandler)?
    private let maxBodyBytes: Int
    private let bodyTimeoutNanoseconds: UInt64
    private var exchanges: [OpaquePointer: Exchange] = [:]
    private var nextNumber: UInt64 = 1
    /// The connection whose request the handler is being given, while it is.
    private var answering: OpaquePointer?
    /// The result of writing an answer given during the handler call.
    private var writtenDuringCall: Int32?
    /// Bytes each keep-alive connection had received when its last answer was written.
    private var receivedAtAnswer: [OpaquePointer: Int64] = [:]
    /// Requests handed to the handler, for monitoring.
    private(set) var requestCount = 0

    init(maxBodyBytes: Int, bodyTimeoutSeconds: Double) {
        self.maxBodyBytes = maxBodyBytes
        bodyTimeoutNanoseconds = UInt64(bodyTimeoutSeconds * 1e9)
    }

    /// Requests being read or waiting for their answer.
    var openCount: Int { exchanges.count }

    /// Whether some request was handed to the handler and its answer is not written yet.
    var awaitingAnswers: Bool { exchanges.values.contains { !$0.phaseIsReading } }

    /// Handles the plain-HTTP callback reasons; nil for the others.
    func handle(wsi: OpaquePointer, reason: lws_callback_reasons, input: UnsafeMutableRawPointer?,
                length: Int) -> Int32? {
        switch reason {
        case LWS_CALLBACK_HTTP:
            return begin(wsi: wsi, uri: input)
        case LWS_CALLBACK_HTTP_BODY:
            return body(wsi: wsi, bytes: UnsafeRawBufferPointer(start: input, count: input == nil ? 0 : length))
        case LWS_CALLBACK_HTTP_BODY_COMPLETION:
            return complete(wsi: wsi)
        case LWS_CALLBACK_HTTP_WRITEABLE:
            return write(wsi: wsi)
        case LWS_CALLBACK_CLOSED_HTTP:
            exchanges[wsi] = nil
            receivedAtAnswer[wsi] = nil
            return 0
        default:
            return nil
        }
    }

    /// Drops the connections whose request body is overdue (once a second, from the idle sweep).
    func dropSlowBodies(now: UInt64) {
        for (wsi, exchange) in exchanges where exchange.phaseIsReading && now > exchange.deadline {
            exchanges[wsi] = nil
            // The next read sees the end of the stream and libwebsockets closes the connection.
            shutdown(lws_get_socket_fd(wsi), Int32(SHUT_RDWR))
        }
    }

    /// The answer for an exchange, from its ``HTTPReply``: written at once when it comes during
    /// the request's own callback (libwebsockets then goes on with a pipelined request), else on
    /// the next writable callback.
    func answer(_ response: HTTPResponse, wsi: OpaquePointer, exchange number: UInt64) {
        guard var exchange = exchanges[wsi], exchange.number == number, case .waiting = exchange.phase else { return }
        if answering == wsi {
            exchanges[wsi] = nil
            writtenDuringCall = finish(exchange, with: response, wsi: wsi)
            return
        }
        exchange.phase = .answered(response)
        exchanges[wsi] = exchange
        lws_callback_on_writable(wsi)
    }

    private func begin(wsi: OpaquePointer, uri: UnsafeMutableRawPointer?) -> Int32 {
        let path = uri.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) } ?? "/"
        var headers: [String: String] = [:]
        for name in HTTPRequest.readHeaders {
            if let value = Self.header(wsi, named: name) { headers[name] = value }
        }
        var request = HTTPRequest(method: Self.method(wsi), path: path, queryFragments: Self.queryFragments(wsi),
                                  headers: headers)
        request.peerAddress = LWSCalls.peerAddress(wsi)
        let number = nextNumber
        nextNumber += 1
        let declared = Self.header(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH).flatMap { Int($0) } ?? 0
        let chunked = Self.header(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING)?.lowercased().contains("chunked") ?? false
        let now = MonotonicClock.nanoseconds()
        var exchange = Exchange(number: number, request: request, phase: .reading,
                                deadline: now + bodyTimeoutNanoseconds)
        exchange.tooLarge = declared > maxBodyBytes
        let hasBody = declared > 0 || chunked
        exchange.closeAfterAnswer = chunked
        if hasBody && Self.wasBuffered(wsi, since: receivedAtAnswer[wsi]) {
            // Pipelined behind the previous request: answered at once without its body, and the
            // connection closed (see ``wasBuffered(_:since:)``).
            exchange.request.pipelinedBody = true
            exchange.closeAfterAnswer = true
            exchanges[wsi] = exchange
            return complete(wsi: wsi)
        }
        if chunked { exchange.chunks = ChunkedBodyDecoder(limit: maxBodyBytes) }
        exchanges[wsi] = exchange
        if hasBody { return 0 }
        return complete(wsi: wsi)
    }

    private func body(wsi: OpaquePointer, bytes: UnsafeRawBufferPointer) -> Int32 {
        guard var exchange = exchanges[wsi], exchange.phaseIsReading else { return 0 }
        exchanges[wsi] = nil
        if var chunks = exchange.chunks {
            let progress = chunks.feed(bytes)
            exchange.chunks = chunks
            switch progress {
            case .needMore:
                exchanges[wsi] = exchange
                return 0
            case .malformed:
                return -1
            case .complete:
                exchange.request.body = chunks.body
                exchange.tooLarge = chunks.overflowed
                exchange.chunks = nil
                exchanges[wsi] = exchange
                return complete(wsi: wsi)
            }
        }
        if !exchange.tooLarge && exchange.request.body.count + bytes.count > maxBodyBytes {
            exchange.tooLarge = true
            exchange.request.body = []
        }
        if !exchange.tooLarge { exchange.request.body.append(contentsOf: bytes) }
        exchanges[wsi] = exchange
        return 0
    }

    private func complete(wsi: OpaquePointer) -> Int32 {
        guard var exchange = exchanges[wsi] else { return 0 }
        switch exchange.phase {
        case .reading:
            break
        case .answered(let response):
            // After a body, libwebsockets reports the body complete again whenever it services
            // the connection (the writable request included) until the transaction completes.
            exchanges[wsi] = nil
            return finish(exchange, with: response, wsi: wsi)
        case .streaming(let next):
            // As for `.answered`: the writable request comes back as a body completion.
            return continueStream(exchange, next: next, wsi: wsi)
        case .waiting:
            // More input was pipelined behind a body whose answer is pending: libwebsockets
            // reports the body complete again and again without leaving its read loop, so the
            // connection is closed (its client sees the pipelined requests unanswered).
            return -1
        }
        exchange.phase = .waiting
        var request = exchange.request
        request.bodyExceededLimit = exchange.tooLarge
        exchange.request.body = []
        exchanges[wsi] = exchange
        requestCount += 1
        let reply = HTTPReply(exchanges: self, wsi: wsi, exchange: exchange.number)
        answering = wsi
        if let handler {
            handler.httpRequest(request, reply: reply)
        } else {
            reply.send(HTTPResponse(status: 503, contentType: "text/plain", body: Array("unavailable\n".utf8)))
        }
        answering = nil
        if let written = writtenDuringCall {
            writtenDuringCall = nil
            return written
        }
        return 0
    }

    private func write(wsi: OpaquePointer) -> Int32 {
        guard let exchange = exchanges[wsi] else { return 0 }
        switch exchange.phase {
        case .answered(let response):
            exchanges[wsi] = nil
            return finish(exchange, with: response, wsi: wsi)
        case .streaming(let next):
            return continueStream(exchange, next: next, wsi: wsi)
        case .reading, .waiting:
            return 0
        }
    }

    /// Writes the next piece of a streamed answer and asks for the next writable callback; once
    /// the stream is done, ends the answer and completes the transaction.
    private func continueStream(_ exchange: Exchange, next: @Sendable () -> [UInt8]?, wsi: OpaquePointer) -> Int32 {
        while let piece = next() {
            if piece.isEmpty { continue }
            if HTTPResponder.writeChunk(piece, wsi: wsi) != 0 { return -1 }
            lws_callback_on_writable(wsi)
            return 0
        }
        exchanges[wsi] = nil
        let received = Int64(herald_tcp_bytes_received(lws_get_socket_fd(wsi)))
        if HTTPResponder.writeLastChunk(wsi: wsi) != 0 || exchange.closeAfterAnswer { return -1 }
        receivedAtAnswer[wsi] = received
        return 0
    }

    /// Whether a request was already buffered when the previous answer went out: the socket has
    /// received nothing since. libwebsockets 4.1.6 (on the libev loop) hands the body of a
    /// request parsed from such pipelined data over misaligned, then leaves the connection on
    /// its pending-input list for good and the loop spins; so that request is answered without
    /// its body and the connection closed (a client resends unanswered pipelined requests on a
    /// new connection). Pipelined requests without a body are served normally.
    private static func wasBuffered(_ wsi: OpaquePointer, since received: Int64?) -> Bool {
        guard let received else { return false }
        let now = herald_tcp_bytes_received(lws_get_socket_fd(wsi))
        return now < 0 || Int64(now) == received
    }

    /// Writes an answer and completes the transaction (a streamed one: its head, the pieces
    /// follow); -1 closes the connection.
    private func finish(_ exchange: Exchange, with response: HTTPResponse, wsi: OpaquePointer) -> Int32 {
        if let stream = response.bodyStream, exchange.request.method != "HEAD" {
            if HTTPResponder.writeStreamHead(response, wsi: wsi) != 0 { return -1 }
            var streaming = exchange
            streaming.phase = .streaming(stream)
            exchanges[wsi] = streaming
            lws_callback_on_writable(wsi)
            return 0
        }
        // Read before writing: a quick client may send its next request as soon as the answer is out.
        let received = Int64(herald_tcp_bytes_received(lws_get_socket_fd(wsi)))
        let written = HTTPResponder.write(response, wsi: wsi, headOnly: exchange.request.method == "HEAD")
        if written != 0 || exchange.closeAfterAnswer { return -1 }
        receivedAtAnswer[wsi] = received
        return 0
    }

    private static let methods: [(lws_token_indexes, String)] = [
        (WSI_TOKEN_GET_URI, "GET"), (WSI_TOKEN_POST_URI, "POST"), (WSI_TOKEN_PUT_URI, "PUT"),
        (WSI_TOKEN_PATCH_URI, "PATCH"), (WSI_TOKEN_DELETE_URI, "DELETE"), (WSI_TOKEN_OPTIONS_URI, "OPTIONS"),
        (WSI_TOKEN_HEAD_URI, "HEAD"),
    ]

    private static func method(_ wsi: OpaquePointer) -> String {
        methods.first { lws_hdr_total_length(wsi, $0.0) > 0 }?.1 ?? "GET"
    }

    private static func queryFragments(_ wsi: OpaquePointer) -> [String] {
        var fragments: [String] = []
        var index: Int32 = 0
        while true {
            let length = Int(lws_hdr_fragment_length(wsi, WSI_TOKEN_HTTP_URI_ARGS, index))
            guard length > 0 else { break }
            var buffer = [CChar](repeating: 0, count: length + 1)
            guard lws_hdr_copy_fragment(wsi, &buffer, Int32(buffer.count), WSI_TOKEN_HTTP_URI_ARGS, index) >= 0 else {
                break
            }
            fragments.append(String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self))
            index += 1
        }
        return fragments
    }

    private static let tokens: [String: lws_token_indexes] = [
        "accept": WSI_TOKEN_HTTP_ACCEPT, "authorization": WSI_TOKEN_HTTP_AUTHORIZATION,
        "content-type": WSI_TOKEN_HTTP_CONTENT_TYPE, "origin": WSI_TOKEN_ORIGIN,
        "access-control-request-headers": WSI_TOKEN_HTTP_AC_REQUEST_HEADERS,
    ]

    /// A request header by lower-case name: a libwebsockets token, or a custom header.
    private static func header(_ wsi: OpaquePointer, named name: String) -> String? {
        if let token = tokens[name] { return header(wsi, token) }
        let key = name + ":"
        let length = Int(lws_hdr_custom_length(wsi, key, Int32(key.utf8.count)))
        guard length > 0, length < 65_536 else { return nil }
        var buffer = [CChar](repeating: 0, count: length + 1)
        guard lws_hdr_custom_copy(wsi, &buffer, Int32(buffer.count), key, Int32(key.utf8.count)) >= 0 else {
            return nil
        }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func header(_ wsi: OpaquePointer, _ token: lws_token_indexes) -> String? {
        let length = Int(lws_hdr_total_length(wsi, token))
        guard length > 0, length < 65_536 else { return nil }
        var buffer = [CChar](repeating: 0, count: length + 1)
        guard lws_hdr_copy(wsi, &buffer, Int32(buffer.count), token) >= 0 else { return nil }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
