import Foundation

/// The names a generated plugin uses, all derived from its dotted spec.
struct PluginNames: Sendable {
    /// The spec's segments (`acme`, `export`, `orders`).
    let segments: [String]

    /// `acme.export.orders`.
    var spec: String { segments.joined(separator: ".") }
    /// The runner kind, hook name or check name: the last segment (`orders`).
    var name: String { segments.last ?? "plugin" }
    /// The plugin's identity in the handshake: the last segment with dashes (`customer_export` → `customer-export`).
    var pluginName: String { name.replacingOccurrences(of: "_", with: "-") }
    /// The folder under the plugin path: `acme/export/orders`.
    var folder: String { segments.joined(separator: "/") }
    /// The executable name on `PATH`: `dltaf-plugin-acme-export-orders`.
    var installedName: String { "dltaf-plugin-" + segments.joined(separator: "-") }
    /// A Swift module name: the segments in UpperCamelCase (`AcmeExportOrders`).
    var swiftTarget: String {
        let camel = segments.map { segment in
            segment.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        }.joined()
        let taken: Set = ["Foundation", "Dispatch", "Glibc", "Darwin", "Swift", "Testing", "Synchronization"]
        guard camel.first?.isLetter == true else { return "Plugin" + camel }
        return taken.contains(camel) || camel.hasPrefix("Dltaf") ? camel + "Plugin" : camel
    }
    /// A SwiftPM package name: the segments joined with dashes (`acme-export-orders`).
    var swiftPackage: String { segments.joined(separator: "-") }
    /// The example manifest's pipeline name: `dlt__orders__to__example__raw`.
    var pipelineName: String { "dlt__\(name)__to__example__raw" }
    /// The example manifest's file name, which `manifest lint` requires to be its pipeline name.
    var manifestFile: String { pipelineName + ".yaml" }
    /// An environment variable named after the plugin (`ORDERS_EVENTS`), used by the hook example.
    var eventsVariable: String { name.uppercased() + "_EVENTS" }
}
