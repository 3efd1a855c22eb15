import DltafLoad
import Testing

@testable import DltafSQLDB

@Suite struct RowBatchTests {
    @Test func valuesReadBackAsAppended() {
        var batch = RowBatch(width: 3)
        batch.append(Int64(-7))
        batch.appendText("héllo")
        batch.appendNull()
        batch.append(2.5)
        batch.beginText()
        batch.appendPiece(UInt8(ascii: "a"))
        batch.appendPiece(UInt8(ascii: "b"))
        batch.endText()
        batch.appendBytes([0, 255])
        #expect(batch.rowCount == 2)
        #expect(batch.int(0) == -7)
        #expect(batch.text(1) == "héllo")
        #expect(batch.tag(2) == .null)
        #expect(batch.double(3) == 2.5)
        #expect(batch.text(4) == "ab")
        #expect(batch.withBytes(5) { Array($0) } == [0, 255])
    }

    @Test func aPartialRowIsDroppedWithItsBytes() {
        var batch = RowBatch(width: 2)
        batch.appendText("kept")
        batch.append(true)
        batch.appendText("dropped")
        #expect(batch.rowCount == 1)
        batch.dropPartialRow()
        #expect(batch.valueCount == 2)
        #expect(batch.byteCount == 4)
        batch.appendText("next")
        batch.append(false)
        #expect(batch.text(2) == "next")
        #expect(batch.bool(3) == false)
    }
}

@Suite struct UnixTimeTests {
    @Test func unixSecondsReadAsRFC3339InUTC() {
        #expect(UnixTime.rfc3339(seconds: 0) == "1970-01-01T00:00:00Z")
        #expect(UnixTime.rfc3339(seconds: 1_767_225_600 + 3_723) == "2026-01-01T01:02:03Z")
        #expect(UnixTime.rfc3339(seconds: -86_400) == "1969-12-31T00:00:00Z")
        #expect(UnixTime.rfc3339(seconds: 400_000_000_000) == nil)
    }
}
