public import DltafYAML

/// One change to the text: the bytes `start..<end` of the original replaced by `text` (an insertion when empty).
public struct TextEdit: Sendable, Equatable {
    /// First byte replaced.
    public var start: Int
    /// Just past the last byte replaced.
    public var end: Int
    /// The new text.
    public var text: String
    /// The original text of `start..<end` (empty for an insertion).
    public var removed: String
    /// Where `start` is in the original, 1-based.
    public var mark: YAMLMark
    /// Among insertions at the same offset, lower orders end up first.
    var order: Int

    /// Applies `edits` (computed against `bytes`) from the end of the text backwards, so that no edit moves the
    /// offsets of another.
    ///
    /// - Throws: `TextEditOverlap` naming both edits when two replacements cover the same bytes.
    static func apply(_ edits: [TextEdit], to bytes: [UInt8]) throws(TextEditOverlap) -> [UInt8] {
        let ordered = edits.sorted { ($0.start, $0.end, $0.order) > ($1.start, $1.end, $1.order) }
        var result = bytes
        var limit = bytes.count
        var previous: TextEdit?
        for edit in ordered {
            guard edit.start <= edit.end, edit.end <= limit else {
                throw TextEditOverlap(first: edit, second: previous ?? edit)
            }
            result.replaceSubrange(edit.start..<edit.end, with: Array(edit.text.utf8))
            limit = edit.start
            previous = edit
        }
        return result
    }
}

/// Two edits that change the same bytes.
struct TextEditOverlap: Error {
    var first: TextEdit
    var second: TextEdit
}
