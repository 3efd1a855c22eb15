import DltafJSON
import DltafTestSupport
import Foundation
import Testing

/// Secrets a scenario plants, and every form in which they must not appear.
struct Canaries {
    /// `source.api_token` in the manifest.
    let token = "CANARY-\(UUID().uuidString)"
    /// `source.password` in the manifest.
    let password: String
    /// A credential the manifest does not know: only the patterns (Bearer, Basic, URL user info,
    /// `password=...`) can hide it.
    let stranger = "STRANGER\(UUID().uuidString.replacingOccurrences(of: "-", with: ""))"

    /// By default the password holds characters that URL encoding changes (`/`, space, `@`, `+`).
    init(password: String = "S3cr/t p@ss+\(UUID().uuidString.prefix(8))") {
        self.password = password
    }

    /// `source:` YAML holding the two manifest secrets.
    var sourceYAML: String {
        "api_token: \(token)\npassword: \(JSONValue.string(password).jsonText)"
    }

    /// Every string that would reveal a secret.
    var forbidden: [String] {
        var forms: [String] = []
        for secret in [token, password] {
            forms.append(secret)
            let base64 = Data(secret.utf8).base64EncodedString()
            let unpadded = base64.trimmingCharacters(in: CharacterSet(charactersIn: "="))
            forms += [base64, unpadded]
            forms.append(unpadded.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"))
            // RFC 3986 (Python's quote(s, safe=""), JavaScript's encodeURIComponent), form encoding (Python's
            // quote_plus, HTML forms), and Foundation's most eager form.
            var unreserved = CharacterSet(charactersIn: "-._~")
            unreserved.formUnion(.alphanumerics)
            let rfc3986 = secret.addingPercentEncoding(withAllowedCharacters: unreserved) ?? secret
            forms.append(rfc3986)
            forms.append(rfc3986.replacingOccurrences(of: "%20", with: "+"))
            forms.append(secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? secret)
        }
        forms.append(stranger)
        forms.append(Data("svc:\(stranger)".utf8).base64EncodedString())
        return Array(Set(forms))
    }

    /// Python that builds `echo`: one line with both manifest secrets in every form of `encodings` (Python
    /// expressions of `secret`), as a Bearer credential and as URL user info, and the stranger credential as
    /// Bearer, Basic, URL user info and a `password=` pair.
    func pythonEcho(
        encodings: [String] = [
            "secret", "base64.b64encode(secret.encode()).decode()", "urllib.parse.quote(secret, safe='')",
        ]
    ) -> String {
        """
        TOKEN = \(JSONValue.string(token).jsonText)
        PASSWORD = \(JSONValue.string(password).jsonText)
        STRANGER = \(JSONValue.string(stranger).jsonText)
        def forms(secret):
            return " ".join("form=" + encoded for encoded in [\(encodings.joined(separator: ", "))])
        echo = " | ".join([
            forms(TOKEN), forms(PASSWORD),
            "Authorization: Bearer " + TOKEN, "https://u:" + TOKEN + "@db.example.com/x",
            "Authorization: Bearer " + STRANGER,
            "Authorization: Basic " + base64.b64encode(("svc:" + STRANGER).encode()).decode(),
            "https://svc:" + STRANGER + "@db.example.com/x", "password=" + STRANGER,
        ])
        """
    }

    /// The forbidden strings found in `text`.
    func leaks(in text: String) -> [String] {
        forbidden.filter { text.contains($0) }
    }
}

@Suite("fault injection: a plugin echoing secrets; none reach any output")
struct RedactionTests {
    @Test(
        "22a. secrets echoed in log, stderr, message, warnings, payload and state are redacted everywhere",
        .timeLimit(.minutes(1)))
    func echoedSecrets() async throws {
        let scenario = try Scenario()
        defer { scenario.remove() }
        let canaries = Canaries()
        try FaultPlugin(
            atStart: canaries.pythonEcho(),
            onRun: """
                received = params["manifest"]["source"]["api_token"]
                record("received.txt", "yes" if received == TOKEN else "no")
                notify("log", {"level": "warning", "message": "log: " + echo, "fields": {"credential": echo}})
                log("stderr: " + echo)
                time.sleep(0.3)  # let dltaf read the stderr line before the run ends (see scenario 19b)
                notify("state", {"state": {"cursor": echo, "auth": {"token": TOKEN}}, "request_id": i})
                answer(i, {"status": "success", "message": "message: " + echo, "warnings": ["warning: " + echo],
                           "payload": {"echo": echo, "list": [TOKEN, PASSWORD], "api_key": TOKEN}})
                """
        ).install(in: scenario.workspace)
        try scenario.manifest(source: canaries.sourceYAML)
        let outcome = try await scenario.run(fastFlags + ["--log-level", "debug"])
        let result = try await expectAftermath(scenario, outcome, status: 0, budget: 2)
        #expect(scenario.workspace.read("received.txt") == "yes\n", "the plugin got the real token")
        #expect(result["status"] == "success")
        // The echoes went through, redacted.
        #expect(result.text("message").hasPrefix("message: form=***redacted***"), "\(result.text("message"))")
        #expect(
            result["warnings"]?.arrayValue?.contains { $0.stringValue?.hasPrefix("warning: form=") == true } == true)
        #expect(outcome.stderr.contains("[fault.runner] log: form=***redacted***"), "\(outcome.stderrTail)")
        #expect(outcome.stderr.contains("[fault.runner] stderr: form=***redacted***"))
        #expect(result["state"]?["cursor"]?.stringValue?.contains("***redacted***") == true)
        #expect(result["runner"]?["outcome"]?["payload"] != nil, "the payload is kept: \(result["runner"] ?? .null)")
        for (name, text) in [
            ("stdout", outcome.stdout), ("stderr", outcome.stderr),
            ("result file", scenario.workspace.read("result.json")),
        ] {
            let leaks = canaries.leaks(in: text)
            #expect(leaks.isEmpty, "\(name) reveals \(leaks)")
        }
    }

    @Test(
        "22b. a JSON-RPC error whose message holds the secrets is redacted in the error and the logs",
        .timeLimit(.minutes(1)))
    func secretsInError() async throws {
        let scenario = try Scenario()
        defer { scenario.remove() }
        let canaries = Canaries()
        try FaultPlugin(
            atStart: canaries.pythonEcho(),
            onRun: """
                log("about to fail with " + echo)
                time.sleep(0.3)  # stdout and stderr are separate pipes: let the stderr line arrive first
                error(i, -32000, "authentication failed: " + echo,
                      {"category": "AUTH", "code": "bad_token", "retryable": False, "token": TOKEN})
                """
        ).install(in: scenario.workspace)
        try FaultPlugin.auditHooks(in: scenario.workspace)
        try scenario.manifest(source: canaries.sourceYAML, run: FaultManifest.auditHook)
        let outcome = try await scenario.run(fastFlags + ["--log-level", "debug"])
        let result = try await expectAftermath(scenario, outcome, status: 1, budget: 2, minimumPids: 2)
        #expect(result["status"] == "failed")
        #expect(result["error"]?["category"] == "AUTH")
        #expect(result["error"]?["code"] == "bad_token")
        let message = result["error"]?.text("message") ?? ""
        #expect(
            message.contains("plugin fault.runner failed runner/run: authentication failed: form=***redacted***"),
            "\(message)")
        #expect(message.contains("about to fail with form=***redacted***"), "the stderr tail, redacted")
        #expect(scenario.workspace.read("hooks.log").contains("audit:on_error"))
        for (name, text) in [
            ("stdout", outcome.stdout), ("stderr", outcome.stderr),
            ("result file", scenario.workspace.read("result.json")),
        ] {
            let leaks = canaries.leaks(in: text)
            #expect(leaks.isEmpty, "\(name) reveals \(leaks)")
        }
    }

    @Test(
        "22c. RFC 3986 and form-encoded (quote_plus) forms of a secret are redacted too",
        .timeLimit(.minutes(1)))
    func urlEncodedForms() async throws {
        let scenario = try Scenario()
        defer { scenario.remove() }
        // '-' and '.' are unreserved in RFC 3986 (kept by Python's quote and JavaScript's encodeURIComponent),
        // '/', '@', ' ' and '+' are not; form encoding writes the space as '+'.
        let canaries = Canaries(password: "db-pass.\(UUID().uuidString.prefix(8))/p@ss w+rd")
        try FaultPlugin(
            atStart: canaries.pythonEcho(encodings: [
                "urllib.parse.quote(secret, safe='')", "urllib.parse.quote_plus(secret)",
                "urllib.parse.urlencode({'password': secret})",
            ]),
            onRun: """
                notify("log", {"level": "warning", "message": "log: " + echo})
                log("stderr: " + echo)
                time.sleep(0.3)  # let dltaf read the stderr line before the run ends (see scenario 19b)
                answer(i, {"status": "success", "message": "message: " + echo})
                """
        ).install(in: scenario.workspace)
        try scenario.manifest(source: canaries.sourceYAML)
        let outcome = try await scenario.run(fastFlags)
        let result = try await expectAftermath(scenario, outcome, status: 0, budget: 2)
        #expect(result["status"] == "success")
        #expect(result.text("message").hasPrefix("message: form=***redacted***"), "\(result.text("message"))")
        #expect(outcome.stderr.contains("[fault.runner] log: form=***redacted***"))
        #expect(outcome.stderr.contains("[fault.runner] stderr: form=***redacted***"))
        for (name, text) in [
            ("stdout", outcome.stdout), ("stderr", outcome.stderr),
            ("result file", scenario.workspace.read("result.json")),
        ] {
            let leaks = canaries.leaks(in: text)
            #expect(leaks.isEmpty, "\(name) reveals \(leaks)")
        }
    }
}
