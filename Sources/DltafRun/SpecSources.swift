import DltafManifest
import DltafPluginHost

/// The plugin specs of the three registries: from `DLT_*_PLUGINS`, then from the manifest's `run.*.plugins`.
package enum SpecSources {
    /// A malformed spec, with where it was written.
    package struct Failure: Error {
        package var kind: PluginRegistryKind
        package var invalid: PluginSpec.Invalid
        /// True when the spec came from the manifest, false when from the environment variable.
        package var inManifest: Bool
    }

    /// The manifest path of a registry's `plugins` list (`run.hooks.plugins`).
    package static func manifestPath(of kind: PluginRegistryKind) -> ManifestPath {
        ManifestPath(kind.manifestKey.split(separator: ".").map { .key(String($0)) })
    }

    /// Each registry's specs, environment first, de-duplicated.
    package static func lists(manifest: Manifest?, environment: [String: String], includeEnvironment: Bool)
        throws(Failure)
        -> [PluginRegistryKind: [SpecEntry]]
    {
        var lists: [PluginRegistryKind: [SpecEntry]] = [:]
        for kind in PluginRegistryKind.allCases {
            let manifestSpecs = manifest?.stringList(at: manifestPath(of: kind)) ?? []
            do {
                lists[kind] = try PluginSpecList.merge(
                    kind: kind, environmentValue: includeEnvironment ? environment[kind.environmentVariable] : nil,
                    manifestSpecs: manifestSpecs)
            } catch {
                throw Failure(kind: kind, invalid: error, inManifest: manifestSpecs.contains(error.spec))
            }
        }
        return lists
    }

    /// Every distinct spec in order of first appearance, with the registries that list it.
    package static func distinct(_ lists: [PluginRegistryKind: [SpecEntry]]) -> [(
        spec: PluginSpec, registries: Set<PluginRegistryKind>
    )] {
        var result: [(spec: PluginSpec, registries: Set<PluginRegistryKind>)] = []
        for kind in PluginRegistryKind.allCases {
            for entry in lists[kind] ?? [] {
                if let index = result.firstIndex(where: { $0.spec == entry.spec }) {
                    result[index].registries.insert(kind)
                } else {
                    result.append((entry.spec, [kind]))
                }
            }
        }
        return result
    }
}
