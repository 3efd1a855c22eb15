// libFuzzer target: the plugin protocol's read path (LineSplitter -> JSONParser -> RPCMessage.decode) and the write
// path that must undo it (RPCMessage.encodedLine, JSONWriter). Built by Fuzz/build.sh together with the sources of
// DltafJSON and DltafProtocol as one module; run with `Fuzz/run.sh line-decoder SECONDS` or `make fuzz`.
//
// Input layout: byte 0 picks how many chunk-size bytes follow (1...4) and the tiny second line limit; those bytes
// choose the sizes the rest of the input is cut into before it is fed to the splitters (see `chunkSizes`).
//
// Invariants (a violation calls `fatalError`, which libFuzzer reports as a crash):
// - every emitted line is at most `maxLineBytes` long and contains no `\n`;
// - the events (lines, oversized prefixes, the trailing partial line) do not depend on how the stream is chunked:
//   they equal a one-shot reference split of the whole stream (an oversized event's prefix holds the line's first
//   bytes that had arrived when it went over the limit: at least min(256, limit + 1) of them, at most 256);
// - `RPCMessage.decode(bytes)` agrees with `JSONParser.parse` followed by `RPCMessage.decode(value)`;
// - a parse error's offset lies within the line;
// - JSONWriter's output (compact, and pretty with sorted keys) of any parsed value re-parses to an equal value
//   (non-finite doubles, which the writer writes as `null`, compared as null);
// - a decoded message re-encodes to exactly one line that decodes to an equal message.

/// The protocol-sized limit (small, so libFuzzer reaches the oversized path with inputs of a few KiB).
let maxLineBytes = 4096

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLineDecoder(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: start, count: count)
    guard let header = input.first else { return 0 }
    let sizeByteCount = Int(header & 0x03) + 1
    // A second splitter with a tiny limit (1...64 bytes) exercises the oversized path on short inputs.
    let tinyLimit = Int(header >> 2) + 1
    guard input.count > sizeByteCount else { return 0 }
    let sizes = chunkSizes(Array(input[1...sizeByteCount]))
    let stream = Array(input[(1 + sizeByteCount)...])

    for limit in [maxLineBytes, tinyLimit] {
        let events = split(stream, sizes: sizes, limit: limit)
        let expected = referenceSplit(stream, limit: limit)
        guard events.matches(expected, limit: limit) else {
            fatalError("LineSplitter(limit \(limit)) chunked as \(sizes): \(events) != reference \(expected)")
        }
        guard limit == maxLineBytes else { continue }
        for case .line(let line) in events.events {
            checkLine(line)
        }
    }
    return 0
}

// MARK: - Splitting

/// Chunk sizes from the header bytes: 0 means "all that is left", 1...127 is taken as is, 128...255 is
/// (b - 127) * 64, i.e. 64...8192 bytes. They are used in turn, cyclically.
func chunkSizes(_ bytes: [UInt8]) -> [Int] {
    bytes.map { byte in
        switch byte {
        case 0: Int.max
        case 1..<128: Int(byte)
        default: (Int(byte) - 127) * 64
        }
    }
}

enum SplitEvent: Equatable, CustomStringConvertible {
    case line([UInt8])
    case oversized([UInt8])

    var description: String {
        switch self {
        case .line(let bytes): "line(\(bytes.count) bytes)"
        case .oversized(let prefix): "oversized(prefix \(prefix.count) bytes)"
        }
    }
}

struct SplitResult: Equatable, CustomStringConvertible {
    var events: [SplitEvent] = []
    var hasPartialLine = false
    var partialLinePrefix: [UInt8] = []

    /// Equal to the reference `expected`, except that an oversized prefix may be any prefix of the expected one (the
    /// line's first 256 bytes) of at least min(256, limit + 1) bytes: the splitter reports a line as soon as it is
    /// known to be too long, with the bytes it has by then.
    func matches(_ expected: SplitResult, limit: Int) -> Bool {
        guard events.count == expected.events.count, hasPartialLine == expected.hasPartialLine,
            partialLinePrefix == expected.partialLinePrefix
        else { return false }
        for (actual, wanted) in zip(events, expected.events) {
            switch (actual, wanted) {
            case (.line(let a), .line(let b)):
                guard a == b else { return false }
            case (.oversized(let a), .oversized(let b)):
                guard a.count >= min(256, limit + 1), b.starts(with: a) else { return false }
            default:
                return false
            }
        }
        return true
    }

    var description: String {
        "\(events), partial \(hasPartialLine) (prefix \(partialLinePrefix.count) bytes)"
    }
}

/// Feeds `stream` to a `LineSplitter` in chunks, each copied into an allocation of exactly its size so that
/// AddressSanitizer sees any read past a chunk's end, and checks each emitted line as it arrives.
func split(_ stream: [UInt8], sizes: [Int], limit: Int) -> SplitResult {
    var splitter = LineSplitter(maxLineBytes: limit)
    var result = SplitResult()
    var offset = 0
    var turn = 0
    repeat {
        let size = min(sizes[turn % sizes.count], stream.count - offset)
        turn += 1
        let chunk = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: size)
        _ = chunk.initialize(from: stream[offset..<(offset + size)])
        offset += size
        splitter.feed(UnsafeBufferPointer(chunk)) { event in
            switch event {
            case .line(let line):
                guard line.count <= limit else { fatalError("line of \(line.count) bytes exceeds the limit \(limit)") }
                guard !line.contains(0x0A) else { fatalError("an emitted line contains a newline") }
                result.events.append(.line(Array(line)))
            case .oversized(let prefix):
                guard prefix.count <= 256 else { fatalError("oversized prefix of \(prefix.count) bytes") }
                result.events.append(.oversized(prefix))
            }
        }
        chunk.deallocate()
    } while offset < stream.count
    result.hasPartialLine = splitter.hasPartialLine
    result.partialLinePrefix = splitter.partialLinePrefix
    return result
}

/// What the splitter's documentation promises, computed on the whole stream at once: each `\n`-terminated line
/// longer than `limit` is one `oversized` event carrying its first 256 bytes, any other is a `line` without a trailing
/// `\r`; an unterminated tail is a partial line (reported oversized as soon as it is over the limit).
func referenceSplit(_ stream: [UInt8], limit: Int) -> SplitResult {
    var result = SplitResult()
    var pieces = stream.split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) }
    let tail = pieces.removeLast()
    for piece in pieces {
        if piece.count > limit {
            result.events.append(.oversized(Array(piece.prefix(256))))
        } else {
            result.events.append(.line(piece.last == 0x0D ? Array(piece.dropLast()) : piece))
        }
    }
    if tail.count > limit {
        result.events.append(.oversized(Array(tail.prefix(256))))
        result.hasPartialLine = true
    } else {
        result.hasPartialLine = !tail.isEmpty
        result.partialLinePrefix = Array(tail.prefix(256))
    }
    return result
}

// MARK: - Decoding

/// Decodes one emitted line (copied into an exact-size allocation) and checks the round trips.
func checkLine(_ line: [UInt8]) {
    let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: line.count)
    defer { buffer.deallocate() }
    _ = buffer.initialize(from: line)
    let bytes = UnsafeBufferPointer(buffer)

    let parsed: JSONValue?
    do {
        parsed = try JSONParser.parse(bytes)
    } catch {
        guard (0...line.count).contains(error.offset) else {
            fatalError("parse error offset \(error.offset) outside a line of \(line.count) bytes: \(error)")
        }
        parsed = nil
    }
    if let parsed {
        checkWriterRoundTrip(parsed)
    }

    let message: RPCMessage?
    do {
        message = try RPCMessage.decode(bytes)
    } catch {
        message = nil
    }
    let viaValue: RPCMessage? = parsed.flatMap { value in try? RPCMessage.decode(value) }
    guard message == viaValue else {
        fatalError(
            "decode(bytes) \(String(describing: message)) != decode(parse(bytes)) \(String(describing: viaValue))")
    }
    guard let message else { return }

    let encoded = message.encodedLine()
    guard encoded.last == 0x0A, encoded.firstIndex(of: 0x0A) == encoded.count - 1 else {
        fatalError("encodedLine() is not exactly one newline-terminated line: \(encoded)")
    }
    let again: RPCMessage
    do {
        again = try RPCMessage.decode(Array(encoded.dropLast()))
    } catch {
        fatalError("re-encoded message does not decode: \(error); line: \(String(decoding: encoded, as: UTF8.self))")
    }
    guard normalised(again) == normalised(message) else {
        fatalError("round trip changed the message: \(message) -> \(again)")
    }
}

/// Every writer style must produce text that parses back to the same value.
func checkWriterRoundTrip(_ value: JSONValue) {
    let expected = normalised(value)
    for writer in [JSONWriter(), JSONWriter(style: .pretty, sortKeys: true)] {
        let text = writer.bytes(value)
        let reparsed: JSONValue
        do {
            reparsed = try JSONParser.parse(text)
        } catch {
            fatalError(
                "JSONWriter(\(writer.style)) output does not parse: \(error); text: \(String(decoding: text, as: UTF8.self))"
            )
        }
        guard reparsed == expected else {
            fatalError("JSONWriter(\(writer.style)) round trip changed the value: \(value) -> \(reparsed)")
        }
    }
}

/// The value JSON can carry: non-finite doubles (`1e999` parses to infinity) become null, as JSONWriter writes them.
func normalised(_ value: JSONValue) -> JSONValue {
    switch value {
    case .double(let number) where !number.isFinite: return .null
    case .array(let elements): return .array(elements.map(normalised))
    case .object(let object):
        var result = JSONObject()
        for (key, member) in object { result.appendUnchecked(key: key, value: normalised(member)) }
        return .object(result)
    default: return value
    }
}

func normalised(_ message: RPCMessage) -> RPCMessage {
    switch message {
    case .request(let id, let method, let params): .request(id: id, method: method, params: normalised(params))
    case .notification(let method, let params): .notification(method: method, params: normalised(params))
    case .response(let id, let result): .response(id: id, result: normalised(result))
    case .errorResponse(let id, let error):
        .errorResponse(
            id: id, error: RPCError(code: error.code, message: error.message, data: error.data.map(normalised)))
    }
}
