import Glibc

/// A fixed set of threads of Herald's own that run submitted jobs off the event loop: each job
/// once, in the order submitted (one after the other with a single thread), and jobs submitted
/// with a delay once it has passed. It stands in for Dispatch queues (see ``DedicatedThread``
/// for why Herald runs nothing on them).
///
/// Concurrency: every method may be called from any thread; the jobs wait in a ``JobList`` under
/// its mutex. The threads end once the pool is released and every job submitted before, delayed
/// ones included, has run.
public final class JobThreads: Sendable {
    private let jobs = JobList()

    /// Starts `count` threads (at least one) named `name`.
    public init(count: Int, name: String) {
        for _ in 0..<max(1, count) {
            DedicatedThread.start(name: name) { [jobs] in jobs.runUntilClosed() }
        }
    }

    deinit {
        jobs.close()
    }

    /// Runs `job` on one of the threads, after the jobs submitted before it.
    public func submit(_ job: @escaping @Sendable () -> Void) {
        jobs.append(job, dueAt: nil)
    }

    /// Runs `job` on one of the threads once `seconds` have passed.
    public func submit(after seconds: Double, _ job: @escaping @Sendable () -> Void) {
        jobs.append(job, dueAt: MonotonicNanoseconds.now() &+ UInt64(max(0, seconds) * 1e9))
    }

    /// Runs `job` on one of the threads and returns once it has run: with a single thread, after
    /// every job submitted before it. Must not be called from one of the pool's own jobs.
    public func submitAndWait(_ job: @escaping @Sendable () -> Void) {
        let done = DoneSignal()
        submit {
            job()
            done.signal()
        }
        done.wait()
    }
}

/// The jobs waiting for a ``JobThreads`` pool, and the mutex and condition its threads wait on.
///
/// Concurrency: `@unchecked Sendable` because every stored property but the two pthread objects
/// is read and written only with `mutex` held.
final class JobList: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var ready: [@Sendable () -> Void] = []
    private var readyHead = 0
    /// Delayed jobs with the monotonic time they are due, in no particular order (there are few).
    private var delayed: [(dueAt: UInt64, job: @Sendable () -> Void)] = []
    private var isClosed = false

    init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(changed, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(mutex)
        changed.deallocate()
        mutex.deallocate()
    }

    func append(_ job: @escaping @Sendable () -> Void, dueAt: UInt64?) {
        pthread_mutex_lock(mutex)
        if let dueAt { delayed.append((dueAt, job)) } else { ready.append(job) }
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(mutex)
    }

    /// No more jobs will be submitted: the threads leave once the list is empty.
    func close() {
        pthread_mutex_lock(mutex)
        isClosed = true
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(mutex)
    }

    /// A thread's life: runs the jobs as they come due until the list is closed and empty.
    func runUntilClosed() {
        pthread_mutex_lock(mutex)
        while true {
            if let job = takeDueJob(now: MonotonicNanoseconds.now()) {
                pthread_mutex_unlock(mutex)
                job()
                pthread_mutex_lock(mutex)
                continue
            }
            if isClosed && readyHead == ready.count && delayed.isEmpty { break }
            if let earliest = delayed.map(\.dueAt).min() {
                var deadline = timespec(tv_sec: Int(earliest / 1_000_000_000), tv_nsec: Int(earliest % 1_000_000_000))
                pthread_cond_timedwait(changed, mutex, &deadline)
            } else {
                pthread_cond_wait(changed, mutex)
            }
        }
        pthread_mutex_unlock(mutex)
    }

    /// The next job to run, with `mutex` held: the oldest ready one, else a delayed one now due.
    private func takeDueJob(now: UInt64) -> (@Sendable () -> Void)? {
        if readyHead < ready.count {
            let job = ready[readyHead]
            readyHead += 1
            if readyHead == ready.count {
                ready.removeAll(keepingCapacity: true)
                readyHead = 0
            }
            return job
        }
        guard let due = delayed.firstIndex(where: { $0.dueAt <= now }) else { return nil }
        return delayed.remove(at: due).job
    }
}

/// One thread waits until another says a job is done (a POSIX semaphore).
///
/// Concurrency: `@unchecked Sendable` because the semaphore is made to be shared between threads.
private final class DoneSignal: @unchecked Sendable {
    private let semaphore = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)

    init() { sem_init(semaphore, 0, 0) }

    deinit {
        sem_destroy(semaphore)
        semaphore.deallocate()
    }

    func signal() { sem_post(semaphore) }

    func wait() { while sem_wait(semaphore) != 0 && errno == EINTR {} }
}

/// The monotonic clock the delayed jobs are timed on (the clock of the pool's condition).
enum MonotonicNanoseconds {
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
