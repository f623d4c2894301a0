import HeraldWire
import Testing

@Test func smoke() throws {
    let value = try JSONParser.parse(#"{"a":[1,2.5,"x\n"],"b":null}"#)
    #expect(JSONWriter.encodeToString(value) == #"{"a":[1,2.5,"x\n"],"b":null}"#)
}
