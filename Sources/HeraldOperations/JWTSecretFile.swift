import Glibc

/// The token-signing secret kept in a data directory, so tokens outlive a restart: read from
/// `<directory>/jwt-secret`, or created there (32 random bytes, hex, mode 0600) on first start.
///
/// For the durability setting (`--data-dir`): a server with a data directory and no
/// `--jwt-secret` calls ``loadOrCreate(directory:)``. Stateless; safe from any thread.
public enum JWTSecretFile {
    public static let name = "jwt-secret"

    /// The secret's bytes (the file's text, trailing newline dropped).
    public static func loadOrCreate(directory: String) throws(ConfigurationError) -> [UInt8] {
        let path = directory + "/" + name
        if let existing = try read(path) { return existing }
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        var secret: [UInt8] = []
        for _ in 0..<32 {
            let byte = UInt8.random(in: 0...255, using: &generator)
            secret.append(digits[Int(byte >> 4)])
            secret.append(digits[Int(byte & 15)])
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if fd < 0 {
            // Another process created it in between: use theirs.
            if errno == EEXIST, let existing = try read(path) { return existing }
            throw ConfigurationError("cannot create '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let text = secret + [UInt8(ascii: "\n")]
        let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == text.count, fsync(fd) == 0 else {
            throw ConfigurationError("cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
        return secret
    }

    private static func read(_ path: String) throws(ConfigurationError) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw ConfigurationError("cannot read '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 256)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 { throw ConfigurationError("cannot read '\(path)': \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            bytes += chunk[0..<count]
            if bytes.count > 4096 { throw ConfigurationError("'\(path)' is too large for a secret") }
        }
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
        guard !bytes.isEmpty else { throw ConfigurationError("'\(path)' is empty") }
        return bytes
    }
}
