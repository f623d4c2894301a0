public import HeraldCore
public import HeraldRedis
public import Logging
import Glibc

/// Cluster mode for one Herald process: the sink that writes commits through Redis and the follower
/// that applies every other node's changes from the stream, each on its own Redis connection, both
/// on the server's libev loop; and the heartbeat (every second, on the writer's connection) that
/// shares room counts between the nodes and runs `retryOnConflict` retries still waiting.
///
/// Concurrency: single-threaded, on the event-loop thread (the loop passed in).
public final class ClusterNode {
    /// The sink to give the gateway.
    public let sink: ClusterSink
    private let writer: RedisClient
    private let reader: RedisClient
    private let follower: StreamFollower
    private let census: RoomCensus
    private let heartbeat: LoopTimer
    private let logger: Logger
    private let url: RedisURL

    /// - Parameters:
    ///   - loop: the server's libev loop (`struct ev_loop *`).
    ///   - nodeID: the node id; the stream names this process by it plus a random suffix.
    ///   - maxStreamLength: the stream is trimmed to about this many entries.
    public init(url: RedisURL, loop: OpaquePointer, nodeID: String, maxStreamLength: Int = 100_000, logger: Logger) {
        let instance = "\(nodeID)/\(UInt32.random(in: 0...UInt32.max))"
        self.url = url
        writer = RedisClient(url: url, loop: loop)
        var readerConfiguration = RedisClient.Configuration()
        readerConfiguration.commandTimeout = 5 // above the 1 s XREAD BLOCK
        reader = RedisClient(url: url, loop: loop, configuration: readerConfiguration)
        let sink = ClusterSink(client: writer, instance: instance, maxStreamLength: maxStreamLength)
        self.sink = sink
        follower = StreamFollower(client: reader, instance: instance, logger: logger)
        let census = RoomCensus(client: writer, instance: instance, timeToLive: 3000)
        self.census = census
        heartbeat = LoopTimer(loop: loop) { [unowned census, unowned sink] in
            census.beat()
            sink.heartbeat()
        }
        self.logger = logger
        follower.unknownOutcome = { [unowned sink] in sink.unknownOutcome }
        follower.advanced = { [unowned sink] in sink.replicaAdvanced() }
        writer.onReady = { [unowned sink, logger] in
            logger.info("connected to Redis", metadata: ["url": "\(url)"])
            sink.connectionReady()
        }
        writer.onDisconnect = { [logger] reason in
            logger.warning("Redis unreachable: writes fail until it returns", metadata: ["reason": "\(reason)"])
        }
        reader.onReady = { [unowned follower] in follower.connectionReady() }
    }

    /// Loads the cluster's state (waiting up to `loadTimeout` seconds for Redis, before the loop
    /// serves anyone), then connects both connections; the gateway is the one whose store and
    /// subscribers this node serves.
    public func start(gateway: Gateway, loadTimeout: Double = 10) {
        sink.pipeline = gateway.commitPipeline
        sink.store = gateway.store
        sink.afterUndo = { [unowned gateway] effects in gateway.internalDocumentsChanged(effects) }
        sink.rerun = { [unowned gateway] frame, protocolName, connection, reply in
            gateway.execute(frame: frame, protocolName: protocolName, connection: connection, reply: reply)
        }
        follower.gateway = gateway
        _ = follower.loadBeforeServing(url: url, timeout: loadTimeout)
        census.registry = gateway.registry
        writer.start()
        reader.start()
        heartbeat.start(every: 1)
    }

    /// Closes both connections.
    public func stop() {
        heartbeat.stop()
        writer.close()
        reader.close()
    }
}
