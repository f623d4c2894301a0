import CLibWebSockets
import Glibc

/// C memory libwebsockets reads for the whole life of a context: the protocol table, the
/// interface name and the idle policy. Allocated once, freed after the context is destroyed.
final class ContextResources {
    /// Protocol names offered for selection. The first binds clients that offer none; browsers
    /// offer `null`, which must be echoed back.
    static let protocolNames = ["kuzzle", "null"]

    let interface: UnsafeMutablePointer<CChar>
    let protocols: UnsafeMutablePointer<lws_protocols>
    /// TLS certificate and key paths, when the listener serves TLS.
    let certificatePath: UnsafeMutablePointer<CChar>?
    let privateKeyPath: UnsafeMutablePointer<CChar>?
    private let names: [UnsafeMutablePointer<CChar>]

    init(configuration: WebSocketServerConfiguration) {
        interface = strdup(configuration.host)
        certificatePath = configuration.tls.map { strdup($0.certificatePath) }
        privateKeyPath = configuration.tls.map { strdup($0.privateKeyPath) }
        names = Self.protocolNames.map { strdup($0) }
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

    /// Frees everything; only after `lws_context_destroy`.
    func release() {
        free(interface)
        free(certificatePath)
        free(privateKeyPath)
        names.forEach { free($0) }
        protocols.deallocate()
    }
}
