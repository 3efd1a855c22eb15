/// The pipeline naming convention `dlt__<source>__to__<destination>__<dataset>`.
public enum PipelineNaming {
    /// Why `name` cannot be a pipeline name, as the Python dltaf decides it (an error); nil when it can.
    public static func problem(with name: String) -> String? {
        guard name.contains("__") else {
            return
                "pipeline name \"\(name)\" must contain \"__\" separators (dlt__<source>__to__<destination>__<dataset>)"
        }
        for part in parts(name) where !part.isEmpty && normalize(part).isEmpty {
            return "pipeline name \"\(name)\" has a part \"\(part)\" with no letters or digits"
        }
        return nil
    }

    /// How `name` departs from the full convention (a warning); nil when it follows it.
    public static func conventionGap(name: String, destination: String?, dataset: String?) -> String? {
        let parts = parts(name)
        let expected = "dlt__<source>__to__<destination>__<dataset>"
        guard parts.count == 5, parts[0] == "dlt", parts[2] == "to" else {
            return "pipeline name \"\(name)\" does not follow \(expected)"
        }
        if let bad = parts.first(where: { !isToken($0) }) {
            return "pipeline name part \"\(bad)\" is not lowercase snake_case (a-z, 0-9, single underscores)"
        }
        if let destination, let token = try? normalized(destination), token != parts[3] {
            return "pipeline name says destination \"\(parts[3])\" but pipeline.destination is \"\(destination)\""
        }
        if let dataset, let token = try? normalized(dataset), token != parts[4] {
            return "pipeline name says dataset \"\(parts[4])\" but pipeline.dataset is \"\(dataset)\""
        }
        return nil
    }

    /// The conventional name for a source, destination and dataset.
    public static func conventionalName(source: String, destination: String, dataset: String) -> String? {
        guard let source = try? normalized(source), let destination = try? normalized(destination),
            let dataset = try? normalized(dataset)
        else { return nil }
        return "dlt__\(source)__to__\(destination)__\(dataset)"
    }

    private struct EmptyToken: Error {}

    private static func normalized(_ token: String) throws(EmptyToken) -> String {
        let result = normalize(token)
        if result.isEmpty { throw EmptyToken() }
        return result
    }

    /// Lowercase; runs of anything but a-z and 0-9 become one underscore; no underscore at either end.
    /// (Python's `normalize_token`; byte-wise, since lint calls it several times per manifest.)
    static func normalize(_ token: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(token.utf8.count)
        var pendingUnderscore = false
        for byte in token.utf8 {
            let lower = (65...90).contains(byte) ? byte + 32 : byte
            if (97...122).contains(lower) || (48...57).contains(lower) {
                if pendingUnderscore, !bytes.isEmpty { bytes.append(UInt8(ascii: "_")) }
                pendingUnderscore = false
                bytes.append(lower)
            } else {
                pendingUnderscore = true
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `name` split at each `__` (as Python's `str.split("__")`).
    static func parts(_ name: String) -> [String] {
        var parts: [String] = []
        var current: [UInt8] = []
        var bytes = name.utf8.makeIterator()
        var pending: UInt8?
        while let byte = pending ?? bytes.next() {
            pending = nil
            if byte == UInt8(ascii: "_") {
                if let next = bytes.next() {
                    if next == UInt8(ascii: "_") {
                        parts.append(String(decoding: current, as: UTF8.self))
                        current = []
                        continue
                    }
                    pending = next
                }
            }
            current.append(byte)
        }
        parts.append(String(decoding: current, as: UTF8.self))
        return parts
    }

    private static func isToken(_ part: String) -> Bool {
        !part.isEmpty && normalize(part) == part
    }
}
