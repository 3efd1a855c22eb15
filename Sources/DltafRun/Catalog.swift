import DltafPluginHost
import DltafProtocol

/// Every runner kind, hook and check available to a run, and who provides each.
package struct Catalog: Sendable {
    package struct Entry: Sendable {
        package var provider: Provider
        package var description: String?
        /// The events a hook handles (empty for runners and checks).
        package var events: [HookEvent] = []
    }

    /// Names of one kind, in the order they were added (built-ins first), each provided once.
    package struct Registry: Sendable {
        package private(set) var names: [String] = []
        private var entries: [String: Entry] = [:]

        package subscript(name: String) -> Entry? { entries[name] }

        /// Every name, as a set.
        package var nameSet: Set<String> { Set(names) }

        /// Adds `entry` under `name`, or returns the entry already there.
        mutating func add(_ name: String, _ entry: Entry) -> Entry? {
            if let existing = entries[name] { return existing }
            entries[name] = entry
            names.append(name)
            return nil
        }
    }

    package private(set) var runners = Registry()
    package private(set) var hooks = Registry()
    package private(set) var checks = Registry()

    /// Built-ins first, then each plugin's runners, hooks and checks for the registries that listed it.
    ///
    /// - Throws: a configuration `RunError` naming both providers of any name provided twice.
    package static func build(builtins: [any BuiltinExtension], plugins: [PluginHandle]) throws(RunError) -> Catalog {
        var catalog = Catalog()
        var conflicts: [String] = []
        func add(_ what: String, _ name: String, _ entry: Entry, to registry: inout Registry) {
            if let existing = registry.add(name, entry) {
                conflicts.append(conflict(what, name, existing.provider, entry.provider))
            }
        }
        func add(_ provides: Provides, from provider: Provider, registries: Set<PluginRegistryKind>) {
            if registries.contains(.runners) {
                for runner in provides.runners {
                    add(
                        "runner kind", runner.kind, Entry(provider: provider, description: runner.description),
                        to: &catalog.runners)
                }
            }
            if registries.contains(.hooks) {
                for hook in provides.hooks {
                    let entry = Entry(provider: provider, description: hook.description, events: hook.events)
                    add("hook", hook.name, entry, to: &catalog.hooks)
                }
            }
            if registries.contains(.checks) {
                for check in provides.checks {
                    add(
                        "check", check.name, Entry(provider: provider, description: check.description),
                        to: &catalog.checks)
                }
            }
        }
        for builtin in builtins {
            add(builtin.provides, from: .builtin(builtin), registries: Set(PluginRegistryKind.allCases))
        }
        for plugin in plugins {
            add(plugin.handshake.provides, from: .plugin(plugin), registries: plugin.registries)
        }
        guard conflicts.isEmpty else {
            throw RunError(
                .config, code: "duplicate_provider", message: conflicts.joined(separator: "\n"),
                exitCode: .usageOrManifest)
        }
        return catalog
    }

    private static func conflict(_ what: String, _ name: String, _ first: Provider, _ second: Provider) -> String {
        "\(what) \"\(name)\" is provided twice: by \(first.origin) (\(first.location)) and by \(second.origin) "
            + "(\(second.location)); remove one of them from the plugin lists"
    }
}
