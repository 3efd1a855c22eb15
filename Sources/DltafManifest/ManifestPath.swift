import Foundation

/// A location inside a manifest: a list of mapping keys and list indexes.
public struct ManifestPath: Sendable, Hashable, CustomStringConvertible, ExpressibleByArrayLiteral {
    /// One step of a path.
    public enum Component: Sendable, Hashable {
        /// A mapping key.
        case key(String)
        /// A list index (0-based).
        case index(Int)
    }

    /// The steps from the root.
    public var components: [Component]

    /// Creates a path from its steps.
    public init(_ components: [Component]) {
        self.components = components
    }

    /// Creates a path of mapping keys.
    public init(arrayLiteral keys: String...) {
        components = keys.map { .key($0) }
    }

    /// The root.
    public static let root = ManifestPath([])

    /// This path extended by a key.
    public func appending(_ key: String) -> ManifestPath {
        ManifestPath(components + [.key(key)])
    }

    /// This path extended by an index.
    public func appending(index: Int) -> ManifestPath {
        ManifestPath(components + [.index(index)])
    }

    /// The path without its last step.
    public var parent: ManifestPath? {
        components.isEmpty ? nil : ManifestPath(Array(components.dropLast()))
    }

    /// Dotted form for people: `run.hooks.enable[1]`; `(root)` for the root.
    public var description: String {
        guard !components.isEmpty else { return "(root)" }
        var text = ""
        for component in components {
            switch component {
            case .key(let key):
                if !text.isEmpty { text += "." }
                text += key
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }

    /// JSON Pointer form (RFC 6901): `/run/hooks/enable/1`.
    public var pointer: String {
        components.map { component in
            switch component {
            case .key(let key):
                return "/" + key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
            case .index(let index):
                return "/\(index)"
            }
        }.joined()
    }

    /// Reads a JSON Pointer; numeric tokens become indexes.
    public init?(pointer: String) {
        guard !pointer.isEmpty else {
            self = .root
            return
        }
        guard pointer.hasPrefix("/") else { return nil }
        components = pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map { token in
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if let index = Int(key), index >= 0, String(index) == key { return .index(index) }
            return .key(key)
        }
    }
}
