import Foundation

/// A whole-value `${FILE:path}` reference: the value becomes the content of a file (a mounted secret, for
/// example), with its trailing line break removed.
///
/// A relative path is relative to the manifest's folder. The content is treated as a secret: it is recorded in
/// `Manifest.secretValues` so that every redactor hides it wherever it appears.
public struct FileReference: Sendable, Equatable {
    /// The path as written.
    public var path: String

    /// Files larger than this are refused: a secret is small, and a mistake (a log, an image) should fail fast.
    public static let maxBytes = 1 << 20

    /// Parses `text` if the whole of it is `${FILE:path}` with a non-empty path.
    public init?(_ text: String) {
        guard text.hasPrefix("${FILE:"), text.hasSuffix("}"), text.count > 8 else { return nil }
        let inner = text.dropFirst(7).dropLast()
        guard !inner.isEmpty, !inner.contains("}") else { return nil }
        path = String(inner)
    }

    /// The absolute path, relative paths being taken from `directory`.
    public func absolutePath(relativeTo directory: String) -> String {
        let joined = path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path)
        return (joined as NSString).standardizingPath
    }

    /// Why a file could not be read.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// Nothing at that path.
        case notFound(String)
        /// A folder or a device, not a regular file.
        case notAFile(String)
        /// Over `maxBytes`.
        case tooLarge(String, bytes: Int)
        /// Permissions, or an I/O error.
        case unreadable(String)
        /// Not UTF-8 text.
        case notText(String)

        public var description: String {
            switch self {
            case .notFound(let path): "no such file \(path)"
            case .notAFile(let path): "\(path) is not a regular file"
            case .tooLarge(let path, let bytes): "\(path) is \(bytes) bytes; at most \(FileReference.maxBytes) are read"
            case .unreadable(let path): "\(path) cannot be read (check its permissions)"
            case .notText(let path): "\(path) is not UTF-8 text"
            }
        }
    }

    /// The file's content without its trailing line breaks (`\n` or `\r\n`).
    public func read(relativeTo directory: String) throws(Failure) -> String {
        let absolute = absolutePath(relativeTo: directory)
        var status = stat()
        guard stat(absolute, &status) == 0 else { throw .notFound(absolute) }
        guard status.st_mode & S_IFMT == S_IFREG else { throw .notAFile(absolute) }
        guard Int(status.st_size) <= Self.maxBytes else { throw .tooLarge(absolute, bytes: Int(status.st_size)) }
        guard let data = FileManager.default.contents(atPath: absolute) else { throw .unreadable(absolute) }
        guard var text = String(data: data, encoding: .utf8) else { throw .notText(absolute) }
        while let last = text.unicodeScalars.last, last == "\n" || last == "\r" {
            text.unicodeScalars.removeLast()
        }
        return text
    }
}
