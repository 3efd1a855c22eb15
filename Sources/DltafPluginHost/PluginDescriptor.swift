import DltafJSON
import Foundation

/// A `dltaf-plugin.json` file: how to start a plugin that is not an executable itself (a Python module,
/// a Node script, a folder of files).
///
/// ```json
/// {"dltaf_plugin": 1, "command": ["python3", "${PLUGIN_DIR}/main.py"], "env": {"PYTHONPATH": "${PLUGIN_DIR}"}}
/// ```
/// `${PLUGIN_DIR}` expands to the descriptor's folder. A relative `command[0]` containing `/` is relative to
/// that folder; a bare name is looked up on the plugin's `PATH` when it starts.
public struct PluginDescriptor: Sendable, Equatable {
    /// The descriptor's file name.
    public static let fileName = "dltaf-plugin.json"

    /// The command and its arguments, with `${PLUGIN_DIR}` expanded.
    public var command: [String]
    /// Extra environment variables for the plugin, with `${PLUGIN_DIR}` expanded.
    public var environment: [String: String]
    /// One line about the plugin.
    public var description: String?

    /// Why a descriptor could not be used.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        /// The descriptor file.
        public var path: String
        /// What is wrong.
        public var reason: String

        public var description: String { "\(path): invalid plugin descriptor: \(reason)" }
    }

    /// Reads the descriptor at `path`.
    public init(contentsOf path: String) throws(Invalid) {
        func invalid(_ reason: String) -> Invalid { Invalid(path: path, reason: reason) }
        guard let data = FileManager.default.contents(atPath: path) else { throw invalid("cannot be read") }
        guard data.count <= 1 << 20 else { throw invalid("larger than 1 MiB") }
        let json: JSONValue
        do {
            json = try JSONParser.parse([UInt8](data))
        } catch {
            throw invalid("not valid JSON: \(error)")
        }
        guard json.objectValue != nil else { throw invalid("must be a JSON object") }
        if let version = json["dltaf_plugin"], version.intValue != 1 {
            throw invalid("\"dltaf_plugin\" must be 1, got \(version.jsonText)")
        }
        guard let words = json["command"]?.arrayValue, !words.isEmpty else {
            throw invalid("\"command\" must be a non-empty list of strings")
        }
        let folder = (path as NSString).deletingLastPathComponent
        let expand = { (text: String) in text.replacingOccurrences(of: "${PLUGIN_DIR}", with: folder) }
        var command: [String] = []
        for word in words {
            guard let text = word.stringValue else { throw invalid("\"command\" must be a list of strings") }
            command.append(expand(text))
        }
        var environment: [String: String] = [:]
        for (key, value) in json["env"]?.objectValue ?? JSONObject() {
            guard let text = value.stringValue else { throw invalid("\"env.\(key)\" must be a string") }
            environment[key] = expand(text)
        }
        self.command = command
        self.environment = environment
        self.description = json["description"]?.stringValue
    }
}
