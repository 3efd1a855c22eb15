#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// C string arrays and C buffers for the libpq calls.
package enum CStrings {
    /// Calls `body` with a NULL-terminated array of C strings valid during the call.
    package static func with<Result>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> Result)
        -> Result
    {
        withOptional(strings, nullTerminated: true, body)
    }

    /// The same for optional strings (nil stays a NULL entry).
    package static func withOptional<Result>(
        _ strings: [String?], nullTerminated: Bool = false, _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> Result
    ) -> Result {
        let copies: [UnsafeMutablePointer<CChar>?] = strings.map { $0.flatMap { strdup($0) } }
        defer {
            for copy in copies { free(copy) }
        }
        var pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
        if nullTerminated || pointers.isEmpty { pointers.append(nil) }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
    }

    /// A fixed C buffer (imported as a tuple) up to its first NUL.
    package static func text<T>(_ tuple: T) -> String {
        withUnsafeBytes(of: tuple) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
