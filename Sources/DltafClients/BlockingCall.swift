import CDltafClients
import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A C cancellation flag owned by Swift: set when the awaiting task is cancelled, polled by the C loops.
package final class CancelToken: @unchecked Sendable {
    // The pointee is a C11 atomic; the pointer itself never changes after init.
    let pointer: OpaquePointer?

    init() { pointer = dltaf_cancel_token_create() }

    func cancel() { dltaf_cancel_token_cancel(pointer) }

    deinit { dltaf_cancel_token_destroy(pointer) }
}

/// Runs a blocking call on a Dispatch thread, never on the cooperative pool, and resumes the caller with its
/// value. Cancelling the calling task sets the token the call may poll. (Also used by DltafRun for socket probes
/// and CPU-bound batches.)
package func runBlocking<Value: Sendable>(_ work: @escaping @Sendable (CancelToken) -> Value) async -> Value {
    let token = CancelToken()
    return await withTaskCancellationHandler {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: work(token))
            }
        }
    } onCancel: {
        token.cancel()
    }
}

/// Calls `body` with an array of C strings that stay valid during the call (NULL-terminated when asked).
func withCStrings<Result>(
    _ strings: [String], nullTerminated: Bool = false,
    _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> Result
) -> Result {
    let duplicates: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer {
        for duplicate in duplicates { free(duplicate) }
    }
    var pointers: [UnsafePointer<CChar>?] = duplicates.map { $0.map { UnsafePointer($0) } }
    if nullTerminated || pointers.isEmpty { pointers.append(nil) }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
}

/// The C error buffer as a String.
func errorText<T>(_ tuple: T) -> String {
    withUnsafeBytes(of: tuple) { raw in
        let bytes = raw.prefix { $0 != 0 }
        return String(decoding: bytes, as: UTF8.self)
    }
}
