import Glibc

/// An exclusive `flock` on the data directory's lock file, held while the process lives, so two
/// Herald processes never write the same data.
///
/// Immutable once taken; the kernel releases the lock when the process ends, even on SIGKILL.
final class DataDirectoryLock {
    private let descriptor: Int32

    /// Takes the lock, or throws ``DurabilityError/locked(_:)`` when another process holds it.
    init(path: String) throws(DurabilityError) {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw .cannotOpen(path, reason: String(cString: strerror(errno)))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno
            close(descriptor)
            if failure == EWOULDBLOCK { throw .locked(path) }
            throw .cannotOpen(path, reason: String(cString: strerror(failure)))
        }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }
}
