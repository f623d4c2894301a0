import Glibc
@testable import HeraldThreads
import Testing

/// Hang guards only, never timing expectations.
private let guardSeconds = 30.0

/// A list of values appended from the pool's threads and read from the test.
private final class Recorder: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var recorded: [Int] = []

    init() { pthread_mutex_init(mutex, nil) }
    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func append(_ value: Int) {
        pthread_mutex_lock(mutex)
        recorded.append(value)
        pthread_mutex_unlock(mutex)
    }

    var values: [Int] {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return recorded
    }
}

/// Polls `condition` until it holds or the hang guard passes.
private func eventually(_ condition: () -> Bool) -> Bool {
    let deadline = MonotonicNanoseconds.now() + UInt64(guardSeconds * 1e9)
    while !condition() {
        if MonotonicNanoseconds.now() > deadline { return false }
        usleep(1_000)
    }
    return true
}

/// The threads of this process whose name is `name`.
private func threadsNamed(_ name: String) -> Int {
    guard let directory = opendir("/proc/self/task") else { return -1 }
    defer { closedir(directory) }
    var count = 0
    while let entry = readdir(directory) {
        let task = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
        guard task.first?.isNumber == true else { continue }
        let descriptor = open("/proc/self/task/\(task)/comm", O_RDONLY)
        guard descriptor >= 0 else { continue }
        var bytes = [UInt8](repeating: 0, count: 64)
        let length = read(descriptor, &bytes, bytes.count)
        close(descriptor)
        if length > 0, String(decoding: bytes[..<length], as: UTF8.self) == name + "\n" { count += 1 }
    }
    return count
}

@Suite("Job threads")
struct JobThreadsTests {
    @Test("one thread runs the jobs in the order they were submitted")
    func order() {
        let pool = JobThreads(count: 1, name: "test-order")
        let recorder = Recorder()
        for value in 0..<500 { pool.submit { recorder.append(value) } }
        pool.submitAndWait {}
        #expect(recorder.values == Array(0..<500))
    }

    @Test("submitAndWait returns after its job and every job submitted before it have run")
    func submitAndWait() {
        let pool = JobThreads(count: 1, name: "test-wait")
        let recorder = Recorder()
        pool.submit {
            usleep(20_000)
            recorder.append(1)
        }
        pool.submitAndWait { recorder.append(2) }
        #expect(recorder.values == [1, 2])
    }

    @Test("a delayed job runs once its delay has passed, and jobs submitted after it do not wait for it")
    func delayed() {
        let pool = JobThreads(count: 1, name: "test-delay")
        let recorder = Recorder()
        let submittedAt = MonotonicNanoseconds.now()
        let ranAt = Recorder()
        pool.submit(after: 0.2) {
            ranAt.append(Int(MonotonicNanoseconds.now() - submittedAt))
            recorder.append(2)
        }
        pool.submit { recorder.append(1) }
        #expect(eventually { recorder.values.count == 2 })
        #expect(recorder.values == [1, 2])
        #expect(ranAt.values.allSatisfy { $0 >= 200_000_000 })
    }

    @Test("several threads run jobs at the same time")
    func concurrent() {
        let pool = JobThreads(count: 2, name: "test-parallel")
        let recorder = Recorder()
        // Each job waits for the other to start: both finish only if two threads run them.
        for value in 0..<2 {
            pool.submit {
                recorder.append(value)
                _ = eventually { recorder.values.count >= 2 }
                recorder.append(value + 10)
            }
        }
        #expect(eventually { recorder.values.count == 4 })
        #expect(Set(recorder.values.suffix(2)) == [10, 11])
    }

    @Test("the threads end once the pool is released, after the jobs submitted before, delayed ones too")
    func endsWhenReleased() {
        let recorder = Recorder()
        do {
            let pool = JobThreads(count: 2, name: "test-release")
            #expect(eventually { threadsNamed("test-release") == 2 })
            pool.submit { recorder.append(1) }
            pool.submit(after: 0.1) { recorder.append(2) }
        }
        #expect(eventually { recorder.values.count == 2 })
        #expect(eventually { threadsNamed("test-release") == 0 })
    }

    @Test("a dedicated thread runs its body under the name given")
    func dedicated() {
        let recorder = Recorder()
        DedicatedThread.start(name: "test-dedicated") {
            recorder.append(threadsNamed("test-dedicated"))
        }
        #expect(eventually { recorder.values == [1] })
    }
}
