@testable import HeraldCluster
import HeraldCore
import HeraldRedis
import Testing

@Suite struct RoomCensusTests {
    @Test func theOtherInstancesRoomsAreSummedPerRoomAndGarbageIsSkipped() {
        let value = RoomCensus.encode(.init(index: "i", collection: "c", count: 2))
        #expect(value == #"[2,"i","c"]"#)
        let rooms = RoomCensus.sum([.string("r1"), .string(value), .string("r1"), .string(#"[3,"i","c"]"#),
                                    .string("r2"), .string("not json"), .string("r3")])
        #expect(rooms == ["r1": .init(index: "i", collection: "c", count: 5)])
    }
}
