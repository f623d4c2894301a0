import Glibc

/// A failure that stops a benchmark run, with a message for the operator.
public struct BenchError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }

    /// A failed system call, with its `errno` text.
    static func system(_ call: String, errno code: Int32) -> BenchError {
        BenchError("\(call) failed: \(String(cString: strerror(code))) (errno \(code))")
    }
}
