/// Finds passwords in libpq connection strings and removes secrets from messages.
enum ConninfoSecrets {
    /// The passwords in `conninfo`: `password=...` (quoted or not) and the password of a URI's user info.
    static func passwords(in conninfo: String) -> [String] {
        var found: [String] = []
        if let schemeEnd = conninfo.firstRange(of: "://") {
            let rest = conninfo[schemeEnd.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            if let at = authority.lastIndex(of: "@") {
                let userInfo = authority[..<at]
                if let colon = userInfo.firstIndex(of: ":") {
                    found.append(String(userInfo[userInfo.index(after: colon)...]))
                }
            }
            if let query = rest.firstIndex(of: "?") {
                for pair in rest[rest.index(after: query)...].split(separator: "&") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    if parts.count == 2, parts[0].lowercased() == "password" { found.append(String(parts[1])) }
                }
            }
            return found.filter { !$0.isEmpty }
        }
        var remaining = Substring(conninfo)
        while let range = remaining.firstRange(of: "password") {
            var cursor = remaining[range.upperBound...].drop { $0 == " " }
            remaining = remaining[range.upperBound...]
            guard cursor.first == "=" else { continue }
            cursor = cursor.dropFirst().drop { $0 == " " }
            if cursor.first == "'" {
                var value = ""
                var escaped = false
                for character in cursor.dropFirst() {
                    if escaped {
                        value.append(character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "'" {
                        break
                    } else {
                        value.append(character)
                    }
                }
                found.append(value)
            } else {
                found.append(String(cursor.prefix { $0 != " " }))
            }
        }
        return found.filter { !$0.isEmpty }
    }

    /// `message` with every secret (longest first) replaced by `***`.
    static func scrub(_ message: String, secrets: [String]) -> String {
        var result = message
        for secret in secrets.sorted(by: { $0.count > $1.count }) where !secret.isEmpty {
            result = result.replacing(secret, with: "***")
        }
        return result
    }
}
