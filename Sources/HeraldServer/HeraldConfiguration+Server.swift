import Glibc
import HeraldCore
public import HeraldOperations
import HeraldTransport

/// How the limit, TLS and shutdown settings reach the transport and the API core.
extension HeraldConfiguration {
    /// Checks that need more than one setting, or the file system.
    public func checkTLSFiles() throws(ConfigurationError) {
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ConfigurationError("--tls-cert and --tls-key go together") }
        for path in [tlsCert, tlsKey].compactMap({ $0 }) where access(path, R_OK) != 0 {
            throw ConfigurationError("cannot read '\(path)'")
        }
    }

    func applyLimits(to configuration: inout WebSocketServerConfiguration) {
        configuration.limits = ConnectionLimits(
            maxConnections: maxConnections, pauseReadingAboveBytes: pauseReadingAboveBytes,
            socketSendBufferBytes: socketSendBufferBytes, maxTotalOutboundBytes: maxTotalOutboundBytes)
        configuration.allowedOrigins = Set(originList)
        if let tlsCert, let tlsKey { configuration.tls = TLSFiles(certificatePath: tlsCert, privateKeyPath: tlsKey) }
        configuration.shutdownGraceSeconds = Double(shutdownTimeout)
        // The workers of `--workers` listen on one port.
        configuration.sharesPort = isSupervised
    }

    func applyLimits(to configuration: inout GatewayConfiguration) {
        configuration.maxRequestsPerSecond = maxRequestsPerSecond
        configuration.maxRooms = maxRooms
        configuration.maxSubscriptionsPerConnection = maxSubscriptionsPerConnection
        configuration.maxJSONDepth = maxJsonDepth
        configuration.storageLimits = StorageLimits(documentsWriteCount: documentsWriteCount,
                                                    documentsFetchCount: documentsFetchCount)
        configuration.scrollLimits = ScrollLimits(
            defaultTTLMilliseconds: scrollTtl * 1000, maxDurationMilliseconds: maxScrollDuration * 1000,
            maxCursors: maxScrollCursors, maxDocuments: maxScrollDocuments)
        // Without --jwt-secret a server signs with a fresh random secret, unless it has a data
        // directory (`JWTSecretFile`, read once the directory is open).
        var security = SecuritySettings(jwtSecret: jwtSecret.map { Array($0.utf8) } ?? SecuritySettings.randomSecret())
        security.defaultTokenTTL = tokenTtl * 1000
        security.maxTokenTTL = maxTokenTtl > 0 ? maxTokenTtl * 1000 : nil
        security.loginAttemptsPerMinute = loginAttemptsPerMinute
        security.passwordIterations = passwordIterations
        // One core stays with the event loop.
        security.passwordWorkers = passwordWorkers > 0 ? passwordWorkers
            : max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) - 1)
        security.expiryWarningMilliseconds = tokenExpiryWarning * 1000
        configuration.security = security
    }
}
