extension SourceConnection {
    /// The MySQL/MariaDB source.
    static func openMySQL(_ value: (String) -> String?) throws(SQLSourceError) -> any SQLSource {
        throw SQLSourceError(.dependency, "MySQL/MariaDB sources are not built yet")
    }
}
