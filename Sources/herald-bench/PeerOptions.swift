import ArgumentParser
import HeraldBenchKit

/// A server to measure next to Herald in the same run.
enum Peer: String, ExpressibleByArgument, CaseIterable {
    case nats
}

/// `--against nats` and how to start the peer.
struct PeerOptions: ParsableArguments {
    @Option(help: "Also run the same scenario against a local peer server it starts itself, and compare (nats).")
    var against: Peer?

    @Option(help: "nats-server executable (a name looked up in PATH, or a path).")
    var natsServer = "nats-server"

    @Option(help: "WebSocket port for the nats-server it starts (on 127.0.0.1).")
    var natsPort: UInt16 = 7622

    @Option(help: "Client (TCP) port for the nats-server it starts (on 127.0.0.1).")
    var natsClientPort: UInt16 = 7623

    @Option(help: "Pin the nats-server it starts to this CPU with taskset.")
    var natsCpu: Int?

    /// Starts the peer server.
    func startNats() throws -> NatsServerProcess {
        try NatsServerProcess(executable: natsServer, webSocketPort: natsPort, clientPort: natsClientPort, cpu: natsCpu)
    }
}
