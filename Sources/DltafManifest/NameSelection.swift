import DltafJSON

/// The `enable` / `disable` / `only` selection of `run.hooks` or `run.online_checks`.
public struct NameSelection: Sendable, Equatable {
    /// Names to add to the defaults, in order.
    public var enable: [String]
    /// Names to drop from the defaults.
    public var disable: [String]
    /// When present, exactly these names, in order.
    public var only: [String]?
    /// The manifest section (`["run", "hooks"]`), for locating unknown names.
    public var section: ManifestPath

    /// Reads the selection at `section` of `manifest`.
    public init(manifest: Manifest, section: ManifestPath) {
        self.section = section
        enable = manifest.stringList(at: section.appending("enable"))
        disable = manifest.stringList(at: section.appending("disable"))
        let onlyPath = section.appending("only")
        only = manifest.value(at: onlyPath).flatMap { $0.isNull ? nil : manifest.stringList(at: onlyPath) }
    }

    /// Creates a selection directly.
    public init(enable: [String] = [], disable: [String] = [], only: [String]? = nil, section: ManifestPath) {
        self.enable = enable
        self.disable = disable
        self.only = only
        self.section = section
    }

    /// The result of applying a selection.
    public struct Outcome: Sendable, Equatable {
        /// The selected names, in order, without repeats.
        public var selected: [String]
        /// Names the selection mentions that do not exist, with the path where each is written.
        public var unknown: [(name: String, path: ManifestPath)]

        public static func == (lhs: Outcome, rhs: Outcome) -> Bool {
            lhs.selected == rhs.selected && lhs.unknown.map(\.name) == rhs.unknown.map(\.name)
                && lhs.unknown.map(\.path) == rhs.unknown.map(\.path)
        }
    }

    /// Applies the selection: `only` if given, else the defaults minus `disable` plus `enable`.
    ///
    /// - Parameters:
    ///   - defaults: the names active when the manifest says nothing.
    ///   - available: every name that exists.
    public func apply(defaults: [String], available: Set<String>) -> Outcome {
        var unknown: [(String, ManifestPath)] = []
        func check(_ names: [String], key: String) {
            for (index, name) in names.enumerated() where !available.contains(name) {
                unknown.append((name, section.appending(key).appending(index: index)))
            }
        }
        var selected: [String] = []
        func add(_ name: String) {
            if available.contains(name), !selected.contains(name) { selected.append(name) }
        }
        if let only {
            check(only, key: "only")
            only.forEach(add)
        } else {
            check(enable, key: "enable")
            check(disable, key: "disable")
            defaults.filter { !disable.contains($0) }.forEach(add)
            enable.forEach(add)
        }
        return Outcome(selected: selected, unknown: unknown)
    }

    /// "did you mean" text for an unknown name.
    public static func hint(for name: String, in available: Set<String>) -> String {
        Suggestions.hint(for: name, in: available.sorted())
    }
}
