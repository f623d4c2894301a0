/// The PEM files that turn the listener into a TLS one (wss:// and https:// on the same port).
public struct TLSFiles: Sendable, Equatable {
    /// Certificate chain, PEM.
    public var certificatePath: String
    /// Private key of the certificate, PEM, unencrypted.
    public var privateKeyPath: String

    public init(certificatePath: String, privateKeyPath: String) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
    }
}
