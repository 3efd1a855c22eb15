import DltafJSON
import Testing

@testable import DltafLoad

@Suite("Names, values and CSV")
struct UnitTests {
    @Test(
        "snake_case normalisation as dlt does it",
        arguments: [
            ("UserID", "user_id"), ("userId", "user_id"), ("HTTPServer", "http_server"),
            ("already_snake", "already_snake"),
            ("with space", "with_space"), ("a  --  b", "a_b"), ("1st", "_1st"), ("Ünïcode", "_n_code"), ("a\"b", "a_b"),
            ("__x", "__x"), ("x.y.z", "x_y_z"), ("ABC", "abc"), ("A1B", "a1_b"),
        ])
    func normalize(name: String, expected: String) {
        #expect(NameNormalizer.normalize(name) == expected)
    }

    @Test("long names are shortened with a hash and stay distinct")
    func longNames() {
        let first = NameNormalizer.normalize(String(repeating: "a", count: 80) + "1")
        let second = NameNormalizer.normalize(String(repeating: "a", count: 80) + "2")
        #expect(first.utf8.count == 63)
        #expect(first != second)
        #expect(NameNormalizer.quote("a\"b") == "\"a\"\"b\"")
    }

    @Test("values fit only without loss")
    func coercion() {
        #expect(ValueCoercion.coerce("42", to: .bigint) == .int(42))
        #expect(ValueCoercion.coerce("042", to: .bigint) == nil)
        #expect(ValueCoercion.coerce("-0", to: .bigint) == nil)
        #expect(ValueCoercion.coerce("+1", to: .bigint) == nil)
        #expect(ValueCoercion.coerce("0", to: .bigint) == .int(0))
        #expect(ValueCoercion.coerce("-10", to: .bigint) == .int(-10))
        #expect(ValueCoercion.coerce("99999999999999999999", to: .bigint) == nil)
        #expect(ValueCoercion.coerce(1.5, to: .bigint) == nil)
        #expect(ValueCoercion.coerce(.int(9_007_199_254_740_993), to: .double) == nil)
        #expect(ValueCoercion.coerce("NaN", to: .double) == nil)
        #expect(ValueCoercion.coerce("1.10", to: .decimal(precision: 5, scale: 2)) == .text("1.10"))
        #expect(ValueCoercion.coerce("1.105", to: .decimal(precision: 5, scale: 2)) == nil)
        #expect(ValueCoercion.coerce("1e5", to: .decimal(precision: 10, scale: 2)) == nil)
        #expect(ValueCoercion.coerce("2023-02-29", to: .date) == nil)
        #expect(ValueCoercion.coerce("2024-02-29", to: .date) == .text("2024-02-29"))
        #expect(ValueCoercion.coerce("2024-02-29T24:00:00Z", to: .timestamp) == nil)
        #expect(ValueCoercion.coerce("2024-02-29T23:59:59.123456-05:30", to: .timestamp) != nil)
        #expect(ValueCoercion.coerce("not base64!", to: .binary) == nil)
        #expect(ValueCoercion.coerce(["a": 1], to: .text) == nil)
        #expect(ValueCoercion.coerce(true, to: .text) == .text("true"))
    }

    @Test("CSV records across chunk boundaries")
    func csvChunks() throws {
        final class Records { var all: [([JSONValue], Int)] = [] }
        let records = Records()
        var reader = CSVReader { record, line in records.all.append((record, line)) }
        let text = Array("a,b\n\"x\ny\",\"\"\"\"\r\n,\n\nlast,1".utf8)
        for byte in text { try [byte].withUnsafeBufferPointer { try reader.feed($0) } }
        try reader.finish()
        let expected: [[JSONValue]] = [["a", "b"], ["x\ny", "\""], [.null, .null], ["last", "1"]]
        #expect(records.all.map(\.0) == expected)
        #expect(records.all.map(\.1) == [1, 2, 4, 6])
        var broken = CSVReader { _, _ in }
        #expect(throws: LoadError.self) {
            try Array("\"open".utf8).withUnsafeBufferPointer { try broken.feed($0) }
            try broken.finish()
        }
    }

    @Test("the flat NDJSON scanner agrees with JSONParser or leaves the line to it")
    func flatLines() throws {
        let lines = [
            #"{"id": 1, "name": "a", "x": -2.5e3, "ok": true, "none": null}"#, #"{"id":-9223372036854775808}"#,
            #"{"id": 9223372036854775808}"#, #"{"a": "naïve ☃"}"#, #"{"a": "esc"aped"}"#, #"{"a": "A"}"#,
            #"{"a": {"nested": 1}}"#, #"{"a": [1]}"#, #"{"a": 1, "a": 2}"#, #"{"a": 01}"#, #"{"a": 1.}"#,
            #"{"a": 1,}"#, #"{}"#, #"  { "a" : 0 , "b" : -0.0 }  "#, #"{"a": tru}"#, #"[1]"#, #"{"a": 1} x"#,
            #"{"a": 1e400}"#, #"{"a": 12345678901234567890123}"#,
        ]
        var scanner = FlatJSONLine()
        for line in lines {
            let bytes = Array(line.utf8)
            let flat = bytes.withUnsafeBufferPointer { scanner.scan($0) }
            guard flat else { continue }
            let parsed = try JSONParser.parse(bytes)
            #expect(parsed.objectValue?.keys == scanner.keys, "\(line)")
            #expect(parsed.objectValue?.values == scanner.values, "\(line)")
        }
        let first = Array(#"{"id": 1, "n": "a"}"#.utf8)
        let second = Array(#"{"id": 2, "n": "b"}"#.utf8)
        #expect(first.withUnsafeBufferPointer { scanner.scan($0) })
        #expect(scanner.keysChanged)
        #expect(second.withUnsafeBufferPointer { scanner.scan($0) })
        #expect(!scanner.keysChanged)
        #expect(scanner.values == [2, "b"])
        let invalid: [UInt8] = Array(#"{"a": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(!invalid.withUnsafeBufferPointer { scanner.scan($0) })
    }

    @Test("UTF-8 validation agrees with the standard library")
    func utf8() {
        let samples: [[UInt8]] = [
            Array("plain".utf8), Array("naïve ☃ 𝄞".utf8), [0xC3, 0x28], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80],
            [0xF4, 0x90, 0x80, 0x80], [0xF0, 0x9F, 0x98], [0xC0, 0xAF], [0xFF], [0xF0, 0x9F, 0x98, 0x80],
        ]
        for sample in samples {
            let expected = String(validating: sample, as: UTF8.self) != nil
            #expect(sample.withUnsafeBufferPointer { UTF8Check.isValid($0) } == expected, "\(sample)")
        }
    }

    @Test("COPY text escapes backslash, tab and newlines and refuses NUL")
    func copyText() throws {
        var buffer: [UInt8] = []
        try PostgresCopyText.appendRow(
            [.text("a\\b\tc\nd\re"), .null, .int(-12), .bool(true), .bytes([0xAB])], loadID: Array("L".utf8),
            into: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "a\\\\b\\tc\\nd\\re\t\\N\t-12\tt\t\\\\xab\tL\n")
        #expect(throws: PostgresCopyText.NULCharacterAt.self) {
            try PostgresCopyText.appendRow([.text("a\u{0}")], loadID: [], into: &buffer)
        }
    }
}
