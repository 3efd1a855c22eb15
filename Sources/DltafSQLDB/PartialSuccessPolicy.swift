public import DltafJSON

/// `run.partial_success` (the Python dltaf's rules): which per-table failures a catalog run tolerates, and when the
/// tables that did load make the run `partial_success` rather than `failed`.
public struct PartialSuccessPolicy: Sendable, Equatable {
    /// When the loaded tables are enough.
    public enum Mode: String, Sendable {
        /// At least one table loaded.
        case anySuccess = "any_success"
        /// No table of `criticalTables` failed.
        case criticalTables = "critical_tables"
        /// `minSuccessTables` and/or `minSuccessRatio` reached.
        case threshold
    }

    /// Which failures are tolerated (the others fail the run at once).
    public enum Tolerance: String, Sendable {
        /// Every per-table failure.
        case anyPerTable = "any_per_table"
        /// Failures while reading the source (not while loading into the destination).
        case sourceOnly = "source_only"
        /// Only a table that does not exist.
        case missingTableOnly = "missing_table_only"
    }

    /// Where a table failed.
    public enum Stage: String, Sendable {
        case source, load
    }

    public var mode: Mode
    public var tolerance: Tolerance
    public var criticalTables: Set<String>
    public var minSuccessTables: Int?
    public var minSuccessRatio: Double?

    /// Reads the block.
    public init(_ value: JSONValue) throws(SQLDBConfigurationError) {
        let path = "run.partial_success"
        guard let block = value.objectValue else { throw SQLDBConfigurationError(path, "must be a mapping") }
        guard let mode = Mode(rawValue: block["mode"]?.stringValue ?? "any_success") else {
            throw SQLDBConfigurationError(path + ".mode", "must be any_success, critical_tables or threshold")
        }
        guard let tolerance = Tolerance(rawValue: block["tolerate_errors"]?.stringValue ?? "source_only") else {
            throw SQLDBConfigurationError(
                path + ".tolerate_errors", "must be any_per_table, source_only or missing_table_only")
        }
        self.mode = mode
        self.tolerance = tolerance
        criticalTables = Set((block["critical_tables"]?.arrayValue ?? []).compactMap(\.stringValue))
        minSuccessTables = block["min_success_tables"]?.intValue
        minSuccessRatio = block["min_success_ratio"]?.doubleValue
        if mode == .criticalTables, criticalTables.isEmpty {
            throw SQLDBConfigurationError(path + ".critical_tables", "mode critical_tables needs critical_tables")
        }
        if mode == .threshold, minSuccessTables == nil, minSuccessRatio == nil {
            throw SQLDBConfigurationError(
                path, "mode threshold needs min_success_tables or min_success_ratio")
        }
    }

    /// Whether a table's failure lets the run go on.
    public func tolerates(stage: Stage, missingTable: Bool) -> Bool {
        switch tolerance {
        case .anyPerTable: return true
        case .sourceOnly: return stage == .source
        case .missingTableOnly: return missingTable
        }
    }

    /// The run's verdict once every table was tried: nil when the loaded tables are enough (the run is
    /// `partial_success`, or `success` when none failed), else why it failed.
    public func verdict(loaded: [String], failed: [String]) -> String? {
        let total = loaded.count + failed.count
        switch mode {
        case .anySuccess:
            return loaded.isEmpty ? "zero tables loaded" : nil
        case .criticalTables:
            let critical = failed.filter(criticalTables.contains)
            return critical.isEmpty ? nil : "critical table(s) failed: " + critical.sorted().joined(separator: ", ")
        case .threshold:
            if let minimum = minSuccessTables, loaded.count < minimum {
                return "\(loaded.count) table(s) loaded, fewer than min_success_tables \(minimum)"
            }
            if let ratio = minSuccessRatio, total > 0, Double(loaded.count) / Double(total) < ratio {
                return "\(loaded.count)/\(total) table(s) loaded, below min_success_ratio \(ratio)"
            }
            return nil
        }
    }
}
