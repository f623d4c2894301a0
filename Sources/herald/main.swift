import ArgumentParser
import Glibc

// Signals are blocked before any other thread exists, so that only the dedicated signal
// waiter receives SIGINT/SIGTERM (the event loop thread never does).
SignalWaiter.blockTerminationSignals()
HeraldCommand.main()
