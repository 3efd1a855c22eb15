/// Airflow Variables as Airflow hands them to processes: environment variables `AIRFLOW_VAR_<NAME>` (Airflow's
/// environment-variables secrets backend, checked before its database).
///
/// dltaf reads only these: it does not talk to Airflow's metadata database.
public struct AirflowVariables: Sendable {
    private let environment: [String: String]

    /// Variables visible in `environment`.
    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// The environment variable holding Variable `name` (Airflow upper-cases the name).
    public static func environmentName(of name: String) -> String {
        "AIRFLOW_VAR_" + name.uppercased()
    }

    /// The Variable's value; nil when it is unset or blank.
    public func value(_ name: String) -> String? {
        guard let value = environment[Self.environmentName(of: name)],
            !value.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        else { return nil }
        return value
    }
}
