import DltafPluginHost
import DltafProtocol

/// Every runner kind, hook and check available to a run, and who provides each.
struct Catalog: Sendable {
    struct Entry: Sendable {
        var provider: Provider
        var description: String?
    }

    struct HookEntry: Sendable {
        var provider: Provider
        var events: [HookEvent]
        var description: String?
    }

    private(set) var runners: [String: Entry] = [:]
    private(set) var hooks: [String: HookEntry] = [:]
    private(set) var checks: [String: Entry] = [:]
    /// Names in the order they were added (built-ins first), for listings.
    private(set) var order: (runners: [String], hooks: [String], checks: [String]) = ([], [], [])

    /// Built-ins first, then each plugin's runners, hooks and checks for the registries that listed it.
    ///
    /// - Throws: a configuration `RunError` naming both providers of any name provided twice.
    static func build(builtins: [any BuiltinExtension], plugins: [PluginHandle]) throws(RunError) -> Catalog {
        var catalog = Catalog()
        var conflicts: [String] = []
        func add(_ provides: Provides, from provider: Provider, registries: Set<PluginRegistryKind>) {
            if registries.contains(.runners) {
                for runner in provides.runners {
                    if let existing = catalog.runners[runner.kind] {
                        conflicts.append(conflict("runner kind", runner.kind, existing.provider, provider))
                        continue
                    }
                    catalog.runners[runner.kind] = Entry(provider: provider, description: runner.description)
                    catalog.order.runners.append(runner.kind)
                }
            }
            if registries.contains(.hooks) {
                for hook in provides.hooks {
                    if let existing = catalog.hooks[hook.name] {
                        conflicts.append(conflict("hook", hook.name, existing.provider, provider))
                        continue
                    }
                    catalog.hooks[hook.name] = HookEntry(
                        provider: provider, events: hook.events, description: hook.description)
                    catalog.order.hooks.append(hook.name)
                }
            }
            if registries.contains(.checks) {
                for check in provides.checks {
                    if let existing = catalog.checks[check.name] {
                        conflicts.append(conflict("check", check.name, existing.provider, provider))
                        continue
                    }
                    catalog.checks[check.name] = Entry(provider: provider, description: check.description)
                    catalog.order.checks.append(check.name)
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
