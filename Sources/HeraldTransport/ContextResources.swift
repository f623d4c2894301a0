import CLibWebSockets
import Glibc

/// C memory libwebsockets reads for the whole life of a context: the protocol table, the TLS
/// file paths and the idle policy. Allocated once, freed after the context is destroyed.
final class ContextResources {
    /// Protocol names offered for selection. The first binds clients that offer none; browsers
    /// offer `null`, which must be echoed back.
    static let protocolNames = ["kuzzle", "null"]
    /// Room for the name of the last protocol entry, rewritten for every handshake (see
    /// ``offerFirstProtocol(of:)``); libwebsockets' own limit on a protocol name.
    static let offeredNameCapacity = 64

    let protocols: UnsafeMutablePointer<lws_protocols>
    /// TLS certificate and key paths, when the listener serves TLS.
    let certificatePath: UnsafeMutablePointer<CChar>?
    let privateKeyPath: UnsafeMutablePointer<CChar>?
    private let names: [UnsafeMutablePointer<CChar>]
    /// The name of the last protocol entry: whatever the current handshake offers first.
    private let offeredName: UnsafeMutablePointer<CChar>

    init(configuration: WebSocketServerConfiguration) {
        certificatePath = configuration.tls.map { strdup($0.certificatePath) }
        privateKeyPath = configuration.tls.map { strdup($0.privateKeyPath) }
        offeredName = .allocate(capacity: Self.offeredNameCapacity)
        offeredName.initialize(repeating: 0, count: Self.offeredNameCapacity)
        _ = strcpy(offeredName, Self.protocolNames[0])
        names = Self.protocolNames.map { strdup($0) } + [offeredName]
        protocols = .allocate(capacity: names.count + 1)
        for (index, name) in names.enumerated() {
            var entry = lws_protocols()
            entry.name = UnsafePointer(name)
            entry.callback = heraldServerCallback
            entry.per_session_data_size = MemoryLayout<ConnectionNumber>.size
            entry.rx_buffer_size = 64 * 1024
            (protocols + index).initialize(to: entry)
        }
        (protocols + names.count).initialize(to: lws_protocols())
    }

    /// Kuzzle echoes whichever subprotocol a client offers, so Herald accepts any: before
    /// libwebsockets picks a protocol for an upgrade (`LWS_CALLBACK_HTTP_CONFIRM_UPGRADE`), the last
    /// entry is renamed to the first offered name, which it then matches and echoes (unless `kuzzle`
    /// or `null` is offered first, which match their own entries). Service thread only; handshakes
    /// are processed one at a time.
    func offerFirstProtocol(of wsi: OpaquePointer) {
        var name = [CChar](repeating: 0, count: Self.offeredNameCapacity)
        guard herald_first_offered_protocol(wsi, &name, name.count) == 0 else { return }
        offeredName.update(from: name, count: name.count)
    }

    /// Frees everything; only after `lws_context_destroy`.
    func release() {
        free(certificatePath)
        free(privateKeyPath)
        names.dropLast().forEach { free($0) }
        offeredName.deallocate()
        protocols.deallocate()
    }
}
