import Glibc
@testable import HeraldTransport
import Logging
import Synchronization
import Testing

@Suite struct ServerControlTests {
    @Test func jobsAreTakenOnceInSchedulingOrder() {
        let control = ServerControl()
        let log = Mutex<[Int]>([])
        for number in 0..<3 { control.schedule { log.withLock { $0.append(number) } } }
        let jobs = control.takeJobs()
        #expect(jobs.count == 3)
        for job in jobs { job() }
        #expect(log.withLock { $0 } == [0, 1, 2])
        #expect(control.takeJobs().isEmpty)
    }

    @Test func jobsScheduledAfterTheServerStoppedAreDiscarded() {
        let control = ServerControl()
        control.schedule {}
        control.detach()
        #expect(control.takeJobs().isEmpty)
    }
}

/// A real server on port 0, run on its own thread: scheduled jobs run on that thread, and the
/// delegate hears the end of every loop pass.
@Suite(.serialized) struct ServiceLoopTests {
    /// Counts end-of-pass calls; read from the test thread only after the server stopped.
    final class PassCounter: WebSocketServerDelegate, @unchecked Sendable {
        var passes = 0
        func connectionOpened(_ connection: ConnectionNumber, address: String?) {}
        func received(_ message: UnsafeRawBufferPointer, from connection: ConnectionNumber) {}
        func connectionClosed(_ connection: ConnectionNumber) {}
        func httpRequest(path: String) -> HTTPResponse { HTTPResponse(status: 404, contentType: "text/plain", body: []) }
        func endOfLoopPass() { passes += 1 }
    }

    /// Runs `server` on a new thread until it stops; returns once it stopped.
    final class ServiceRunner: @unchecked Sendable {
        let server: WebSocketServer
        let delegate = PassCounter()
        private var thread = pthread_t()
        let serviceThread = Mutex<pthread_t?>(nil)
        let started = Mutex(false)

        init() {
            var configuration = WebSocketServerConfiguration(host: "127.0.0.1", port: 0)
            configuration.shutdownGraceSeconds = 1
            server = WebSocketServer(configuration: configuration, logger: Logger(label: "test"))
            server.delegate = delegate
        }

        func start() {
            let box = Unmanaged.passRetained(self).toOpaque()
            pthread_create(&thread, nil, { raw in
                let runner = Unmanaged<ServiceRunner>.fromOpaque(raw!).takeRetainedValue()
                runner.serviceThread.withLock { $0 = pthread_self() }
                do { try runner.server.start() } catch { return nil }
                runner.started.withLock { $0 = true }
                runner.server.run()
                return nil
            }, box)
        }

        func join() { pthread_join(thread, nil) }
    }

    @Test func scheduledJobRunsOnTheServiceThreadAndPassesEnd() {
        let runner = ServiceRunner()
        let ranOn = Mutex<pthread_t?>(nil)
        let control = runner.server.control
        // Scheduled before the loop runs: runs once it does, then the job asks for the shutdown.
        control.schedule {
            ranOn.withLock { $0 = pthread_self() }
            control.requestShutdown()
        }
        runner.start()
        runner.join()
        #expect(runner.started.withLock { $0 })
        let service = runner.serviceThread.withLock { $0 }
        let job = ranOn.withLock { $0 }
        #expect(job != nil && service != nil && pthread_equal(job!, service!) != 0)
        #expect(runner.delegate.passes > 0)
    }
}
