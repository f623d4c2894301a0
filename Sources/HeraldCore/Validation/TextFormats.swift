/// Recognisers for the textual validation types (`email`, `url`, `ip_address`).
///
/// Pure functions over ASCII rules close to the usual validators: an address `local@domain.tld`,
/// an URL with an optional `http`, `https` or `ftp` scheme and a dotted host (or `localhost`),
/// IPv4 dotted quads and IPv6 groups.
enum TextFormats {
    private static let localAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-")

    static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, let domain = parts.last,
              !local.isEmpty, local.utf8.count <= 64, !local.hasPrefix("."), !local.hasSuffix("."),
              !local.contains("..")
        else { return false }
        guard local.allSatisfy({ Self.localAllowed.contains($0) }) else { return false }
        return isHostName(domain, requireDot: true)
    }

    static func isURL(_ text: String) -> Bool {
        guard !text.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" }) else { return false }
        var rest = Substring(text)
        if let scheme = rest.firstRange(of: "://") {
            guard ["http", "https", "ftp"].contains(rest[..<scheme.lowerBound].lowercased()) else { return false }
            rest = rest[scheme.upperBound...]
        }
        let hostEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var host = rest[..<hostEnd]
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
        if let colon = host.lastIndex(of: ":"), !host.hasPrefix("[") {
            let port = host[host.index(after: colon)...]
            guard !port.isEmpty, port.count <= 5, port.allSatisfy(\.isASCII), port.allSatisfy(\.isNumber),
                  Int(port).map({ $0 <= 65_535 }) == true
            else { return false }
            host = host[..<colon]
        }
        if host.hasPrefix("["), host.hasSuffix("]") { return isIPv6(host.dropFirst().dropLast()) }
        return host == "localhost" || isIPv4(host) || isHostName(host, requireDot: true)
    }

    static func isIPAddress(_ text: String) -> Bool { isIPv4(Substring(text)) || isIPv6(Substring(text)) }

    private static func isHostName(_ host: Substring, requireDot: Bool) -> Bool {
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard !host.isEmpty, host.utf8.count <= 253, !requireDot || labels.count >= 2 else { return false }
        for label in labels {
            guard !label.isEmpty, label.utf8.count <= 63, !label.hasPrefix("-"), !label.hasSuffix("-"),
                  label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
            else { return false }
        }
        guard let tld = labels.last else { return false }
        return tld.count >= 2 && tld.allSatisfy(\.isLetter)
    }

    private static func isIPv4(_ text: Substring) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy({ $0.isASCII && $0.isNumber })
                && Int(part).map({ $0 <= 255 }) == true && (part.count == 1 || !part.hasPrefix("0"))
        }
    }

    private static func isIPv6(_ text: Substring) -> Bool {
        guard text.contains(":") else { return false }
        var groups = text.split(separator: ":", omittingEmptySubsequences: false)
        var limit = 8
        if let last = groups.last, last.contains(".") {
            guard isIPv4(last) else { return false }
            groups.removeLast()
            limit = 6
        }
        let bytes = Array(text.utf8)
        var compressed = 0
        for position in 1..<max(bytes.count, 1) where bytes[position] == 58 && bytes[position - 1] == 58 {
            compressed += 1
        }
        guard compressed <= 1 else { return false }
        let filled = groups.filter { !$0.isEmpty }
        guard filled.allSatisfy({ $0.count <= 4 && $0.allSatisfy(\.isHexDigit) }) else { return false }
        return compressed == 1 ? filled.count < limit : filled.count == limit && groups.count == limit
    }
}
