/// Which mapping keys and `key=value` names name a credential.
///
/// A key is split into words on its snake_case, kebab-case, dotted and camelCase boundaries (and between letters
/// and digits); it is sensitive when one word is a credential word (`db_password`, `apiToken`, `client-secret`),
/// two adjacent words form a credential compound (`api_key`, `privateKey`, `session_id`), or the
/// whole key is a known run-together name (`apikey`, `PGPASSWORD`). Ordinary words that merely contain a
/// fragment are not: `passed`, `bypass`, `tokens_count` and `secrets_ms` are not credentials.
enum SensitiveKeys {
    /// Words that make a key sensitive wherever they stand in it.
    static let words: Set<String> = [
        "password", "passwd", "passphrase", "pass", "pwd", "secret", "token", "bearer", "authorization", "cookie",
        "credential", "credentials", "signature", "sig", "apikey",
    ]

    /// Adjacent words that together name a credential (`api_key`, `privateKey`, `SESSION_ID`, ...); alone,
    /// `key`, `id` and `session` are ordinary words (`session_timeout` is not a secret).
    static let compounds: Set<[String]> = [
        ["api", "key"], ["private", "key"], ["ssl", "key"], ["access", "key"], ["signing", "key"],
        ["encryption", "key"], ["master", "key"], ["session", "key"], ["session", "id"],
    ]

    /// Whole keys, lowercased, that run their words together.
    static let runTogether: Set<String> = [
        "apikey", "pgpassword", "mysqlpwd", "accesstoken", "refreshtoken", "authtoken", "privatekey",
        "clientsecret", "sessionid", "jsessionid", "phpsessid",
    ]

    /// Whether `key` names a credential.
    static func contains(_ key: String) -> Bool {
        if runTogether.contains(key.lowercased()) { return true }
        let parts = split(key)
        if parts.contains(where: words.contains) { return true }
        return zip(parts, parts.dropFirst()).contains { first, second in compounds.contains([first, second]) }
    }

    /// The lowercased words of `key`: `apiToken` → `api`, `token`; `DB_PASSWORD` → `db`, `password`;
    /// `HTTPHeaders` → `http`, `headers`.
    static func split(_ key: String) -> [String] {
        var parts: [String] = []
        var current: [Character] = []
        let characters = Array(key)
        func flush() {
            if !current.isEmpty { parts.append(String(current).lowercased()) }
            current = []
        }
        for (index, character) in characters.enumerated() {
            guard character.isLetter || character.isNumber else {
                flush()
                continue
            }
            if let previous = current.last {
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                let humpStart = previous.isLowercase && character.isUppercase
                let acronymEnd = previous.isUppercase && character.isUppercase && next?.isLowercase == true
                let digitEdge = previous.isNumber != character.isNumber
                if humpStart || acronymEnd || digitEdge { flush() }
            }
            current.append(character)
        }
        flush()
        return parts
    }
}
