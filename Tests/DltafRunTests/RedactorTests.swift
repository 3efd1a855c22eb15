import DltafJSON
import DltafRun
import Foundation
import Testing

@Suite("one redactor: by key, by pattern, by value")
struct RedactorTests {
    static let hidden = Redactor.placeholder

    @Test("sensitive keys hide their whole value; flags and other keys stay")
    func byKey() {
        let value: JSONValue = [
            "password": "p4ss", "api_key": 12345, "credentials": ["user": "u", "pass": "x"], "host": "db",
            "token_required": true, "session": .null, "nested": [["client_secret": "abc"]],
        ]
        #expect(
            Redactor().redact(value)
                == [
                    "password": .string(Self.hidden), "api_key": .string(Self.hidden),
                    "credentials": .string(Self.hidden), "host": "db", "token_required": true, "session": .null,
                    "nested": [["client_secret": .string(Self.hidden)]],
                ])
    }

    @Test(
        "a key is a credential name by its words, not by a fragment inside an ordinary word",
        arguments: [
            ("db_password", true), ("apiToken", true), ("client-secret", true), ("API_KEY", true),
            ("privateKey", true), ("AWS_SECRET_ACCESS_KEY", true), ("PGPASSWORD", true), ("source.password", true),
            ("x-api-key", true), ("passwd", true), ("credentials", true), ("passed", false), ("bypass", false),
            ("tokens_count", false), ("secrets_ms", false), ("compass", false), ("keyboard", false),
            ("monkey", false), ("host", false), ("session_id", true), ("JSESSIONID", true),
            ("sessionid", true), ("session_timeout", false),
        ])
    func keyWords(key: String, sensitive: Bool) {
        #expect(Redactor.isSensitiveKey(key) == sensitive)
    }

    @Test("numbers and booleans under ordinary keys keep their value and type, in values and in text")
    func ordinaryNumbers() {
        let value: JSONValue = ["passed": 3, "bypass": true, "tokens_count": 12, "secrets_ms": 4.5, "failed": 0]
        #expect(Redactor().redact(value) == value)
        let text = #"passed=3 bypass=on {"compass": "north"} tokens_count=12"#
        #expect(Redactor().redact(text: text) == text)
    }

    @Test(
        "credential patterns in free text",
        arguments: [
            ("Authorization: Bearer abc.def-ghi_123", "Authorization: Bearer \(hidden)"),
            ("auth Basic dXNlcjpwYXNzd29yZA==", "auth Basic \(hidden)"),
            ("connect postgres://alice:s3cret@db:5432/x", "connect postgres://\(hidden)@db:5432/x"),
            ("GET /x?user=a&access_token=xyz123&page=2", "GET /x?user=a&access_token=\(hidden)&page=2"),
            ("password=hunter22 next", "password=\(hidden) next"),
            (#"{"api_key": "k-123456", "ok": true}"#, #"{"api_key": "\#(hidden)", "ok": true}"#),
            ("client_secret: abcdef, more", "client_secret: \(hidden), more"),
            ("nothing to see here: 42 rows", "nothing to see here: 42 rows"),
        ])
    func byPattern(input: String, expected: String) {
        #expect(Redactor().redact(text: input) == expected)
    }

    @Test("a known secret is scrubbed raw, URL-encoded and in base64, wherever it appears")
    func byValue() {
        let secret = "S3cr3t/with+sym=bols"
        let redactor = Redactor(secrets: [secret])
        let base64 = Data(secret.utf8).base64EncodedString()
        let urlEncoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let urlSafe = base64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .trimmingCharacters(in: CharacterSet(charactersIn: "="))
        for text in [
            "raw \(secret) end", "b64 \(base64) end", "url \(urlEncoded) end", "jwt-ish \(urlSafe) end",
        ] {
            let redacted = redactor.redact(text: text)
            #expect(!redacted.contains(secret) && !redacted.contains(base64) && !redacted.contains(urlEncoded))
            #expect(redacted.contains(Self.hidden), "\(redacted)")
        }
        #expect(redactor.redact(["message": .string("got \(secret)")]) == ["message": .string("got \(Self.hidden)")])
    }

    @Test("very short values are not scrubbed by value (they would match ordinary text)")
    func shortValues() {
        #expect(Redactor(secrets: ["abc"]).redact(text: "abc abc") == "abc abc")
    }

    @Test("secrets are collected under sensitive keys and from sensitive environment names, not from PWD or paths")
    func collection() {
        let manifest: JSONValue = [
            "source": ["api_token": "tok-1234", "host": "h"],
            "connections": ["destination": ["credentials": ["password": "pw-5678", "port": 9000]]],
        ]
        #expect(Set(Redactor.secrets(in: manifest)) == ["tok-1234", "pw-5678"])
        let environment = [
            "VAULT_TOKEN": "v-123456", "PWD": "/work", "OLDPWD": "/tmp", "PASSWORD_STORE_DIR": "/x", "HOME": "/root",
        ]
        #expect(Redactor.secrets(inEnvironment: environment) == ["v-123456"])
    }
}
