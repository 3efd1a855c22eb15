/// The three plugin registries and where each takes its specs from.
public enum PluginRegistryKind: String, Sendable, CaseIterable {
    /// Runners, keyed by `source.kind`.
    case runners
    /// Hooks, keyed by name.
    case hooks
    /// Infra checks, keyed by name.
    case checks

    /// The environment variable listing extra specs.
    public var environmentVariable: String {
        switch self {
        case .runners: return "DLT_RUNNER_PLUGINS"
        case .hooks: return "DLT_HOOK_PLUGINS"
        case .checks: return "DLT_INFRA_CHECK_PLUGINS"
        }
    }

    /// The manifest key listing extra specs.
    public var manifestKey: String {
        switch self {
        case .runners: return "run.runners.plugins"
        case .hooks: return "run.hooks.plugins"
        case .checks: return "run.online_checks.plugins"
        }
    }
}

/// Where a spec came from, for listings and error messages.
public enum SpecOrigin: Sendable, Hashable, CustomStringConvertible {
    /// From an environment variable.
    case environment(String)
    /// From a manifest key.
    case manifest(String)
    /// From the command line.
    case commandLine

    public var description: String {
        switch self {
        case .environment(let variable): return "env:\(variable)"
        case .manifest(let key): return "manifest:\(key)"
        case .commandLine: return "command line"
        }
    }
}

/// A spec with its origin.
public struct SpecEntry: Sendable, Hashable {
    /// The parsed spec.
    public var spec: PluginSpec
    /// Where it was listed.
    public var origin: SpecOrigin

    /// Creates an entry.
    public init(spec: PluginSpec, origin: SpecOrigin) {
        self.spec = spec
        self.origin = origin
    }
}

/// Builds the ordered, de-duplicated spec list of one registry.
public enum PluginSpecList {
    /// Splits an environment value on `,`, `;` and newlines, dropping blanks.
    public static func split(environmentValue value: String) -> [String] {
        value.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "\n" || $0 == "\r\n" })
            .map { $0.trimmingWhitespace() }
            .filter { !$0.isEmpty }
    }

    /// Merges environment specs, then manifest specs; the first occurrence of a spec wins.
    ///
    /// - Throws: `PluginSpec.Invalid` for the first malformed spec.
    public static func merge(
        kind: PluginRegistryKind, environmentValue: String?, manifestSpecs: [String]
    ) throws(PluginSpec.Invalid) -> [SpecEntry] {
        var entries: [SpecEntry] = []
        var seen: Set<PluginSpec> = []
        let environment = split(environmentValue: environmentValue ?? "")
        for text in environment {
            let spec = try PluginSpec(parsing: text)
            if seen.insert(spec).inserted {
                entries.append(SpecEntry(spec: spec, origin: .environment(kind.environmentVariable)))
            }
        }
        for text in manifestSpecs where !text.trimmingWhitespace().isEmpty {
            let spec = try PluginSpec(parsing: text)
            if seen.insert(spec).inserted {
                entries.append(SpecEntry(spec: spec, origin: .manifest(kind.manifestKey)))
            }
        }
        return entries
    }
}
