import CDltafClients

/// HTTP(S) requests through libcurl, opened with `dlopen` on first use (never linked, and no
/// FoundationNetworking: both cost milliseconds on every dltaf start).
///
/// Redirects are not followed; proxies come from the usual `http_proxy`/`https_proxy`/`no_proxy` variables,
/// as for curl.
public enum HTTPClient {
    /// Largest body kept by default (8 MiB); the transfer stops there and `bodyTruncated` is set.
    public static let defaultMaxBodyBytes = 8 << 20
    /// Largest header block kept.
    static let maxHeaderBytes = 256 << 10

    /// Sends one request and waits for the whole answer, on a thread outside Swift's cooperative pool.
    ///
    /// - Parameters:
    ///   - method: `GET`, `POST`, `PUT`, `HEAD`, ...
    ///   - url: an `http://` or `https://` URL.
    ///   - headers: `(name, value)` pairs; values are never copied into errors.
    ///   - body: the request body, if any.
    ///   - timeoutSeconds: the limit for the whole exchange, connecting included.
    ///   - verifyTLS: check the server's certificate and name (default true).
    ///   - caFile: a PEM bundle to trust instead of the system's.
    ///   - maxBodyBytes: the most body bytes kept.
    /// - Returns: the answer, whatever its status code.
    /// - Throws: `HTTPClientError` when there is no answer (library missing, transport, timeout, bad URL,
    ///   cancelled).
    public static func send(
        method: String = "GET", url: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
        timeoutSeconds: Double, verifyTLS: Bool = true, caFile: String? = nil,
        maxBodyBytes: Int = defaultMaxBodyBytes
    ) async throws(HTTPClientError) -> HTTPResponse {
        try validate(method: method, url: url, headers: headers, timeoutSeconds: timeoutSeconds)
        let request = Request(
            method: method.uppercased(), url: url, headerLines: headers.map { "\($0.0): \($0.1)" }, body: body,
            timeoutMilliseconds: Int(max(1, (timeoutSeconds * 1000).rounded(.up))), verifyTLS: verifyTLS,
            caFile: caFile, maxBodyBytes: max(1, maxBodyBytes))
        let outcome = await runBlocking { token in perform(request, token: token) }
        return try outcome.get()
    }

    private struct Request: Sendable {
        var method: String
        var url: String
        var headerLines: [String]
        var body: [UInt8]?
        var timeoutMilliseconds: Int
        var verifyTLS: Bool
        var caFile: String?
        var maxBodyBytes: Int
    }

    private static func validate(
        method: String, url: String, headers: [(String, String)], timeoutSeconds: Double
    ) throws(HTTPClientError) {
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            throw HTTPClientError(kind: .invalidURL, message: "expected an http:// or https:// URL")
        }
        guard !url.contains(where: { $0.isNewline || $0 == "\0" || $0 == " " }) else {
            throw HTTPClientError(kind: .invalidURL, message: "the URL contains spaces or line breaks")
        }
        guard !method.isEmpty, method.allSatisfy({ $0.isLetter && $0.isASCII }) else {
            throw HTTPClientError(kind: .invalidRequest, message: "invalid method \"\(method)\"")
        }
        for (name, value) in headers {
            let nameOK = !name.isEmpty && !name.contains { $0 == ":" || $0.isWhitespace || $0 == "\0" }
            guard nameOK else { throw HTTPClientError(kind: .invalidRequest, message: "invalid header name") }
            guard !value.contains(where: { $0.isNewline || $0 == "\0" }) else {
                throw HTTPClientError(
                    kind: .invalidRequest, message: "the value of header \(name) contains a line break")
            }
        }
        guard timeoutSeconds.isFinite, timeoutSeconds > 0 else {
            throw HTTPClientError(kind: .invalidRequest, message: "timeoutSeconds must be positive")
        }
    }

    private static func perform(_ request: Request, token: CancelToken) -> Result<HTTPResponse, HTTPClientError> {
        var response = dltaf_http_response()
        defer { dltaf_http_response_free(&response) }
        let body = request.body ?? []
        let kind = withCStrings(request.headerLines) { headerPointers in
            body.withUnsafeBufferPointer { bodyBuffer in
                request.method.withCString { method in
                    request.url.withCString { url in
                        withOptionalCString(request.caFile) { caFile in
                            var cRequest = dltaf_http_request(
                                method: method, url: url, headers: headerPointers,
                                header_count: request.headerLines.count, body: bodyBuffer.baseAddress,
                                body_length: bodyBuffer.count, has_body: request.body == nil ? 0 : 1,
                                timeout_ms: request.timeoutMilliseconds, verify_tls: request.verifyTLS ? 1 : 0,
                                ca_file: caFile, max_body_bytes: request.maxBodyBytes,
                                max_header_bytes: maxHeaderBytes)
                            return dltaf_http_perform(&cRequest, &response, token.pointer)
                        }
                    }
                }
            }
        }
        let message = errorText(response.error)
        switch Int(kind) {
        case Int(DLTAF_CLIENT_OK):
            let headerBlock = response.headers.map {
                Array(UnsafeRawBufferPointer(start: $0, count: response.headers_length))
            }
            let bodyBytes = response.body.map { Array(UnsafeBufferPointer(start: $0, count: response.body_length)) }
            return .success(
                HTTPResponse(
                    status: response.status, headers: HTTPResponse.parseHeaders(headerBlock ?? []),
                    body: bodyBytes ?? [], bodyTruncated: response.body_truncated != 0,
                    elapsedMilliseconds: response.elapsed_ms))
        case Int(DLTAF_CLIENT_LIBRARY_MISSING):
            return .failure(
                HTTPClientError(
                    kind: .libraryMissing, message: ClientLibrary.missingMessage(.curl, detail: message)))
        case Int(DLTAF_CLIENT_TIMEOUT):
            return .failure(
                HTTPClientError(
                    kind: .timeout,
                    message: "no answer within \(Double(request.timeoutMilliseconds) / 1000)s (\(message))"))
        case Int(DLTAF_CLIENT_INVALID_INPUT):
            return .failure(HTTPClientError(kind: .invalidURL, message: message))
        case Int(DLTAF_CLIENT_CANCELLED):
            return .failure(HTTPClientError(kind: .cancelled, message: "the request was cancelled"))
        default:
            return .failure(HTTPClientError(kind: .transport, message: message))
        }
    }
}

/// Calls `body` with a C string for `string`, or NULL.
func withOptionalCString<Result>(_ string: String?, _ body: (UnsafePointer<CChar>?) -> Result) -> Result {
    guard let string else { return body(nil) }
    return string.withCString { body($0) }
}
