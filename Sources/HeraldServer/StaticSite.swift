import Glibc
import HeraldPageAssets
import HeraldTransport

/// The files of one folder (or the built-in page), read once at startup and answered from memory
/// over plain HTTP.
///
/// Only regular files with visible names are loaded (symbolic links, dot-files and dot-folders
/// are skipped). A request path is looked up among the loaded names and never resolved on disk,
/// so `..`, encoded separators or absolute paths cannot reach anything outside the folder.
struct StaticSite {
    /// Why a folder could not be loaded.
    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    /// Most files one folder may hold.
    static let maxFileCount = 1_000
    /// Most bytes all files together may hold.
    static let maxTotalBytes = 64 << 20

    /// Headers every HTTP answer carries: the page runs under a strict Content-Security-Policy
    /// (no inline script or style, WebSocket connections allowed), and nothing is sniffed or framed.
    static let securityHeaders: [(name: String, value: String)] = [
        ("Content-Security-Policy",
         "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self' ws: wss:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Cache-Control", "no-cache"),
    ]

    /// Loaded files by request path (`/index.html`, `/js/app.js`).
    private var files: [String: HTTPResponse] = [:]
    private var totalBytes = 0

    /// Number of files served.
    var fileCount: Int { files.count }

    /// A site without files: every path answers 404.
    init() {}

    /// The built-in test page compiled into the binary.
    init(page: [PageAsset]) {
        for asset in page { insert(asset.bytes, at: asset.path) }
    }

    /// Reads every file under `directory`.
    init(directory: String) throws(LoadError) {
        var status = stat()
        guard stat(directory, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
            throw LoadError(description: "'\(directory)' is not a readable folder")
        }
        try load(folder: directory, prefix: "")
    }

    /// The answer for a request path, or nil when no such file was loaded.
    ///
    /// `/` and any path ending in `/` name that folder's `index.html`.
    func response(for path: String) -> HTTPResponse? {
        files[path.hasSuffix("/") ? path + "index.html" : path]
    }

    /// The content type for a file name, from its extension.
    static func contentType(for name: String) -> String {
        let ext = name.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "html", "htm": return "text/html; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "json", "map": return "application/json"
        case "txt", "md": return "text/plain; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "webp": return "image/webp"
        case "ico": return "image/x-icon"
        case "woff": return "font/woff"
        case "woff2": return "font/woff2"
        case "wasm": return "application/wasm"
        default: return "application/octet-stream"
        }
    }

    private mutating func load(folder: String, prefix: String) throws(LoadError) {
        guard let stream = opendir(folder) else {
            throw LoadError(description: "cannot read folder '\(folder)'")
        }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix(".") { continue }
            let fullPath = folder + "/" + name
            var status = stat()
            guard lstat(fullPath, &status) == 0 else { continue }
            switch status.st_mode & S_IFMT {
            case S_IFDIR:
                try load(folder: fullPath, prefix: prefix + "/" + name)
            case S_IFREG:
                try add(file: fullPath, as: prefix + "/" + name, size: Int(status.st_size))
            default:
                continue
            }
        }
    }

    private mutating func add(file: String, as path: String, size: Int) throws(LoadError) {
        guard files.count < Self.maxFileCount else {
            throw LoadError(description: "more than \(Self.maxFileCount) files to serve")
        }
        guard totalBytes + size <= Self.maxTotalBytes else {
            throw LoadError(description: "more than \(Self.maxTotalBytes) bytes to serve")
        }
        guard let body = Self.read(file, size: size) else {
            throw LoadError(description: "cannot read '\(file)'")
        }
        insert(body, at: path)
    }

    private mutating func insert(_ body: [UInt8], at path: String) {
        totalBytes += body.count
        files[path] = HTTPResponse(
            status: 200, contentType: Self.contentType(for: path), body: body, extraHeaders: Self.securityHeaders)
    }

    private static func read(_ file: String, size: Int) -> [UInt8]? {
        let descriptor = open(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let count = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + filled, size - filled) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return nil }
            filled += count
        }
        return bytes
    }
}
