import ArgumentParser
import Glibc

// Signals are blocked before any other thread exists, so that only the dedicated signal
// waiter receives SIGINT/SIGTERM (the event loop thread never does).
SignalWaiter.blockTerminationSignals()
if CommandLine.arguments.dropFirst().first == "backup" {
    BackupCommand.main(Array(CommandLine.arguments.dropFirst(2)))
} else {
    HeraldCommand.main()
}
