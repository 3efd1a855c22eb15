import DltafManifest

/// Names in `run.hooks` or `run.online_checks` that nothing provides: one rule for runs, `infra-checks` and
/// `manifest lint`.
package enum UnknownNames {
    /// The two selection sections.
    package enum Section {
        case hooks, onlineChecks

        var path: ManifestPath { self == .hooks ? ["run", "hooks"] : ["run", "online_checks"] }
        var code: String { self == .hooks ? "hook.unknown" : "check.unknown" }
        var what: String { self == .hooks ? "hook" : "online check" }
        /// The Python dltaf's built-in names of this section.
        var pythonBuiltins: Set<String> { self == .hooks ? CompatibilityNames.hooks : CompatibilityNames.checks }
    }

    /// `unknown` without the Python dltaf's built-in names listed under `disable` (nothing to disable here).
    package static func relevant(_ unknown: [(name: String, path: ManifestPath)], in section: Section) -> [(
        name: String, path: ManifestPath
    )] {
        unknown.filter { !CompatibilityNames.isDisabledPythonBuiltin($0, in: section.pythonBuiltins) }
    }

    /// A located error for each relevant unknown name, with a suggestion and the names that exist.
    package static func findings(
        _ unknown: [(name: String, path: ManifestPath)], in section: Section, of manifest: Manifest,
        available: Set<String>
    ) -> [ManifestDiagnostic] {
        relevant(unknown, in: section).map { unknown in
            if section.pythonBuiltins.contains(unknown.name) {
                return manifest.diagnostic(
                    section.code,
                    "\(section.what) \"\(unknown.name)\" is built into the Python dltaf, not into dltaf; provide it "
                        + "as a plugin (\(section.path).plugins) or remove it", at: unknown.path)
            }
            let pluginHint =
                section == .hooks ? " (plugin hooks must be listed in run.hooks.plugins or DLT_HOOK_PLUGINS)" : ""
            return manifest.diagnostic(
                section.code,
                "unknown \(section.what) \"\(unknown.name)\"\(NameSelection.hint(for: unknown.name, in: available)); "
                    + "available: \(available.sorted().joined(separator: ", "))\(pluginHint)", at: unknown.path)
        }
    }

    /// The findings for both sections of `manifest`, given the names that exist.
    package static func findings(in manifest: Manifest, hooks: Set<String>, checks: Set<String>) -> [ManifestDiagnostic]
    {
        [(Section.hooks, hooks), (Section.onlineChecks, checks)].flatMap { section, available in
            let selection = NameSelection(manifest: manifest, section: section.path)
            return findings(
                selection.apply(defaults: [], available: available).unknown, in: section, of: manifest,
                available: available)
        }
    }
}
