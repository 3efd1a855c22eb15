import DltafJSON
import Foundation

/// The environment contracts of source connections (`connections.source.kind`).
enum SourceEnvironment {
    /// `oracle`, `postgres`, `sql` → `SOURCES__SQL_DATABASE__CREDENTIALS__*`. Needs drivername, host, username
    /// and password; a `sqlite` driver needs only database (the file).
    static func sqlDatabase(_ secret: SecretPayload) throws(BuildError) -> [EnvironmentVariable] {
        let prefix = "SOURCES__SQL_DATABASE__CREDENTIALS__"
        let driver = secret.text("drivername", "driver")
        let host = secret.text("host", "hostname")
        let port = try secret.integer("port", "port", fallback: 0)
        let username = secret.text("username", "user", "login")
        let password = secret.text("password", "pass")
        let database = secret.text("database", "schema")
        let dsn = secret.text("dsn")
        guard !driver.isEmpty else {
            throw BuildError("the SQL secret must contain 'drivername' (or set it in overrides)")
        }
        // A SQLite file has no server: its path (`database`) is all it needs.
        if driver.lowercased().hasPrefix("sqlite") {
            guard !database.isEmpty else { throw BuildError("the SQLite secret must contain 'database' (the file)") }
            return [
                EnvironmentVariable(prefix + "DRIVERNAME", driver), EnvironmentVariable(prefix + "DATABASE", database),
            ]
        }
        guard !host.isEmpty else { throw BuildError("the SQL secret must contain 'host'") }
        guard !username.isEmpty, !password.isEmpty else {
            throw BuildError("the SQL secret must contain 'username' and 'password'")
        }
        var variables = [
            EnvironmentVariable(prefix + "DRIVERNAME", driver), EnvironmentVariable(prefix + "HOST", host),
            EnvironmentVariable(prefix + "USERNAME", username),
            EnvironmentVariable(prefix + "PASSWORD", password, secret: true),
        ]
        if port != 0 { variables.append(EnvironmentVariable(prefix + "PORT", String(port))) }
        if !database.isEmpty { variables.append(EnvironmentVariable(prefix + "DATABASE", database)) }
        if !dsn.isEmpty { variables.append(EnvironmentVariable(prefix + "DSN", dsn, secret: true)) }
        return variables
    }

    /// `mongodb`, `mongo` → `SOURCES__MONGODB__CONNECTION_URL`: the secret's URL, or one built from host, port,
    /// user, password and database (credentials URL-quoted); `directConnection=true` is added when absent.
    static func mongoDB(_ secret: SecretPayload) throws(BuildError) -> [EnvironmentVariable] {
        var url = secret.text("connection_url", "connectionUrl", "uri", "url")
        if url.isEmpty {
            let host = secret.text("host")
            guard !host.isEmpty else {
                throw BuildError(
                    "the MongoDB secret must contain 'connection_url' (or 'uri'/'url') or at least 'host' "
                        + "(and optionally port, user, password, database)")
            }
            let portValue = secret.first("port")
            let port = portValue.map(SecretPayload.text(of:)).flatMap { $0.isEmpty || $0 == "0" ? nil : $0 } ?? "27017"
            let user = secret.text("user", "username")
            let password = secret.text("password", "pass")
            let database = secret.text("database")
            if !user.isEmpty, !password.isEmpty {
                url = "mongodb://\(quotePlus(user)):\(quotePlus(password))@\(host):\(port)"
            } else {
                url = "mongodb://\(host):\(port)"
            }
            if !database.isEmpty { url += "/" + database }
        }
        let lowered = url.lowercased()
        if !lowered.contains("?directconnection="), !lowered.contains("&directconnection=") {
            url += (url.contains("?") ? "&" : "?") + "directConnection=true"
        }
        return [EnvironmentVariable("SOURCES__MONGODB__CONNECTION_URL", url, secret: true)]
    }

    /// `keycloak` → `SOURCES__KEYCLOAK__*`. Needs token_url and client_id.
    static func keycloak(_ secret: SecretPayload) throws(BuildError) -> [EnvironmentVariable] {
        let prefix = "SOURCES__KEYCLOAK__"
        let tokenURL = secret.text("token_url", "tokenUrl", "url")
        let clientID = secret.text("client_id", "clientId")
        let clientSecret = secret.text("client_secret", "clientSecret")
        let username = secret.text("username", "user")
        let password = secret.text("password", "pass")
        let grantType = secret.text("grant_type", "grantType")
        let scope = secret.text("scope")
        let verify = SecretPayload.bool(secret.first("verify_ssl", "verifySsl", "verify"), fallback: true)
        let timeout = try secret.integer("timeout_seconds", "timeout_seconds", "timeoutSeconds", fallback: 30)
        guard !tokenURL.isEmpty else { throw BuildError("the Keycloak secret must contain 'token_url'") }
        guard !clientID.isEmpty else { throw BuildError("the Keycloak secret must contain 'client_id'") }
        var variables = [
            EnvironmentVariable(prefix + "TOKEN_URL", tokenURL), EnvironmentVariable(prefix + "CLIENT_ID", clientID),
            EnvironmentVariable(prefix + "GRANT_TYPE", grantType.isEmpty ? "password" : grantType),
            EnvironmentVariable(prefix + "SCOPE", scope.isEmpty ? "openid" : scope),
            EnvironmentVariable(prefix + "VERIFY_SSL", verify ? "1" : "0"),
            EnvironmentVariable(prefix + "TIMEOUT_SECONDS", String(timeout == 0 ? 30 : timeout)),
        ]
        if !clientSecret.isEmpty {
            variables.append(EnvironmentVariable(prefix + "CLIENT_SECRET", clientSecret, secret: true))
        }
        if !username.isEmpty { variables.append(EnvironmentVariable(prefix + "USERNAME", username)) }
        if !password.isEmpty { variables.append(EnvironmentVariable(prefix + "PASSWORD", password, secret: true)) }
        return variables
    }

    /// Python's `urllib.parse.quote_plus`: everything but letters, digits and `_.-~` percent-encoded, spaces as `+`.
    static func quotePlus(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~ ")
        let encoded = text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
        return encoded.replacingOccurrences(of: " ", with: "+")
    }
}
