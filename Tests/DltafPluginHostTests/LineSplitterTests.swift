import DltafProtocol
import Testing

/// A splitter event copied out of the callback.
private enum Collected: Equatable, CustomStringConvertible {
    case line(String)
    case oversized([UInt8])

    var description: String {
        switch self {
        case .line(let text): return "line(\(text.debugDescription))"
        case .oversized(let prefix):
            return "oversized(\(prefix.count) bytes: \(String(decoding: prefix, as: UTF8.self).debugDescription))"
        }
    }
}

/// Feeds `chunks` in order and returns every event.
private func split(_ chunks: [[UInt8]], into splitter: inout LineSplitter) -> [Collected] {
    var events: [Collected] = []
    for chunk in chunks {
        chunk.withUnsafeBufferPointer { buffer in
            splitter.feed(buffer) { event in
                switch event {
                case .line(let line): events.append(.line(String(decoding: line, as: UTF8.self)))
                case .oversized(let prefix): events.append(.oversized(prefix))
                }
            }
        }
    }
    return events
}

private func split(_ chunks: [String], maxLineBytes: Int = 1024) -> (events: [Collected], splitter: LineSplitter) {
    var splitter = LineSplitter(maxLineBytes: maxLineBytes)
    let events = split(chunks.map { Array($0.utf8) }, into: &splitter)
    return (events, splitter)
}

private func lines(_ texts: String...) -> [Collected] {
    texts.map(Collected.line)
}

@Suite("LineSplitter")
struct LineSplitterTests {
    @Test func completeLinesInOneChunk() {
        let (events, splitter) = split(["alpha\nbeta\n"])
        #expect(events == lines("alpha", "beta"))
        #expect(!splitter.hasPartialLine)
    }

    @Test func linesSplitAcrossChunks() {
        let (events, splitter) = split(["hel", "lo\nwo", "r", "ld\n", "\n"])
        #expect(events == lines("hello", "world", ""))
        #expect(!splitter.hasPartialLine)
    }

    @Test func byteByByteFeedingGivesTheSameLines() {
        let text = "first\r\n\nsecond line\nthird\r\n"
        let whole = split([text]).events
        let single = split(text.map { String($0) }).events
        var splitter = LineSplitter(maxLineBytes: 64)
        let bytewise = split(Array(text.utf8).map { [$0] }, into: &splitter)
        #expect(whole == lines("first", "", "second line", "third"))
        #expect(single == whole)
        #expect(bytewise == whole)
    }

    @Test(
        arguments: [
            (["a\r\nb\r\n"], ["a", "b"]),
            (["a\r", "\nb\r", "\n"], ["a", "b"]),
            (["\r\n"], [""]),
            (["a\r\r\n"], ["a\r"]),
            (["mid\rdle\n"], ["mid\rdle"]),
            (["\n\n\n"], ["", "", ""]),
            (["a\n\nb\n"], ["a", "", "b"]),
            (["", "a\n", ""], ["a"]),
        ] as [([String], [String])])
    func crlfAndEmptyLines(chunks: [String], expected: [String]) {
        #expect(split(chunks).events == expected.map(Collected.line))
    }

    @Test(arguments: [["abcd\n"], ["ab", "cd\n"], ["abcd", "\n"], ["a", "b", "c", "d", "\n"]])
    func lineExactlyAtTheLimitIsAccepted(chunks: [String]) {
        let (events, splitter) = split(chunks + ["next\n"], maxLineBytes: 4)
        #expect(events == lines("abcd", "next"))
        #expect(!splitter.hasPartialLine)
    }

    @Test(arguments: [
        ["abcde\nnext\n"], ["abc", "de\nnext\n"], ["abcde", "\nnext\n"], ["abcd", "e", "\n", "next\n"],
    ])
    func oneByteOverIsReportedOnceAndTheNextLineStillArrives(chunks: [String]) {
        let (events, splitter) = split(chunks, maxLineBytes: 4)
        #expect(events == [.oversized(Array("abcde".utf8)), .line("next")])
        #expect(!splitter.hasPartialLine)
    }

    @Test func oversizedLineSpanningManyChunksIsReportedOnce() {
        let line = (0..<1000).map { String($0 % 10) }.joined()
        var chunks: [String] = []
        var rest = Substring(line)
        while !rest.isEmpty {
            chunks.append(String(rest.prefix(7)))
            rest = rest.dropFirst(7)
        }
        var splitter = LineSplitter(maxLineBytes: 100)
        let before = split(chunks.map { Array($0.utf8) }, into: &splitter)
        #expect(before.count == 1)
        #expect(splitter.hasPartialLine)
        let after = split([Array("\nok\n".utf8)], into: &splitter)
        #expect(after == lines("ok"))
        #expect(!splitter.hasPartialLine)

        // The prefix holds the first bytes of the line.
        guard case .oversized(let prefix) = before.first else {
            Issue.record("expected an oversized event, got \(before)")
            return
        }
        #expect(prefix == Array(line.utf8.prefix(prefix.count)))
        #expect(prefix.count > 100)
        #expect(prefix.count <= 256)
    }

    @Test func oversizedPrefixIsCappedAt256Bytes() {
        let long = String(repeating: "x", count: 300) + String(repeating: "y", count: 300)
        let oneChunk = split([long + "\n"], maxLineBytes: 10).events
        #expect(oneChunk == [.oversized(Array(String(repeating: "x", count: 256).utf8))])

        // Buffered bytes come first in the prefix when the limit is crossed in a later chunk.
        let twoChunks = split(["abcdef", long + "\n", "tail\n"], maxLineBytes: 10).events
        #expect(twoChunks == [.oversized(Array(("abcdef" + String(repeating: "x", count: 250)).utf8)), .line("tail")])
    }

    @Test func severalOversizedLinesAreEachReported() {
        let (events, _) = split(["123456\nok\n1234", "567\n\n"], maxLineBytes: 5)
        #expect(
            events == [.oversized(Array("123456".utf8)), .line("ok"), .oversized(Array("1234567".utf8)), .line("")])
    }

    @Test func partialLineAtTheEnd() {
        var splitter = LineSplitter(maxLineBytes: 16)
        #expect(!splitter.hasPartialLine)
        #expect(split([Array("done\npart".utf8)], into: &splitter) == lines("done"))
        #expect(splitter.hasPartialLine)
        #expect(splitter.partialLinePrefix == Array("part".utf8))
        #expect(split([Array("ial".utf8)], into: &splitter).isEmpty)
        #expect(splitter.partialLinePrefix == Array("partial".utf8))
        #expect(split([Array("\n".utf8)], into: &splitter) == lines("partial"))
        #expect(!splitter.hasPartialLine)
        #expect(splitter.partialLinePrefix.isEmpty)
    }

    @Test func partialOversizedLineIsStillPartial() {
        var splitter = LineSplitter(maxLineBytes: 3)
        let events = split([Array("toolong".utf8)], into: &splitter)
        #expect(events == [.oversized(Array("toolong".utf8))])
        #expect(splitter.hasPartialLine)
        #expect(split([Array("more".utf8)], into: &splitter).isEmpty)
        #expect(split([Array("\nab\n".utf8)], into: &splitter) == lines("ab"))
        #expect(!splitter.hasPartialLine)
    }

    @Test func anOversizedPartialLineIsNotUnreported() {
        var splitter = LineSplitter(maxLineBytes: 3)
        #expect(splitter.unreportedPartialLine == nil)
        _ = split([Array("ok\npa".utf8)], into: &splitter)
        #expect(splitter.unreportedPartialLine == Array("pa".utf8))
        _ = split([Array("rtial".utf8)], into: &splitter)
        #expect(splitter.hasPartialLine)
        #expect(splitter.unreportedPartialLine == nil, "the oversized event reported it")
    }

    @Test func emptyChunkDoesNothing() {
        var splitter = LineSplitter(maxLineBytes: 8)
        #expect(split([[]], into: &splitter).isEmpty)
        #expect(!splitter.hasPartialLine)
        #expect(splitter.maxLineBytes == 8)
    }

    @Test func multiByteTextIsPassedThrough() {
        #expect(split(["héllo ", "😀\n"]).events == lines("héllo 😀"))
    }
}
