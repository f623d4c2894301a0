import HeraldCore
import HeraldDurability
import HeraldOperations
import HeraldTransport
import Logging

/// `--data-dir` at start: the directory opened (locked, format checked), its journal sink, and
/// the load of its contents into the gateway's store before the port opens.
///
/// Used on the main thread before the loop runs, then only for the sink's clean close.
struct DurableStart {
    let directory: DataDirectory
    let sink: JournalSink
    private let logger: Logger

    init(directory path: String, fsync: FsyncSetting, control: ServerControl, logger: Logger) throws(DurabilityError) {
        directory = try DataDirectory(path: path)
        sink = directory.makeSink(
            fsync: fsync == .always ? .always : .interval, schedule: { control.schedule($0) }, logger: logger)
        self.logger = logger
    }

    /// The data directory's path.
    var path: String { directory.path }

    /// Loads the directory into the bridge's store and connects the sink to its pipeline.
    func load(into bridge: TransportBridge) throws(DurabilityError) {
        let started = ContinuousClock.now
        let documents = try directory.load(into: bridge.store)
        try directory.persistMissingIndexes(of: bridge.store)
        bridge.reloadInternalState()
        sink.pipeline = bridge.commitPipeline
        sink.store = bridge.store
        sink.afterRollback = { [unowned bridge] in bridge.reloadInternalState() }
        let elapsed = ContinuousClock.now - started
        logger.info("data loaded", metadata: [
            "dataDir": "\(directory.path)", "documents": "\(documents)", "seconds": "\(elapsed)",
        ])
    }

    /// After the loop: waits for the group commit being written and closes the database.
    func close() {
        sink.close()
    }
}
