import DltafClients
import DltafJSON
import DltafProtocol

/// The built-in `http` check: does each URL answer, with which status, and how fast.
///
/// Config (`run.online_checks.config.http`): `urls` (list) and/or `url`; `expected_status` (a code or a
/// list: anything else is an error); `method` (`GET` or `HEAD`, default GET); `headers` (a mapping; values are
/// never reported); `verify_tls` (default true); `ca_file` (relative to the manifest's folder);
/// `timeout_seconds`. Without `expected_status`: 1xx–3xx pass, 4xx pass with a warning (the service answers,
/// the path or credentials may be wrong), 5xx and no answer fail.
struct HTTPCheck: BuiltinCheck {
    let name = "http"
    let summary = "HTTP(S) status and latency of URLs (libcurl, loaded on first use)"

    func applies(_ request: CheckRequest) -> (applies: Bool, reason: String) {
        request.strings("urls", "url").isEmpty
            ? (false, "no url or urls in run.online_checks.config.http") : (true, "urls configured")
    }

    func run(_ request: CheckRequest) async -> CheckOutcome {
        let urls = request.strings("urls", "url")
        guard !urls.isEmpty else { return .notConfigured("set url or urls in run.online_checks.config.http") }
        let settings: Settings
        switch Settings.read(request) {
        case .success(let read): settings = read
        case .failure(let problem): return CheckOutcome(ok: false, errors: [problem.message])
        }
        let probes = await withTaskGroup(of: (Int, Probe).self) { group in
            for (index, url) in urls.enumerated() {
                group.addTask { (index, await Self.probe(url, settings: settings)) }
            }
            var collected: [(Int, Probe)] = []
            for await probe in group { collected.append(probe) }
            return collected.sorted { $0.0 < $1.0 }.map(\.1)
        }
        if let missing = probes.first(where: { $0.missingLibrary != nil })?.missingLibrary {
            return .dependencyMissing(missing, details: ["timeout_seconds": .double(settings.timeoutSeconds)])
        }
        let errors = probes.compactMap(\.error)
        return CheckOutcome(
            ok: errors.isEmpty, errors: errors, warnings: probes.compactMap(\.warning),
            details: [
                "attempted": true, "timeout_seconds": .double(settings.timeoutSeconds),
                "results": .array(probes.map(\.json)),
            ])
    }

    /// The settings shared by every URL.
    struct Settings: Sendable {
        var method: String
        var headers: [(String, String)]
        var expected: Set<Int>?
        var verifyTLS: Bool
        var caFile: String?
        var timeoutSeconds: Double

        struct Problem: Error {
            var message: String
        }

        static func read(_ request: CheckRequest) -> Result<Settings, Problem> {
            let method = (request.string("method") ?? "GET").uppercased()
            guard method == "GET" || method == "HEAD" else {
                return .failure(Problem(message: "method must be GET or HEAD, not \(method)"))
            }
            var expected: Set<Int>?
            if let code = request.config["expected_status"]?.intValue {
                expected = [code]
            } else if let codes = request.config["expected_status"]?.arrayValue {
                expected = Set(codes.compactMap(\.intValue))
                guard expected?.count == codes.count else {
                    return .failure(Problem(message: "expected_status must be a status code or a list of codes"))
                }
            } else if request.has("expected_status") {
                return .failure(Problem(message: "expected_status must be a status code or a list of codes"))
            }
            let headers = (request.config["headers"]?.objectValue ?? JSONObject()).compactMap { key, value in
                value.stringValue.map { (key, $0) }
            }
            return .success(
                Settings(
                    method: method, headers: headers, expected: expected,
                    verifyTLS: request.config["verify_tls"]?.boolValue ?? true,
                    caFile: request.string("ca_file").map(request.absolutePath), timeoutSeconds: request.timeoutSeconds)
            )
        }
    }

    /// What one URL gave.
    struct Probe: Sendable {
        var json: JSONValue
        var error: String?
        var warning: String?
        var missingLibrary: String?
    }

    static func probe(_ url: String, settings: Settings) async -> Probe {
        // Shown without user info or secret query parameters, and followed by a space in messages so that a
        // second redaction pass cannot swallow what comes after it.
        let shown = Redactor().redact(text: url)
        var result: JSONObject = ["url": .string(shown)]
        do throws(HTTPClientError) {
            let response = try await HTTPClient.send(
                method: settings.method, url: url, headers: settings.headers, timeoutSeconds: settings.timeoutSeconds,
                verifyTLS: settings.verifyTLS, caFile: settings.caFile, maxBodyBytes: 64 << 10)
            let status = response.status
            result["status"] = .int(status)
            result["latency_ms"] = .double(response.elapsedMilliseconds.rounded3)
            var probe = Probe(json: .null)
            if let expected = settings.expected {
                if !expected.contains(status) {
                    let list = expected.sorted().map(String.init).joined(separator: ", ")
                    probe.error = "\(settings.method) \(shown) answered \(status), expected \(list)"
                }
            } else if status >= 500 || status < 100 {
                probe.error = "\(settings.method) \(shown) answered \(status)"
            } else if status >= 400 {
                probe.warning = "\(settings.method) \(shown) answered \(status)"
            }
            result["ok"] = .bool(probe.error == nil)
            probe.json = .object(result)
            return probe
        } catch {
            result["ok"] = false
            result["error"] = .string(error.description)
            if error.kind == .libraryMissing {
                return Probe(json: .object(result), missingLibrary: error.message)
            }
            return Probe(json: .object(result), error: "\(settings.method) \(shown) failed: \(error.description)")
        }
    }
}
