import Testing

@testable import DltafLoad

@Suite("table and column names, normalised as PROTOCOL.md §8.4 says")
struct NameNormalizerTests {
    @Test("camelCase breaks, lower case, runs of other characters and a leading digit")
    func rules() {
        #expect(NameNormalizer.normalize("userId") == "user_id")
        #expect(NameNormalizer.normalize("HTTPServer") == "http_server")
        #expect(NameNormalizer.normalize("order total (€)") == "order_total_")
        #expect(NameNormalizer.normalize("2024 sales") == "_2024_sales")
    }

    @Test("a long name keeps its head and ends with a hash, within the limit")
    func longNames() {
        let long = String(repeating: "a", count: 100)
        let normalised = NameNormalizer.normalize(long)
        #expect(normalised.utf8.count <= NameNormalizer.maxIdentifierBytes)
        #expect(normalised != NameNormalizer.normalize(long + "b"))
    }
}
