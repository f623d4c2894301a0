import HeraldWire

/// libFuzzer entry: any bytes either fail to parse with a `JSONParseError` or parse to a value
/// whose encoding the parser accepts and that encodes back to the very same text. (Comparing
/// values instead would flag what JavaScript does too: numbers past a double's range become
/// `null`, and a double above 2^53 written in integer form reads back as an exact integer.)
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    guard let value = try? JSONParser.parse(bytes) else { return 0 }
    let encoded = JSONWriter.encode(value)
    guard let again = try? JSONParser.parse(encoded) else {
        fatalError("the writer produced text the parser rejects: \(String(decoding: encoded, as: UTF8.self))")
    }
    let reencoded = JSONWriter.encode(again)
    precondition(reencoded == encoded, """
        encoding is not stable: \(String(decoding: encoded, as: UTF8.self)) \
        then \(String(decoding: reencoded, as: UTF8.self))
        """)
    return 0
}
