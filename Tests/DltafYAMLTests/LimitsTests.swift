import DltafYAML
import Testing

@Suite("Resource limits")
struct LimitsTests {
    /// Nine levels of nine-fold fan-out: about 387 million nodes if expanded.
    static let billionLaughs: String = {
        var lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1...9 {
            let refs = Array(repeating: "*l\(level - 1)", count: 9).joined(separator: ", ")
            lines.append("l\(level): &l\(level) [\(refs)]")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    @Test func billionLaughsFailsFast() throws {
        let clock = ContinuousClock()
        var error: YAMLError?
        let elapsed = clock.measure { error = loadError(Self.billionLaughs) }
        let failure = try #require(error)
        #expect(failure.code == .aliasBudgetExceeded)
        // l1..l3 materialise 9·10 + 9·91 + 9·820 = 8,289 nodes; the first `*l3` (7,381 nodes) tips it over.
        #expect(failure.mark == YAMLMark(line: 5, column: 10))
        #expect(failure.keyPath == "l4[0]")
        #expect(failure.message.contains("'*l3'"))
        #expect(elapsed < .seconds(1))
    }

    @Test func deepFlowNestingFailsFast() throws {
        let source = String(repeating: "[", count: 100_000)
        let clock = ContinuousClock()
        var error: YAMLError?
        let elapsed = clock.measure { error = loadError(source) }
        let failure = try #require(error)
        #expect(failure.code == .tooDeep)
        // The 65th `[` is the first one beyond the default depth of 64.
        #expect(failure.mark == YAMLMark(line: 1, column: 65))
        #expect(failure.keyPath == String(repeating: "[0]", count: 64))
        #expect(elapsed < .seconds(1))
    }

    @Test func depthLimitIsInclusive() throws {
        let limits = YAMLLimits(maxDepth: 3)
        #expect(try YAMLLoader.load("[[[1]]]", limits: limits)?.sequence?.count == 1)
        #expect(loadError("[[[[1]]]]", limits: limits)?.code == .tooDeep)
        // Scalars do not count as depth.
        #expect(try YAMLLoader.load("a: {b: {c: 1}}", limits: limits)?["a"]?["b"]?["c"]?.scalarValue == .int(1))
    }

    @Test func inputSizeLimitIsInclusive() throws {
        let source = "a: 123"
        #expect(try YAMLLoader.load(source, limits: YAMLLimits(maxInputBytes: 6)) != nil)
        #expect(loadError(source, limits: YAMLLimits(maxInputBytes: 5))?.code == .inputTooLarge)
    }

    @Test func defaultSizeLimitIsOneMebibyte() throws {
        #expect(YAMLLimits.default.maxInputBytes == 1_048_576)
        let big = "a: " + String(repeating: "x", count: 1_048_574) + "\n"
        #expect(loadError(big)?.code == .inputTooLarge)
    }

    @Test func aliasBudgetCountsWholeSubtrees() throws {
        // The anchored sequence has 4 nodes (itself plus 3 items); two aliases materialise 8.
        let source = "a: &a [1, 2, 3]\nb: *a\nc: *a\n"
        #expect(try YAMLLoader.load(source, limits: YAMLLimits(maxAliasExpansionNodes: 8)) != nil)
        let error = try #require(loadError(source, limits: YAMLLimits(maxAliasExpansionNodes: 7)))
        #expect(error.code == .aliasBudgetExceeded)
        #expect(error.mark == YAMLMark(line: 3, column: 4))
    }

    @Test func anchorLimitIsInclusive() throws {
        let source = "a: &x 1\nb: &y 2\n"
        #expect(try YAMLLoader.load(source, limits: YAMLLimits(maxAnchors: 2)) != nil)
        #expect(loadError(source, limits: YAMLLimits(maxAnchors: 1))?.code == .tooManyAnchors)
    }

    @Test func parsesConcurrently() async throws {
        let results = await withTaskGroup(of: Int?.self) { group in
            for index in 0..<8 {
                group.addTask { try? YAMLLoader.load("v: \(index)")?["v"]?.scalarValue.flatMap(Self.int) }
            }
            var values: [Int] = []
            for await value in group {
                if let value { values.append(value) }
            }
            return values.sorted()
        }
        #expect(results == Array(0..<8))
    }

    private static func int(_ value: YAMLScalarValue) -> Int? {
        if case .int(let int) = value { return int }
        return nil
    }
}

@Suite("aliases cannot build a tree deeper than the limit")
struct AliasDepthTests {
    @Test("chained anchors that each nest the previous one are rejected at the alias that goes too deep")
    func chainedAnchors() throws {
        // Each anchor wraps the previous one in three lists: shallow text, a tree over 100 levels deep.
        var lines = ["a0: &a0 [x]"]
        for level in 1..<40 { lines.append("a\(level): &a\(level) [[[*a\(level - 1)]]]") }
        let text = lines.joined(separator: "\n") + "\n"
        let limits = YAMLLimits(maxInputBytes: 1 << 20, maxDepth: 64, maxAliasExpansionNodes: 100_000, maxAnchors: 1000)
        #expect {
            _ = try YAMLLoader.load(text, limits: limits)
        } throws: { error in
            guard let error = error as? YAMLError else { return false }
            return error.code == .tooDeep && error.message.contains("alias '*a") && (error.mark?.line ?? 0) > 1
        }
    }

    @Test("an alias that fits under the limit is fine")
    func fits() throws {
        let text = "a: &a [[x]]\nb: [*a, *a]\n"
        let node = try #require(try YAMLLoader.load(text))
        #expect(node["b"]?.sequence?.count == 2)
    }
}
