import DltafJSON
import DltafManifest
import DltafPluginHost
import Foundation

/// How one plugin is supervised: its limits, its call timeouts and what environment it is granted.
///
/// Defaults come from the command line (`--idle-timeout`, ...); `run.plugin_settings.<spec>` in the manifest
/// overrides them for one plugin:
///
/// ```yaml
/// run:
///   plugin_settings:
///     acme.export.runner: {idle_timeout_seconds: 600, env: {ACME_REGION: eu}, inherit_env: false}
/// ```
package struct PluginSettings: Sendable {
    package var limits: ConnectionLimits
    /// Limit for validate, hook and check calls.
    package var callTimeout: Duration?
    /// Limit for the runner's run (nil: only idle and absolute limits).
    package var runTimeout: Duration?
    /// Variables granted to this plugin.
    package var environment: [String: String] = [:]
    /// Pass dltaf's whole environment (explicit opt-in).
    package var inheritEnvironment = false

    /// The keys of `run.plugin_settings.<spec>`.
    package static let keys = [
        "startup_timeout_seconds", "call_timeout_seconds", "run_timeout_seconds", "idle_timeout_seconds",
        "max_call_seconds", "shutdown_grace_seconds", "cancel_grace_seconds", "max_line_bytes", "strict_protocol",
        "inherit_env", "env",
    ]

    /// The settings of every spec named under `run.plugin_settings`, on top of `defaults`.
    ///
    /// - Throws: located findings for unknown keys and values of the wrong type.
    package static func read(from manifest: Manifest, defaults: PluginSettings) throws(ManifestError) -> [String:
        PluginSettings]
    {
        let section: ManifestPath = ["run", "plugin_settings"]
        guard let value = manifest.value(at: section), !value.isNull else { return [:] }
        guard let entries = value.objectValue else {
            throw ManifestError(
                manifest.diagnostic(
                    "manifest.type", "run.plugin_settings must be a mapping of plugin spec: {settings}", at: section))
        }
        var result: [String: PluginSettings] = [:]
        var findings: [ManifestDiagnostic] = []
        for (spec, body) in entries {
            let path = section.appending(spec)
            guard let fields = body.objectValue else {
                findings.append(manifest.diagnostic("manifest.type", "\(path) must be a mapping of settings", at: path))
                continue
            }
            var settings = defaults
            for (key, field) in fields {
                let fieldPath = path.appending(key)
                func seconds() -> Duration? {
                    guard let number = field.doubleValue, number > 0 else {
                        findings.append(
                            manifest.diagnostic(
                                "manifest.type", "\(key) must be a positive number of seconds, got \(field.jsonText)",
                                at: fieldPath))
                        return nil
                    }
                    return .milliseconds(Int64(number * 1000))
                }
                switch key {
                case "startup_timeout_seconds": settings.limits.startup = seconds() ?? settings.limits.startup
                case "call_timeout_seconds": settings.callTimeout = seconds() ?? settings.callTimeout
                case "run_timeout_seconds": settings.runTimeout = seconds() ?? settings.runTimeout
                case "idle_timeout_seconds": settings.limits.idle = seconds() ?? settings.limits.idle
                case "max_call_seconds": settings.limits.absolute = seconds() ?? settings.limits.absolute
                case "shutdown_grace_seconds":
                    settings.limits.shutdownGrace = seconds() ?? settings.limits.shutdownGrace
                case "cancel_grace_seconds": settings.limits.cancelGrace = seconds() ?? settings.limits.cancelGrace
                case "max_line_bytes":
                    if let bytes = field.intValue, bytes >= 1024 {
                        settings.limits.maxLineBytes = bytes
                    } else {
                        findings.append(
                            manifest.diagnostic(
                                "manifest.type", "max_line_bytes must be an integer ≥ 1024", at: fieldPath))
                    }
                case "strict_protocol", "inherit_env":
                    guard let flag = ManifestValidator.coerceBool(field) else {
                        findings.append(
                            manifest.diagnostic("manifest.type", "\(key) must be true or false", at: fieldPath))
                        continue
                    }
                    if key == "strict_protocol" {
                        settings.limits.strictProtocol = flag
                    } else {
                        settings.inheritEnvironment = flag
                    }
                case "env":
                    guard let variables = field.objectValue else {
                        findings.append(
                            manifest.diagnostic("manifest.type", "env must be a mapping of NAME: value", at: fieldPath))
                        continue
                    }
                    for (name, text) in variables {
                        guard let text = text.stringValue ?? (text.isNull ? nil : text.jsonText) else { continue }
                        settings.environment[name] = text
                    }
                default:
                    findings.append(
                        manifest.diagnostic(
                            "manifest.unknown_key",
                            "unknown plugin setting \"\(key)\"\(NameSelection.hint(for: key, in: Set(keys))); "
                                + "expected one of: \(keys.joined(separator: ", "))",
                            at: fieldPath, onKey: true))
                }
            }
            result[spec] = settings
        }
        guard findings.isEmpty else { throw ManifestError(findings) }
        return result
    }
}
