/// A small seeded generator, so random tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Frames seen on the wire.
enum KuzzleFrames {
    /// Sent by SDK 7.17.1 for `document.upsert` (wire contract §2).
    static let upsertRequest =
        #"{"_id":"smoke-8730","action":"upsert","body":{"changes":{"status":"open","counter":1},"default":{"createdBy":"smoke"}},"collection":"smoke-collection","index":"smoke-index","silent":false,"source":true,"controller":"document","requestId":"b6d911be-6dfa-4d65-bc26-70c2b6a9370c","default":{"createdBy":"smoke"},"refresh":"wait_for","retryOnConflict":3,"volatile":{"sdkInstanceId":"f1afde7b-76ea-40d7-af22-4bb175d6c5da","sdkName":"js@7.17.1"}}"#

    /// A response to it, keys in the order of wire contract §3.
    static let upsertResponse =
        #"{"action":"upsert","collection":"smoke-collection","controller":"document","error":null,"headers":{},"index":"smoke-index","node":"knode-nasty-author-12345","requestId":"b6d911be-6dfa-4d65-bc26-70c2b6a9370c","result":{"_id":"smoke-8730","_version":1,"created":true,"_source":{"createdBy":"smoke","status":"open","counter":1,"_kuzzle_info":{"author":"-1","createdAt":1764086400123,"updater":null,"updatedAt":null}}},"status":200,"volatile":{"sdkInstanceId":"f1afde7b-76ea-40d7-af22-4bb175d6c5da","sdkName":"js@7.17.1"},"room":"b6d911be-6dfa-4d65-bc26-70c2b6a9370c"}"#
}
