import HeraldOperations
import Testing

@Suite struct WorkerSettingsTests {
    private let loader = ConfigurationLoader(environment: ["HERALD_WORKERS": "3"]) { path throws(ConfigurationError) in
        guard path == "workers.json" else { throw ConfigurationError("no file \(path)") }
        return Array(#"{"workers": 4, "redisUrl": "redis://127.0.0.1:6379"}"#.utf8)
    }

    @Test func everySourceSetsWorkers() throws {
        #expect(HeraldConfiguration().workers == 1)
        #expect(!HeraldConfiguration().isSupervised)
        #expect(try loader.load(file: "workers.json", arguments: []).workers == 3)
        let fromFlag = try loader.load(file: "workers.json", arguments: ["--workers", "2"])
        #expect(fromFlag.workers == 2 && fromFlag.workerCount == 2 && fromFlag.isSupervised)
        #expect(try ConfigurationLoader(environment: [:]).load(file: nil, arguments: ["--workers=1"]).workers == 1)
        let file = try ConfigurationLoader(environment: [:]) { _ throws(ConfigurationError) in
            Array(#"{"workers": 4}"#.utf8)
        }.load(file: "any.json", arguments: [])
        #expect(file.workers == 4)
    }

    @Test func zeroMeansOnePerCore() {
        var configuration = HeraldConfiguration()
        configuration.workers = 0
        #expect(configuration.isSupervised && configuration.workerCount >= 1)
    }

    @Test func outOfRangeCountsAreRefused() {
        for value in ["-1", "1025", "two"] {
            #expect(throws: ConfigurationError.self, "\(value)") {
                try ConfigurationLoader(environment: [:]).load(file: nil, arguments: ["--workers", value])
            }
        }
    }

    @Test func severalWorkersNeedRedisAFixedPortAndNoDataDirectory() throws {
        var configuration = HeraldConfiguration()
        configuration.workers = 2
        #expect(throws: ConfigurationError(
            "--workers 2 needs --redis-url: the workers share their data through Redis")) {
            try configuration.checkWorkers()
        }
        configuration.redisUrl = "redis://127.0.0.1:6379"
        try configuration.checkWorkers()
        configuration.dataDir = "/tmp/data"
        #expect(throws: ConfigurationError(
            "--workers and --data-dir cannot be combined: the workers keep their data in Redis")) {
            try configuration.checkWorkers()
        }
        configuration.dataDir = nil
        configuration.port = 0
        #expect(throws: ConfigurationError(
            "--workers needs a fixed --port: a port the kernel picks (0) cannot be shared")) {
            try configuration.checkWorkers()
        }
    }

    @Test func oneWorkerIsTheServerItself() throws {
        var configuration = HeraldConfiguration()
        configuration.port = 0
        configuration.dataDir = "/tmp/data"
        try configuration.checkWorkers()
    }
}

@Suite struct WorkerRestartPolicyTests {
    @Test func startFailuresInARowBackOffThenGiveUp() {
        var policy = WorkerRestartPolicy()
        #expect(policy.workerExited(afterRunningSeconds: 0.1) == .restart(afterSeconds: 0.25))
        #expect(policy.workerExited(afterRunningSeconds: 0.1) == .restart(afterSeconds: 0.5))
        #expect(policy.workerExited(afterRunningSeconds: 0.1) == .restart(afterSeconds: 1))
        #expect(policy.workerExited(afterRunningSeconds: 0.1) == .restart(afterSeconds: 2))
        #expect(policy.startFailures == 4)
        #expect(policy.workerExited(afterRunningSeconds: 0.1) == .giveUp)
    }

    @Test func aWorkerThatRanIsRestartedAtOnceAndItsFailuresForgotten() {
        var policy = WorkerRestartPolicy()
        _ = policy.workerExited(afterRunningSeconds: 1)
        _ = policy.workerExited(afterRunningSeconds: 1)
        #expect(policy.workerExited(afterRunningSeconds: 3600) == .restart(afterSeconds: 0.25))
        #expect(policy.startFailures == 0)
    }

    @Test func theDelayIsCapped() {
        var policy = WorkerRestartPolicy()
        policy.maxStartFailures = 100
        var last = WorkerRestartPolicy.Decision.giveUp
        for _ in 0..<20 { last = policy.workerExited(afterRunningSeconds: 0) }
        #expect(last == .restart(afterSeconds: 30))
    }
}
