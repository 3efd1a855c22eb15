extension SourceConnection {
    /// The MySQL/MariaDB source (libmariadb).
    static func openMySQL(_ value: (String) -> String?) throws(SQLSourceError) -> any SQLSource {
        guard let host = value("HOST") else { throw SQLSourceError(.dependency, "the MySQL source needs host") }
        return try MariaDBSource(
            host: host, port: value("PORT").flatMap(Int.init) ?? 3306, user: value("USERNAME") ?? "",
            password: value("PASSWORD") ?? "", database: value("DATABASE") ?? "")
    }
}
